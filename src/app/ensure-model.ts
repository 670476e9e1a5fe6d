import type { Config } from './config';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { Logger } from '../common/logger';
import { createProgress } from '../common/progress';
import { streamReporter, formatTrainingSummary } from '../modules/training/training-report';
import type { Services } from './services';

/** Online feature state for every subscriber (after seeding or an import, before any scoring). */
export async function ensureFeatures(services: Services, logger: Logger): Promise<void> {
  const { users, states } = await services.features.counts();
  if (users === 0 || states >= users) return;
  logger.info('Building online features from the event history', { users });
  const progress = createProgress({ label: 'features', total: users, unit: 'subscribers' });
  const built = await services.features.rebuildAll(progress);
  progress.done(`${built} subscribers`);
}

/**
 * A fresh machine has no model: train one (and score everyone) before saying ready. A database whose
 * active model has no scores yet (say, MODEL_DIR was copied in) is scored.
 */
export async function ensureModel(
  services: Services,
  config: Config,
  logger: Logger,
): Promise<void> {
  const active = await services.registry.activeModel();
  if (!active) {
    logger.info('No active churn model: training one');
    try {
      const summary = await services.training.trainNow(
        {
          seed: config.trainSeed,
          force: false,
          maxEpochs: config.trainMaxEpochs,
          withSequence: true,
        },
        streamReporter(),
      );
      process.stderr.write(`${formatTrainingSummary(summary)}\n`);
    } catch (err) {
      // An empty or young database cannot train yet; serve anyway and say how to train later.
      if (err instanceof DomainError && err.code === ErrorCode.INSUFFICIENT_DATA) {
        logger.warn(
          `Not training yet: ${err.message}. Run \`churn train\` once there is enough history.`,
        );
        return;
      }
      throw err;
    }
    return;
  }
  const overview = await services.scoring.overview();
  if (overview.every((l) => l.users === 0)) await scoreEveryone(services);
}

/** Batch-score every active subscriber, and store the active version's mean |attribution| importance. */
export async function scoreEveryone(services: Services): Promise<number> {
  const model = await services.scoring.requireModel();
  const importance = services.explanations.importanceAccumulator(model.version);
  const scored = await services.scoring.scoreAll({ onExplained: importance.add });
  await importance.save();
  return scored;
}
