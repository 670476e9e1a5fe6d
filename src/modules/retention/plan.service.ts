/**
 * Budgeted retention plans. For each strategy asked for, the uplift model learned from its latest
 * campaign (one is run first when none exists) predicts every candidate's chance of staying with
 * and without it; the catalogue prices it; the lifetime value port values it. The optimiser then
 * gives each subscriber at most one strategy to maximise expected net value under the budget, and
 * Monte Carlo over the models' posterior gives the plan's 95% intervals. Two reference policies
 * at the same budget are recorded beside it: "treat the riskiest" and "treat at random", each
 * giving the strategy with the best average predicted value.
 */
import type { Progress } from '../../common/progress';
import { createRng, permutation, selectRows, type FeatureMatrix, type Rng } from '../../ml';
import { actionValue, monteCarlo, optimiseBudget, type BudgetOption } from '../../ml/retention';
import { calibratedUplift, type LinearCalibration } from '../../ml/uplift';
import type { FeatureService } from '../features/feature.service';
import type { ExperimentService } from './experiment.service';
import { factsOf, featureMatrixOf } from './feature-rows';
import { FeatureSnapshots } from './feature-snapshots';
import type { LifetimeValue } from './lifetime-value';
import type { PlanCandidateRow, PlanRow, RetentionRepository } from './retention.repository';
import type { SubscriberFacts } from './strategy-catalogue';
import { fitStrategyModel, predictStrategy, type StrategyModel } from './strategy-models';
import {
  assignmentsFrom,
  fillInOrder,
  rankByAverageNet,
  totals,
  type ChosenStrategy,
} from './plan-policies';
import { DEFAULT_DRAWS, validatePlan } from './plan-validation';
import type { WorldLab } from './world-lab';

export interface PlanInput {
  /** Most the plan may spend, currency. */
  budget: number;
  /** Strategies to choose from (default: the whole catalogue with default parameters). */
  strategies?: { code: string; parameters?: Record<string, number> }[];
  horizonDays: number;
  /** Only these subscribers, and/or only those whose predicted churn is at least minRisk. */
  target?: { userIds?: string[]; minRisk?: number };
  seed?: number;
  /** Monte Carlo draws of the models' coefficients. Default 200. */
  draws?: number;
  /** Share treated in a campaign run because a strategy had none. Default 0.5. */
  experimentShare?: number;
}

/** Candidates' predictions: one row per subscriber, one column per strategy. */
interface Candidates {
  userIds: string[];
  facts: SubscriberFacts[];
  matrix: FeatureMatrix;
  ltv: number[];
  risk: number[];
  /** P(churn | treated) and P(churn | not) per strategy. Shape: [strategies][n] */
  churnWith: Float64Array[];
  churnWithout: Float64Array[];
  /** The model's uncalibrated uplift (retention probability) per strategy. Shape: [strategies][n] */
  rawUplift: Float64Array[];
}

export class PlanService {
  constructor(
    private readonly repository: RetentionRepository,
    private readonly features: FeatureService,
    private readonly experiments: ExperimentService,
    private readonly lab: WorldLab,
    private readonly lifetimeValue: LifetimeValue,
  ) {}

  async create(input: PlanInput, progress?: Progress): Promise<PlanRow> {
    const strategies = validatePlan(input);
    const seed = input.seed ?? 42;
    const plannedAt = (await this.lab.span()).end;
    const snapshots = new FeatureSnapshots(this.features);
    const models = await this.modelsFor(strategies, input, seed, snapshots);
    progress?.tick();
    const c = await this.candidates(models, input, plannedAt, snapshots);
    progress?.tick();
    const options = c.userIds.map((_, i) => this.optionsOf(strategies, models, c, i));
    const solution = optimiseBudget(options, input.budget);
    const uplift = assignmentsFrom('UPLIFT', solution.choice, options, strategies, c);
    const averageBest = rankByAverageNet(options, strategies.length);
    const riskOrder = c.userIds.map((_, i) => i).sort((a, b) => c.risk[b] - c.risk[a]);
    const randomOrder = Array.from(permutation(c.userIds.length, createRng(seed)));
    const riskiest = fillInOrder('RISKIEST', riskOrder, averageBest, options, input.budget);
    const random = fillInOrder('RANDOM', randomOrder, averageBest, options, input.budget);
    const interval = this.intervals(strategies, models, c, solution.choice, input, seed);
    progress?.tick();
    const prediction = {
      lifetimeValue: this.lifetimeValue.description,
      subscribers: c.userIds.length,
      solver: solution.method,
      uplift: { ...totals(uplift), intervals: interval },
      references: {
        RISKIEST: totals(assignmentsFrom('RISKIEST', riskiest, options, strategies, c)),
        RANDOM: totals(assignmentsFrom('RANDOM', random, options, strategies, c)),
      },
      models: models.map((m) => ({
        strategy: m.experiment.strategy,
        experimentId: m.experiment.id,
        campaignAt: m.experiment.campaignAt,
        waves: m.experiment.waves,
        rows: m.rows,
        calibration: m.calibration,
        ...m.experiment.summary,
      })),
    };
    const rows = [
      ...uplift,
      ...assignmentsFrom('RISKIEST', riskiest, options, strategies, c),
      ...assignmentsFrom('RANDOM', random, options, strategies, c),
    ];
    const candidates: PlanCandidateRow[] = strategies.flatMap((s, k) =>
      c.userIds.flatMap((userId, i) =>
        s.def.isEligible(c.facts[i])
          ? [
              {
                userId,
                strategy: s.def.code,
                uplift: c.churnWithout[k][i] - c.churnWith[k][i],
                risk: c.risk[i],
              },
            ]
          : [],
      ),
    );
    const id = await this.repository.transaction(async (m) => {
      const planId = await this.repository.insertPlan(
        m,
        {
          plannedAt,
          budget: input.budget,
          horizonDays: input.horizonDays,
          strategies: strategies.map((s) => ({ code: s.def.code, parameters: s.parameters })),
          target: input.target ?? {},
          experimentIds: models.map((x) => x.experiment.id),
          prediction,
        },
        rows,
      );
      await this.repository.insertCandidates(m, planId, candidates);
      return planId;
    });
    return (await this.repository.findPlan(id))!;
  }

