/**
 * `churn train-recs | evaluate-recs | import-movielens`: the recommender's batch jobs.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { Pool } from 'pg';
import {
  detectMovieLensLayout,
  evaluateMovieLens,
  loadMovieLens,
  MovieLensError,
} from '../../seeds/movielens';
import { importMovieLens, ImportRefusedError } from '../../seeds/movielens/import-movielens';
import type { Config } from '../app/config';
import { startOfTodayUtc } from '../common/dates';
import { createProgress } from '../common/progress';
import { ensureFeatures } from '../app/ensure-model';
import {
  evaluateModels,
  evaluateServed,
  leaveLatestOutProtocol,
  randomSplitProtocol,
  type EvaluationModelCode,
  type ModelEvaluation,
  type RecommenderFit,
  type ServedEvaluation,
} from '../ml';
import { loadEvaluationData } from '../modules/recommendations/evaluation-data';
import { TRAIN_RECOMMENDER_DEFAULTS } from '../modules/recommendations/recommender-training';
import { integerArg } from './cli-args';
import { CliInputError } from './evaluate-table';
import { withServices } from './services-scope';

/** Baselines beside the served recommender (each of its sources alone and the learned blend). */
const BASELINES: EvaluationModelCode[] = ['top-pop', 'item-knn'];

type Evaluations = {
  randomSplit: (ModelEvaluation | ServedEvaluation)[];
  leaveLatestOut: (ModelEvaluation | ServedEvaluation)[];
  fits?: { randomSplit: RecommenderFit; leaveLatestOut: RecommenderFit };
};

export function registerRecommendationCommands(program: Command, config: () => Config): void {
  program
    .command('train-recs')
    .description(
      'train the recommender on every viewing event and serve it: the collaborative model (implicit ALS ' +
        'or BPR) chosen on a random tenth of sampled subscribers’ titles, and the blend of the sources learned on them',
    )
    .option(
      '--seed <n>',
      'random seed',
      integerArg(0, 2 ** 31 - 1),
      TRAIN_RECOMMENDER_DEFAULTS.seed,
    )
    .option(
      '--epochs <n>',
      'training epochs',
      integerArg(1, 500),
      TRAIN_RECOMMENDER_DEFAULTS.epochs,
    )
    .option(
      '--factors <n>',
      'latent dimensions',
      integerArg(2, 256),
      TRAIN_RECOMMENDER_DEFAULTS.factors,
    )
    .action(async (flags: { seed: number; epochs: number; factors: number }) =>
      withServices(config(), async (services) => {
        await services.recommendations.train(flags);
      }),
    );

  program
    .command('evaluate-recs')
    .description(
      'offline evaluation of the served recommender (the learned blend and each source alone, fitted as ' +
        'train-recs fits them) beside TopPop and item-kNN: 75/25 per user and leave-latest-out with 100 ' +
        'negatives, on the database or on a MovieLens folder',
    )
    .option(
      '--movielens <dir>',
      'a MovieLens folder (ml-100k or ml-latest-small layout) instead of the database',
    )
    .option('--seed <n>', 'random seed', integerArg(0, 2 ** 31 - 1), 42)
    .option(
      '--epochs <n>',
      'BPR epochs (BPR is a candidate on small data)',
      integerArg(1, 500),
      TRAIN_RECOMMENDER_DEFAULTS.epochs,
    )
    .action(async (flags: { movielens?: string; seed: number; epochs: number }) => {
      const options = {
        seed: flags.seed,
        bpr: { epochs: flags.epochs, seed: flags.seed },
        fit: { bprEpochs: flags.epochs },
      };
      const say = (m: string) => process.stderr.write(`evaluate-recs: ${m}\n`);
      let result: Evaluations;
      let what: string;
      if (flags.movielens) {
        const data = loadMovieLensOrFail(flags.movielens);
        what = `MovieLens (${data.layout}): ${data.users.length} users, ${data.titles.length} titles, ${data.ratings.length} ratings`;
        say(`${what}; fitting the baselines and the served recommender on both protocols`);
        result = await evaluateMovieLens(data, BASELINES, {
          ...options,
          served: true,
          bprEpochs: flags.epochs,
        });
      } else {
        result = await withServices(config(), async (_services, { database }) => {
          const { interactions, side, description } = await loadEvaluationData(database.dataSource);
          what = `the database: ${description}`;
          say(`${what}; fitting the baselines and the served recommender on both protocols`);
          const split = randomSplitProtocol(interactions, { seed: flags.seed + 1 });
          const loo = leaveLatestOutProtocol(interactions, {
            seed: flags.seed + 2,
            negatives: 100,
          });
          const a = await evaluateServed(split, side, options);
          const b = await evaluateServed(loo, side, options);
          return {
            randomSplit: [...(await evaluateModels(BASELINES, split, side, options)), ...a.rows],
            leaveLatestOut: [...(await evaluateModels(BASELINES, loo, side, options)), ...b.rows],
            fits: { randomSplit: a.fit, leaveLatestOut: b.fit },
          };
        });
      }
      process.stdout.write(formatEvaluation(result));
    });

  program
    .command('import-movielens')
    .description('load a MovieLens folder (ml-100k or ml-latest-small layout) into the database')
    .argument('<dir>', 'the MovieLens folder')
    .option('--replace', 'delete the existing subscribers, titles and events first', false)
    .option(
      '--keep-dates',
      "keep MovieLens's own dates (default: shift them to end just before today)",
      false,
    )
    .action(async (dir: string, flags: { replace: boolean; keepDates: boolean }) => {
      const data = loadMovieLensOrFail(dir);
      await withServices(config(), async (services, { database, logger }) => {
        const pool = new Pool({ connectionString: database.url, max: 2 });
        const progress = createProgress({
          label: 'import-movielens',
          total: data.ratings.length,
          unit: 'ratings',
        });
        try {
          const summary = await importMovieLens(pool, data, {
            replace: flags.replace,
            keepDates: flags.keepDates,
            today: startOfTodayUtc(),
            onProgress: (done) => progress.update(done),
          }).catch((err) => {
            if (err instanceof ImportRefusedError) throw new CliInputError(err.message);
            throw err;
          });
          progress.done(
            `${summary.users} subscribers, ${summary.titles} titles, ${summary.viewingEvents} viewing events` +
              (summary.shiftDays ? ` (dates shifted by ${summary.shiftDays} days)` : ''),
          );
        } finally {
          await pool.end();
        }
        services.features.invalidateCatalogue();
        await ensureFeatures(services, logger);
      });
    });
}

