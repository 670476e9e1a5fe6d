/**
 * The served recommender through an offline protocol: `fitRecommender` (what `churn train-recs`
 * runs) on the protocol's train part, then every source alone and the learned blend, each ranking
 * unstarted titles exactly as `User.recommendations` does. One fit serves all five rows.
 */
import {
  measureProtocol,
  MODEL_EVALUATION_DEFAULTS,
  type EvaluationSide,
  type ModelEvaluation,
  type ModelEvaluationOptions,
  type UserScorer,
} from './evaluate-models';
import type { EvaluationProtocol } from './evaluate-protocols';
import { ContentModel } from './content-model';
import { BLEND_DEFAULTS } from './blend-weights';
import { HybridRecommender } from './hybrid-recommender';
import type { SourceCode } from './reasons';
import {
  fitRecommender,
  historiesOf,
  hybridParts,
  type RecommenderFit,
  type RecommenderFitOptions,
} from './recommender-fit';
import type { HybridParts } from './sources';

/** Rows of the served evaluation: the blend, then each source alone. */
export type ServedRow = 'hybrid' | SourceCode;

export interface ServedEvaluation extends Omit<ModelEvaluation, 'model'> {
  model: `served:${ServedRow}`;
}

/** The served recommender on a training set: the parts and the learned blend. */
export function servedRecommender(
  parts: HybridParts,
  fit: Pick<RecommenderFit, 'blend'>,
  sources?: readonly SourceCode[],
): HybridRecommender {
  return new HybridRecommender(parts, {
    blend: { ...BLEND_DEFAULTS, learned: fit.blend },
    ...(sources ? { sources } : {}),
  });
}

export async function evaluateServed(
  protocol: EvaluationProtocol,
  side: EvaluationSide,
  options: Partial<ModelEvaluationOptions> & { fit?: Partial<RecommenderFitOptions> } = {},
): Promise<{ rows: ServedEvaluation[]; fit: RecommenderFit }> {
  const o = { ...MODEL_EVALUATION_DEFAULTS, ...options };
  const t0 = performance.now();
  const recSide = {
    features: side.features ?? null,
    titles: side.titles ?? null,
    kinds: side.kinds ?? null,
    segments: side.segments ?? null,
    segmentCount: side.segmentCount,
  };
  const fit = await fitRecommender(protocol.train, recSide, { seed: o.seed, ...options.fit });
  const fitMs = performance.now() - t0;
  const content = side.titles ? ContentModel.fit(side.titles) : null;
  const parts = hybridParts(protocol.train, recSide, fit.collaborative, content);
  const { histories, now } = historiesOf(protocol.train);
  const rows: [ServedRow, readonly SourceCode[] | undefined][] = [
    ['hybrid', undefined],
    ['collaborative', ['collaborative']],
    ['content', ['content']],
    ['genre-mixture', ['genre-mixture']],
    ['popular-in-segment', ['popular-in-segment']],
    ['trending', ['trending']],
  ];
  const out: ServedEvaluation[] = [];
  for (const [row, sources] of rows) {
    if (row === 'content' && content === null) continue;
    const recommender = servedRecommender(parts, fit, sources);
    const scorer: UserScorer = {
      scoreUser: (user, scores) => {
        const segment = side.segments?.[user];
        scores.set(
          recommender.scoreAll({
            history: histories[user],
            now,
            segment: segment !== undefined && segment >= 0 ? segment : undefined,
          }).scores,
        );
        return scores;
      },
    };
    const t1 = performance.now();
    const metrics = measureProtocol(scorer, protocol, side, o);
    out.push({ model: `served:${row}`, fitMs, scoreMs: performance.now() - t1, metrics });
  }
  return { rows: out, fit };
}