  /** The latest matching campaign of each strategy (run one when there is none), and its model. */
  private async modelsFor(
    strategies: ChosenStrategy[],
    input: PlanInput,
    seed: number,
    snapshots: FeatureSnapshots,
  ): Promise<StrategyModel[]> {
    const models: StrategyModel[] = [];
    for (const s of strategies) {
      const found = await this.repository.latestExperiment(
        s.def.code,
        input.horizonDays,
        s.parameters,
      );
      const experiment =
        found ??
        (await this.experiments.run(
          {
            strategy: s.def.code,
            parameters: s.parameters,
            share: input.experimentShare ?? 0.5,
            horizonDays: input.horizonDays,
            seed,
          },
          undefined,
          snapshots,
        ));
      models.push(await fitStrategyModel(experiment, this.repository, snapshots, seed));
    }
    return models;
  }

  private async candidates(
    models: StrategyModel[],
    input: PlanInput,
    plannedAt: Date,
    snapshots: FeatureSnapshots,
  ): Promise<Candidates> {
    const all = await snapshots.at(plannedAt, input.horizonDays, input.target?.userIds);
    const allMatrix = featureMatrixOf(all);
    const predictions = models.map((m) => predictStrategy(m, allMatrix));
    const risk = all.map((_, i) => mean(predictions.map((p) => p.churnWithout[i])));
    const keep = all.flatMap((_, i) => (risk[i] >= (input.target?.minRisk ?? 0) ? [i] : []));
    const rows = keep.map((i) => all[i]);
    const facts = rows.map(factsOf);
    return {
      userIds: rows.map((r) => r.userId),
      facts,
      matrix: selectRows(allMatrix, keep),
      ltv: await this.lifetimeValue.valueOf(facts, input.horizonDays),
      risk: keep.map((i) => risk[i]),
      churnWith: predictions.map((p) => Float64Array.from(keep, (i) => p.churnWith[i])),
      churnWithout: predictions.map((p) => Float64Array.from(keep, (i) => p.churnWithout[i])),
      rawUplift: predictions.map((p) => Float64Array.from(keep, (i) => p.rawUplift[i])),
    };
  }

  private optionsOf(
    strategies: ChosenStrategy[],
    models: StrategyModel[],
    c: Candidates,
    i: number,
  ): BudgetOption[] {
    return strategies.flatMap((s, k) =>
      s.def.isEligible(c.facts[i])
        ? [{ strategy: k, ...valueOf(s, models[k], c, i, c.churnWith[k][i], c.churnWithout[k][i]) }]
        : [],
    );
  }

  /**
   * 95% intervals of the plan's totals: each draw takes every strategy's average effect and
   * heterogeneity slope from their joint sampling distribution (the calibration's robust
   * covariance) and re-values the plan's assignments.
   */
  private intervals(
    strategies: ChosenStrategy[],
    models: StrategyModel[],
    c: Candidates,
    choice: Int32Array,
    input: PlanInput,
    seed: number,
  ) {
    const assigned = Array.from(choice.keys()).filter((i) => choice[i] >= 0);
    return monteCarlo(input.draws ?? DEFAULT_DRAWS, seed, (rng) => {
      const drawn = models.map((m) => drawCalibration(m.calibration, rng));
      const sum = { saved: 0, valueKept: 0, cost: 0, net: 0 };
      for (const i of assigned) {
        const k = choice[i];
        const without = c.churnWithout[k][i];
        const withIt = Math.min(
          1,
          Math.max(0, without - calibratedUplift(drawn[k], c.rawUplift[k][i])),
        );
        const v = valueOf(strategies[k], models[k], c, i, withIt, without);
        sum.saved += v.saved;
        sum.valueKept += v.valueKept;
        sum.cost += v.cost;
        sum.net += v.net;
      }
      return { ...sum, roi: sum.cost > 0 ? sum.net / sum.cost : 0 };
    });
  }
}

/** (ate, slope) drawn from their bivariate normal sampling distribution. */
function drawCalibration(c: LinearCalibration, rng: Rng): LinearCalibration {
  const [[a, b], [, d]] = c.covariance;
  const l11 = Math.sqrt(Math.max(a, 0));
  const l21 = l11 > 0 ? b / l11 : 0;
  const l22 = Math.sqrt(Math.max(d - l21 * l21, 0));
  const z1 = rng.normal();
  const z2 = rng.normal();
  return { ...c, ate: c.ate + l11 * z1, slope: c.slope + l21 * z1 + l22 * z2 };
}

function valueOf(
  s: ChosenStrategy,
  model: StrategyModel,
  c: Candidates,
  i: number,
  churnWith: number,
  churnWithout: number,
) {
  const costInputs = {
    facts: c.facts[i],
    parameters: s.parameters,
    churnWith,
    acceptance: model.acceptance,
  };
  return actionValue({
    ltv: c.ltv[i],
    churnWith,
    churnWithout,
    feeRatio: s.def.expectedFeeRatio(costInputs),
    cost: s.def.expectedCost(costInputs),
  });
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
}
