/**
 * The plan's policies as rows: the optimiser's choice, and the two references at the same budget
 * ("treat the riskiest", "treat at random"), which give every subscriber they reach the strategy
 * with the best average predicted value.
 */
import type { BudgetOption } from '../../ml/retention';
import type { PlanAssignmentRow, PlanPolicy } from './retention.repository';
import type { RetentionStrategyDefinition } from './strategy-catalogue';

/** A strategy the plan may use, with its parameters resolved. */
export interface ChosenStrategy {
  def: RetentionStrategyDefinition;
  parameters: Record<string, number>;
}

/** What the rows need of the plan's candidates. */
export interface CandidateView {
  userIds: string[];
  risk: number[];
  ltv: number[];
  churnWith: Float64Array[];
  churnWithout: Float64Array[];
}

/** Strategy indexes by mean predicted net over the subscribers eligible for each, best first. */
export function rankByAverageNet(options: BudgetOption[][], strategies: number): number[] {
  const sum = new Float64Array(strategies);
  const count = new Float64Array(strategies);
  for (const list of options)
    for (const o of list) {
      sum[o.strategy] += o.net;
      count[o.strategy]++;
    }
  const avg = Array.from(sum, (s, k) => (count[k] > 0 ? s / count[k] : -Infinity));
  return avg.map((_, k) => k).sort((a, b) => avg[b] - avg[a]);
}

/**
 * A reference policy: walk subscribers in `order`, give each the best-on-average strategy they
 * are eligible for while it fits in what is left of the budget.
 */
export function fillInOrder(
  _policy: PlanPolicy,
  order: readonly number[],
  strategyRank: readonly number[],
  options: BudgetOption[][],
  budget: number,
): Int32Array {
  const choice = new Int32Array(options.length).fill(-1);
  let left = budget;
  for (const i of order) {
    const pick = strategyRank
      .map((k) => options[i].find((o) => o.strategy === k))
      .find((o) => o !== undefined);
    if (!pick || pick.cost > left) continue;
    choice[i] = pick.strategy;
    left -= pick.cost;
  }
  return choice;
}

export function assignmentsFrom(
  policy: PlanPolicy,
  choice: Int32Array,
  options: BudgetOption[][],
  strategies: ChosenStrategy[],
  c: CandidateView,
): PlanAssignmentRow[] {
  const out: PlanAssignmentRow[] = [];
  choice.forEach((k, i) => {
    if (k < 0) return;
    const o = options[i].find((x) => x.strategy === k)!;
    out.push({
      policy,
      userId: c.userIds[i],
      strategy: strategies[k].def.code,
      risk: c.risk[i],
      predictedSaved: c.churnWithout[k][i] - c.churnWith[k][i],
      predictedNet: o.net,
      predictedCost: o.cost,
      lifetimeValue: c.ltv[i],
    });
  });
  return out;
}

/** Point totals of a policy's assignments. */
export function totals(rows: readonly PlanAssignmentRow[]) {
  const byStrategy: Record<string, number> = {};
  let saved = 0;
  let cost = 0;
  let net = 0;
  for (const r of rows) {
    byStrategy[r.strategy] = (byStrategy[r.strategy] ?? 0) + 1;
    saved += r.predictedSaved;
    cost += r.predictedCost;
    net += r.predictedNet;
  }
  return {
    treated: rows.length,
    byStrategy,
    saved,
    valueKept: net + cost,
    cost,
    net,
    roi: cost > 0 ? net / cost : 0,
  };
}