function loadMovieLensOrFail(dir: string) {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new CliInputError(`${dir} is not a folder`);
  if (!detectMovieLensLayout(dir)) {
    throw new CliInputError(
      `${dir} holds neither the ml-100k layout (u.data, u.item) nor the ml-latest layout (ratings.csv, movies.csv)`,
    );
  }
  try {
    return loadMovieLens(dir);
  } catch (err) {
    if (err instanceof MovieLensError) throw new CliInputError(err.message);
    throw err;
  }
}

const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));

function formatFit(fit: RecommenderFit): string {
  const candidates = fit.candidates.map((c) => `${c.code} ${f3(c.ndcg)}`).join(', ');
  const buckets = fit.blend.buckets.map((b) => {
    const w = Object.entries(b.weights)
      .map(([s, v]) => `${s} ${v.toFixed(2)}`)
      .join(', ');
    return `  history ≤ ${b.maxHistory === Infinity || b.maxHistory === null ? '∞' : b.maxHistory}: ${w} (${b.users} users, NDCG@10 ${f3(b.ndcg)} vs best single ${b.bestSingle.source} ${f3(b.bestSingle.ndcg)})`;
  });
  return [
    `collaborative chosen on validation: ${fit.chosen} (NDCG@10 on ${fit.validationUsers} users' held-out titles: ${candidates})`,
    'learned blend:',
    ...buckets,
  ].join('\n');
}

function formatEvaluation(r: Evaluations): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  const a = r.randomSplit.map((e) => {
    const m = e.metrics as unknown as Record<string, number>;
    return `${pad(e.model, 26)} ${[m.precision, m.recall, m.ndcg, m.map, m.coverage, m.diversity, m.novelty].map((v) => f3(v).padStart(9)).join('')}  ${(e.fitMs / 1000).toFixed(1).padStart(6)} s`;
  });
  const b = r.leaveLatestOut.map((e) => {
    const m = e.metrics as unknown as Record<string, number>;
    return `${pad(e.model, 26)} ${[m.hitRate, m.ndcg].map((v) => f3(v).padStart(9)).join('')}  ${(e.fitMs / 1000).toFixed(1).padStart(6)} s`;
  });
  return [
    '(a) per-user 75/25 split, @10',
    `${pad('model', 26)} ${['P@10', 'R@10', 'NDCG@10', 'MAP', 'coverage', 'diversity', 'novelty'].map((h) => h.padStart(9)).join('')}     fit`,
    ...a,
    '',
    '(b) leave-latest-out, 100 sampled negatives',
    `${pad('model', 26)} ${['HR@10', 'NDCG@10'].map((h) => h.padStart(9)).join('')}     fit`,
    ...b,
    '',
    ...(r.fits
      ? ['(a) ' + formatFit(r.fits.randomSplit), '', '(b) ' + formatFit(r.fits.leaveLatestOut), '']
      : []),
  ].join('\n');
}
