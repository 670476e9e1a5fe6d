/** `churn train | evaluate | models | activate | score`: the model lifecycle from the command line. */
import type { Command } from 'commander';
import { integerArg } from './cli-args';
import type { Config } from '../app/config';
import { ensureFeatures, scoreEveryone } from '../app/ensure-model';
import type { EvaluatedScorer } from '../modules/model-registry/model-metadata';
import { formatTrainingSummary, streamReporter } from '../modules/training/training-report';
import { CliInputError } from './evaluate-table';
import { withServices } from './services-scope';
import { K_RANGE } from '../modules/segments/k-choice';

const f4 = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(4));

export function registerModelCommands(program: Command, config: () => Config): void {
  program
    .command('train')
    .description(
      'train the logistic and deep models on time-split snapshots, evaluate, register, activate if better, rescore',
    )
    .option('--seed <n>', 'random seed', integerArg(0, 2 ** 31 - 1), 42)
    .option('--max-epochs <n>', 'most epochs for the deep model', integerArg(1, 500), 40)
    .option('--no-sequence', 'skip the deep variant with the 28-day sequence branch')
    .option('--no-survival', 'skip the survival (time-to-cancel) models')
    .option('--force', 'activate the best new model even if it does not beat the active one', false)
    .action(
      async (flags: {
        seed: number;
        maxEpochs: number;
        sequence: boolean;
        survival: boolean;
        force: boolean;
      }) =>
        withServices(config(), async (services, { logger }) => {
          await ensureFeatures(services, logger);
          const summary = await services.training.trainNow(
            {
              seed: flags.seed,
              maxEpochs: flags.maxEpochs,
              withSequence: flags.sequence,
              withSurvival: flags.survival,
              force: flags.force,
            },
            streamReporter(),
          );
          process.stdout.write(`${formatTrainingSummary(summary)}\n`);
        }),
    );

  program
    .command('evaluate')
    .description(
      'evaluate a model version (default: the active one) on the latest validation snapshot',
    )
    .argument('[version]', 'model version')
    .action(async (version: string | undefined) =>
      withServices(config(), async (services) => {
        const r = await services.training.evaluateVersion(version);
        const rows: EvaluatedScorer[] = [r.model, r.baseline];
        process.stdout.write(
          `evaluation half of the ${r.snapshot.toISOString().slice(0, 10)} snapshot (${r.model.n} subscribers, ${r.model.positives} churned)\n` +
            rows
              .map(
                (m) =>
                  `${m.name.padEnd(34)} AUC ${f4(m.rocAuc)}  PR-AUC ${f4(m.prAuc)}  Brier ${f4(m.brier)}  ECE ${f4(m.ece)}  F1 ${f4(m.f1)}  acc ${f4(m.accuracy)}  lift ${m.topDecileLift.toFixed(2)}`,
              )
              .join('\n') +
            `\noracle AUC ${f4(r.oracleAuc)}\n` +
            `confusion at ${r.model.threshold.toFixed(3)}: tp ${r.model.confusion.tp} fp ${r.model.confusion.fp} tn ${r.model.confusion.tn} fn ${r.model.confusion.fn}\n`,
        );
      }),
    );

  program
    .command('models')
    .description('list model versions')
    .action(async () =>
      withServices(config(), async (services) => {
        const rows = await services.registry.list();
        if (rows.length === 0) process.stdout.write('no model versions yet: run `churn train`\n');
        for (const r of rows) {
          const m = r.metadata.metrics.model;
          process.stdout.write(
            `${r.active ? '*' : ' '} ${r.version.padEnd(34)} ${r.metadata.variant.padEnd(13)} AUC ${f4(m.rocAuc)}  Brier ${f4(m.brier)}  trained ${r.createdAt.toISOString()}\n`,
          );
        }
      }),
    );

  program
    .command('activate')
    .description('make a model version the serving one')
    .argument('<version>', 'model version (see `churn models`)')
    .action(async (version: string) =>
      withServices(config(), async (services) => {
        await services.registry.activate(version);
        process.stdout.write(
          `activated ${version}; run \`churn score\` to rescore everyone with it\n`,
        );
      }),
    );

  program
    .command('score')
    .description(
      'batch-score every active subscriber with the active model (appends to churn_scores)',
    )
    .action(async () =>
      withServices(config(), async (services, { logger }) => {
        await ensureFeatures(services, logger);
        await scoreEveryone(services);
      }),
    );

  program
    .command('segment')
    .description(
      'cluster the subscribers into behaviour segments (k by silhouette among segments of at least 5%), label them, match the previous run, store',
    )
    .option('--seed <n>', 'random seed', integerArg(0, 2 ** 31 - 1), 42)
    .option('--min-k <n>', 'fewest segments tried', integerArg(2, 30), K_RANGE[0])
    .option('--max-k <n>', 'most segments tried', integerArg(2, 30), K_RANGE[1])
    .action(async (flags: { seed: number; minK: number; maxK: number }) =>
      withServices(config(), async (services, { logger }) => {
        if (flags.minK > flags.maxK) throw new CliInputError('--min-k must not exceed --max-k');
        await ensureFeatures(services, logger);
        await services.segments.run({ seed: flags.seed, kRange: [flags.minK, flags.maxK] });
      }),
    );
}
