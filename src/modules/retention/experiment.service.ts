/**
 * Randomised retention campaigns in the synthetic world. A campaign runs in waves (as a business
 * repeats a campaign), the latest starting `horizonDays` before the world end so every outcome is
 * complete by "now"; each wave assigns a random share of the subscribers eligible then to the
 * strategy and records each one's outcome: one realised future, replayed from the world's state at
 * the wave's start under their arm. These are the
 * rows a real deployment would fill from its own campaigns; the uplift models learn from them.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { invalidArgument } from '../../common/domain-error';
import type { Progress } from '../../common/progress';
import { createRng, permutation, type Rng } from '../../ml';
import { averageEffect } from '../../ml/uplift';
import type { FeatureRow, FeatureService } from '../features/feature.service';
import { FeatureSnapshots } from './feature-snapshots';
import { factsOf } from './feature-rows';
import type { AssignmentRow, ExperimentRow, RetentionRepository } from './retention.repository';
import {
  RETENTION_STRATEGIES,
  resolveParameters,
  strategyByCode,
  type RetentionStrategyDefinition,
} from './strategy-catalogue';
import type { WorldBranch, WorldLab } from './world-lab';

export interface ExperimentInput {
  strategy: string;
  parameters?: Record<string, number>;
  /** Share of the eligible target treated, (0, 1). */
  share: number;
  horizonDays: number;
  seed: number;
  /** Only these subscribers (else every active one); ineligible ones are left out. */
  userIds?: readonly string[];
  /** Campaign waves, WAVE_EVERY_DAYS apart, the latest starting horizonDays before the world end. */
  waves?: number;
}

export const DEFAULT_WAVES = 4;
export const WAVE_EVERY_DAYS = 15;
const DAY_MS = 86_400_000;

export const EXPERIMENT_LIMITS = { minHorizon: 7, maxHorizon: 120, maxUsers: 100_000 };

export class ExperimentService {
  constructor(
    private readonly repository: RetentionRepository,
    private readonly features: FeatureService,
    private readonly lab: WorldLab,
  ) {}

  /** Validate everything, run the campaign's waves in the world, store it in one transaction. */
  async run(
    input: ExperimentInput,
    progress?: Progress,
    snapshots = new FeatureSnapshots(this.features),
  ): Promise<ExperimentRow> {
    const { strategy, parameters } = validateExperiment(input);
    const waves = input.waves ?? DEFAULT_WAVES;
    const latest = await this.lab.daysBeforeEnd(input.horizonDays);
    await this.lab.daysBeforeEnd(input.horizonDays + (waves - 1) * WAVE_EVERY_DAYS);
    const starts = Array.from(
      { length: waves },
      (_, w) => new Date(latest.getTime() - (waves - 1 - w) * WAVE_EVERY_DAYS * DAY_MS),
    );
    const branch = await this.lab.branch(starts);
    const rng = createRng(input.seed);
    const assignments: AssignmentRow[] = [];
    for (const [w, at] of starts.entries()) {
      const rows = await snapshots.at(at, input.horizonDays, input.userIds);
      const eligible = rows.filter(
        (r) => strategy.isEligible(factsOf(r)) && branch.isActive(r.userId, at),
      );
      const salt = (input.seed * 8 + RETENTION_STRATEGIES.indexOf(strategy)) * 16 + w;
      assignments.push(
        ...(await this.wave(branch, at, eligible, strategy, parameters, input, rng, salt)),
      );
      progress?.tick();
    }
    if (assignments.length < 20) {
      throw invalidArgument(
        `only ${assignments.length} eligible subscribers were active at the campaign dates: too few for a campaign`,
        { argument: 'userIds' },
      );
    }
    const experiment = {
      strategy: strategy.code,
      parameters,
      share: input.share,
      target: input.userIds ? { userIds: input.userIds.length } : { all: true },
      campaignAt: latest,
      waves,
      horizonDays: input.horizonDays,
      seed: input.seed,
      summary: summarise(assignments),
    };
    const id = await this.repository.transaction((m) =>
      this.repository.insertExperiment(m, experiment, assignments),
    );
    return (await this.repository.findExperiment(id))!;
  }

