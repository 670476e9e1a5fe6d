/**
 * `churn train-recs`: the batch job behind the served recommender. On every viewing event it
 * holds out a random tenth of sampled subscribers' titles, fits the candidate collaborative models
 * (implicit ALS at two sizes, and BPR on small data) and keeps the one that ranks the held-out
 * titles best, learns the blend of the sources per history bucket on the same subscribers, refits
 * the chosen model on everything, and saves it as a versioned artifact with the blend in its
 * metadata.
 * Serving picks the new version up within seconds (RecommendationsService.current).
 */
import type { DataSource } from 'typeorm';
import { createProgress } from '../../common/progress';
import {
  activeBackend,
  candidateCodes,
  fitRecommender,
  interactionsFromRows,
  RECOMMENDER_FIT_DEFAULTS,
  refinementFits,
  itemFeaturesFromLists,
  MOVIE,
  SERIES,
  type CollaborativeCode,
  type InteractionRow,
} from '../../ml';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { latestSegmentMemberships } from '../segments/segments.repository';
import { allViewingEvents, catalogTitles } from './borrowed-reads';
import type { RecommenderMetadata, RecommenderStore } from './recommender-store';
import { vocabulary } from './recommender-state';

export interface TrainRecommenderOptions {
  seed: number;
  /** BPR epochs, when BPR is a candidate. */
  epochs: number;
  /** Kept for the CLI's --factors: BPR's latent dimensions (ALS sizes are catalogue entries). */
  factors: number;
  /** Collaborative candidates; 'auto' picks by data size (recommender-fit.ts). */
  models?: CollaborativeCode[] | 'auto';
  silent?: boolean;
  /** Checked after every iteration or epoch: true abandons the run (shutdown). */
  shouldStop?: () => boolean;
}

export class TrainingStopped extends Error {}

export const TRAIN_RECOMMENDER_DEFAULTS: TrainRecommenderOptions = {
  seed: 42,
  epochs: 30,
  factors: 32,
};

export async function trainRecommender(
  ds: DataSource,
  store: RecommenderStore,
  options: TrainRecommenderOptions,
): Promise<RecommenderMetadata> {
  const started = performance.now();
  const [titles, events, memberships] = await Promise.all([
    catalogTitles(ds),
    allViewingEvents(ds),
    latestSegmentMemberships(ds),
  ]);
  if (events.length === 0 || titles.length < 2) {
    throw new DomainError(
      ErrorCode.INSUFFICIENT_DATA,
      'the recommender needs titles and viewing events to train on',
    );
  }
  const indexOf = new Map(titles.map((t, i) => [t.id, i]));
  const genres = vocabulary(titles.map((t) => t.genres));
  const tags = vocabulary(titles.map((t) => t.tags));
  const features = itemFeaturesFromLists(
    titles.map((t) => t.genres.map((g) => genres.indexOf(g))),
    genres.length,
    titles.map((t) => t.tags.map((g) => tags.indexOf(g))),
    tags.length,
  );
  const users = new Map<string, number>();
  const rows: InteractionRow[] = events.map((e) => {
    let u = users.get(e.user_id);
    if (u === undefined) users.set(e.user_id, (u = users.size));
    return { user: u, item: indexOf.get(e.title_id)!, weight: e.completion, timestamp: e.t };
  });
  const x = interactionsFromRows(rows, users.size, titles.length);
  const segmentIds = [...new Set(memberships.map((m) => String(m.segment_id)))].sort();
  const segments = new Int32Array(users.size).fill(-1);
  for (const m of memberships) {
    const u = users.get(m.user_id);
    if (u !== undefined) segments[u] = segmentIds.indexOf(String(m.segment_id));
  }
  const fitOptions = { ...RECOMMENDER_FIT_DEFAULTS, candidates: options.models ?? 'auto' };
  const candidates = candidateCodes(x, fitOptions);
  // One step per candidate validated (the refinement's at most), then the blend, then the refit on
  // everything.
  const progress = createProgress({
    label: 'train-recs',
    total: candidates.length + refinementFits(x, fitOptions) + 2,
    unit: 'steps',
    silent: options.silent,
  });
  let steps = 0;
  const fit = await fitRecommender(
    x,
    {
      features,
      titles,
      kinds: Uint8Array.from(titles, (t) => (t.type === 'SERIES' ? SERIES : MOVIE)),
      segments,
      segmentCount: segmentIds.length,
    },
    {
      seed: options.seed,
      bprEpochs: options.epochs,
      candidates: fitOptions.candidates,
      onStep: () => {
        if (options.shouldStop?.()) throw new TrainingStopped('recommender training stopped');
        if (steps++ > 0) progress.tick();
      },
      onTick: () => {
        if (options.shouldStop?.()) throw new TrainingStopped('recommender training stopped');
      },
    },
  );
  progress.tick();
  const created = new Date();
  const chosen = fit.candidates.find((c) => c.code === fit.chosen)!;
  const metadata: RecommenderMetadata = {
    version: `${created.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${fit.chosen}`,
    createdAt: created.toISOString(),
    seed: options.seed,
    titleIds: titles.map((t) => t.id),
    genres,
    tags,
    interactions: events.length,
    users: users.size,
    trainingSeconds: (performance.now() - started) / 1000,
    epochs: options.epochs,
    finalLoss: null,
    backend: activeBackend(),
    metrics: { validationNdcg10: chosen.ndcg, validationUsers: fit.validationUsers },
    model: fit.chosen,
    candidates: fit.candidates,
    blend: fit.blend,
  };
  await store.register(fit.collaborative.toArtifacts(), metadata);
  progress.done(
    `${metadata.version}: ${events.length} viewing events of ${users.size} subscribers on ${titles.length} titles; ` +
      `${fit.candidates.map((c) => `${c.code} NDCG@10 ${c.ndcg.toFixed(3)}`).join(', ')} on ${fit.validationUsers} held-out subscribers → ${fit.chosen}`,
  );
  return metadata;
}
