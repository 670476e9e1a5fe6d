/**
 * `churn train-recs`: the batch job behind the collaborative source. Fits the BPR factorisation
 * (LightFM-style item vectors: id embedding + mean of genre and tag embeddings) on every viewing event,
 * weighted by completion, seeded; saves it as a versioned artifact and activates it. Serving picks the
 * new version up within seconds (RecommendationsService.current).
 */
import type { DataSource } from 'typeorm';
import { createProgress } from '../../common/progress';
import {
  activeBackend,
  BprFactorization,
  interactionsFromRows,
  itemFeaturesFromLists,
  type InteractionRow,
} from '../../ml';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { RecommenderMetadata, RecommenderStore } from './recommender-store';
import { vocabulary } from './recommender-state';

export interface TrainRecommenderOptions {
  seed: number;
  epochs: number;
  factors: number;
  silent?: boolean;
  /** Checked after every epoch: true abandons the run (shutdown). */
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
  const titles: { id: string; genres: string[]; tags: string[] }[] = await ds.query(
    'SELECT id::text, genres, tags FROM titles ORDER BY id',
  );
  const events: { user_id: string; title_id: string; completion: number; t: number }[] =
    await ds.query(
      `SELECT user_id::text, title_id::text, completion, extract(epoch FROM started_at)::float8 AS t
       FROM viewing_events`,
    );
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
  const progress = createProgress({
    label: 'train-recs',
    total: options.epochs,
    unit: 'epochs',
    silent: options.silent,
  });
  let finalLoss: number | null = null;
  const model = await BprFactorization.fit(x, features, {
    seed: options.seed,
    epochs: options.epochs,
    factors: options.factors,
    onEpoch: (_epoch, logs) => {
      finalLoss = logs.loss;
      progress.tick();
      if (options.shouldStop?.()) throw new TrainingStopped('recommender training stopped');
    },
  });
  const created = new Date();
  const metadata: RecommenderMetadata = {
    version: `${created.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-bpr`,
    createdAt: created.toISOString(),
    seed: options.seed,
    titleIds: titles.map((t) => t.id),
    genres,
    tags,
    interactions: events.length,
    users: users.size,
    trainingSeconds: (performance.now() - started) / 1000,
    epochs: options.epochs,
    finalLoss,
    backend: activeBackend(),
    metrics: finalLoss === null ? {} : { finalLoss },
  };
  await store.register(model.toArtifacts(), metadata);
  progress.done(
    `${metadata.version}: ${events.length} viewing events of ${users.size} subscribers on ${titles.length} titles, ` +
      `${options.epochs} epochs, final loss ${finalLoss === null ? '—' : (finalLoss as number).toFixed(4)}`,
  );
  return metadata;
}