  /** One wave: a random share of the eligible treated, one realised future each. */
  private async wave(
    branch: WorldBranch,
    at: Date,
    eligible: readonly FeatureRow[],
    strategy: RetentionStrategyDefinition,
    parameters: Record<string, number>,
    input: ExperimentInput,
    rng: Rng,
    salt: number,
  ): Promise<AssignmentRow[]> {
    const order = permutation(eligible.length, rng);
    const treated = new Uint8Array(eligible.length);
    for (let k = 0; k < Math.round(input.share * eligible.length); k++) treated[order[k]] = 1;
    const treatment = strategy.toTreatment(parameters);
    const state = branch.stateAt(at);
    const day = branch.dayOf(at);
    const out: AssignmentRow[] = [];
    for (const [k, r] of eligible.entries()) {
      if (k % 100 === 99) await yieldToLoop(); // keep a serving process responsive
      const arm = treated[k] === 1 ? treatment : null;
      const o = branch.replayer.realise(
        state,
        branch.rowOf(r.userId),
        day,
        arm,
        input.horizonDays,
        salt,
      );
      out.push({
        campaignAt: at,
        userId: r.userId,
        treated: arm !== null,
        churned: o.churned,
        cancelAfterDays: o.churned ? o.cancelAfterDays : null,
        accepted: arm !== null ? o.accepted : null,
        feeAtEnd: o.feeCentsAtEnd / 100,
      });
    }
    return out;
  }
}

/** Every input problem before any work; returns the catalogue entry and full parameters. */
export function validateExperiment(input: ExperimentInput): {
  strategy: RetentionStrategyDefinition;
  parameters: Record<string, number>;
} {
  const strategy = strategyByCode(input.strategy);
  if (!strategy) {
    throw invalidArgument(
      `unknown strategy '${input.strategy}'; one of ${RETENTION_STRATEGIES.map((s) => s.code).join(', ')}`,
      { argument: 'strategy' },
    );
  }
  let parameters: Record<string, number>;
  try {
    parameters = resolveParameters(strategy, input.parameters);
  } catch (e) {
    throw invalidArgument((e as Error).message, { argument: 'parameters' });
  }
  if (!(input.share > 0 && input.share < 1))
    throw invalidArgument(`share must be within (0, 1), got ${input.share}`, { argument: 'share' });
  const { minHorizon, maxHorizon, maxUsers } = EXPERIMENT_LIMITS;
  if (
    !Number.isInteger(input.horizonDays) ||
    input.horizonDays < minHorizon ||
    input.horizonDays > maxHorizon
  )
    throw invalidArgument(`horizonDays must be ${minHorizon}..${maxHorizon}`, {
      argument: 'horizonDays',
    });
  if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed >= 2 ** 31)
    throw invalidArgument('seed must be a non-negative 32-bit integer', { argument: 'seed' });
  if (input.userIds && (input.userIds.length === 0 || input.userIds.length > maxUsers))
    throw invalidArgument(`userIds must hold 1..${maxUsers} ids`, { argument: 'userIds' });
  if (
    input.waves !== undefined &&
    !(Number.isInteger(input.waves) && input.waves >= 1 && input.waves <= 12)
  )
    throw invalidArgument('waves must be 1..12', { argument: 'waves' });
  if (input.userIds?.some((id) => !/^[1-9]\d{0,17}$/.test(id)))
    throw invalidArgument('userIds must be positive integer ids', { argument: 'userIds' });
  return { strategy, parameters };
}

function summarise(assignments: readonly AssignmentRow[]) {
  const retained = (a: AssignmentRow) => (a.churned ? 0 : 1);
  const t = assignments.filter((a) => a.treated);
  const c = assignments.filter((a) => !a.treated);
  const effect = averageEffect(t.map(retained), c.map(retained));
  return {
    treatedRows: t.length,
    controlRows: c.length,
    treatedChurnRate: 1 - effect.treatedMean,
    controlChurnRate: 1 - effect.controlMean,
    effect: effect.effect,
    lower: effect.lower,
    upper: effect.upper,
    acceptance: t.length > 0 ? t.filter((a) => a.accepted).length / t.length : 0,
  };
}
