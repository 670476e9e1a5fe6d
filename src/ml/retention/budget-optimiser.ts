/**
 * The retention budget as a multiple-choice knapsack: each subscriber gets at most one strategy,
 * each (subscriber, strategy) option has an expected net value and an expected cost, and the
 * options chosen must cost at most the budget in all. Small instances are solved exactly by
 * dynamic programming over the budget in whole cost units; large ones by the classic greedy on
 * each subscriber's convex hull of options (Sinha & Zoltners), which takes upgrades in order of
 * extra value per extra cost and is optimal up to the one upgrade that did not fit, followed by
 * a pass that spends what is left on options that still fit.
 */

/** One candidate action for one subscriber. */
export interface BudgetOption {
  /** Which strategy (an index the caller understands). */
  strategy: number;
  /** Expected net value of taking it (value created minus its cost), currency. */
  net: number;
  /** Expected cost, currency, ≥ 0. */
  cost: number;
}

export interface BudgetSolution {
  /** Chosen strategy per subscriber, or −1 for none. Shape: [subscribers] */
  choice: Int32Array;
  net: number;
  cost: number;
  method: 'exact' | 'greedy';
}

export interface OptimiseOptions {
  /** Cost unit for the exact solver (e.g. 0.01 for cents). Default 0.01. */
  unit?: number;
  /** Largest subscribers × budget units solved exactly. Default 2e7. */
  exactLimit?: number;
}

/**
 * Choose at most one option per subscriber to maximise Σ net with Σ cost ≤ budget. Options with
 * net ≤ 0 are never chosen. Shape: options [subscribers][options of that subscriber].
 */
export function optimiseBudget(
  options: readonly (readonly BudgetOption[])[],
  budget: number,
  settings: OptimiseOptions = {},
): BudgetSolution {
  if (!(budget >= 0)) throw new Error(`budget must be ≥ 0, got ${budget}`);
  const unit = settings.unit ?? 0.01;
  const units = Math.floor(budget / unit + 1e-9);
  if (options.length * (units + 1) <= (settings.exactLimit ?? 2e7)) {
    return solveExact(options, units, unit);
  }
  return solveGreedy(options, budget);
}

/** Exact DP: best[b] = best net with cost ≤ b units, one subscriber at a time. */
export function solveExact(
  options: readonly (readonly BudgetOption[])[],
  units: number,
  unit: number,
): BudgetSolution {
  const n = options.length;
  let best = new Float64Array(units + 1);
  // picked[i][b]: option index taken by subscriber i at budget b in the optimum (−1 none).
  const picked: Int16Array[] = [];
  for (let i = 0; i < n; i++) {
    const next = Float64Array.from(best);
    const pick = new Int16Array(units + 1).fill(-1);
    options[i].forEach((o, k) => {
      if (o.net <= 0) return;
      const w = Math.ceil(o.cost / unit - 1e-9);
      for (let b = units; b >= w; b--) {
        const v = best[b - w] + o.net;
        if (v > next[b] + 1e-12) {
          next[b] = v;
          pick[b] = k;
        }
      }
    });
    picked.push(pick);
    best = next;
  }
  const choice = new Int32Array(n).fill(-1);
  let b = units;
  let net = 0;
  let cost = 0;
  for (let i = n - 1; i >= 0; i--) {
    const k = picked[i][b];
    if (k < 0) continue;
    const o = options[i][k];
    choice[i] = o.strategy;
    net += o.net;
    cost += o.cost;
    b -= Math.ceil(o.cost / unit - 1e-9);
  }
  return { choice, net, cost, method: 'exact' };
}

interface Upgrade {
  subscriber: number;
  /** Position on the subscriber's hull (1 = first option above "none"). */
  step: number;
  option: BudgetOption;
  extraNet: number;
  extraCost: number;
}

/** Greedy over hull upgrades by efficiency, then a fill pass. */
export function solveGreedy(
  options: readonly (readonly BudgetOption[])[],
  budget: number,
): BudgetSolution {
  const upgrades: Upgrade[] = [];
  options.forEach((list, subscriber) => {
    const hull = upperHull(list);
    hull.forEach((option, k) => {
      const prev = k === 0 ? { net: 0, cost: 0 } : hull[k - 1];
      upgrades.push({
        subscriber,
        step: k + 1,
        option,
        extraNet: option.net - prev.net,
        extraCost: option.cost - prev.cost,
      });
    });
  });
  upgrades.sort((a, b) => efficiency(b) - efficiency(a) || a.subscriber - b.subscriber);
  const n = options.length;
  const step = new Int32Array(n);
  const chosen: (BudgetOption | null)[] = new Array(n).fill(null);
  let left = budget;
  for (const u of upgrades) {
    // An upgrade builds on the previous hull step; skipped steps block the later ones.
    if (step[u.subscriber] !== u.step - 1 || u.extraCost > left + 1e-9) continue;
    step[u.subscriber] = u.step;
    chosen[u.subscriber] = u.option;
    left -= u.extraCost;
  }
  fillRemaining(options, chosen, left);
  const choice = new Int32Array(n).fill(-1);
  let net = 0;
  let cost = 0;
  chosen.forEach((o, i) => {
    if (!o) return;
    choice[i] = o.strategy;
    net += o.net;
    cost += o.cost;
  });
  return { choice, net, cost, method: 'greedy' };
}

function efficiency(u: Upgrade): number {
  return u.extraCost <= 0 ? Infinity : u.extraNet / u.extraCost;
}

/** Options with net > 0 on the upper concave hull of (cost, net) from (0, 0), by cost. */
function upperHull(list: readonly BudgetOption[]): BudgetOption[] {
  const sorted = list.filter((o) => o.net > 0).sort((a, b) => a.cost - b.cost || b.net - a.net);
  const hull: BudgetOption[] = [];
  for (const o of sorted) {
    if (hull.length > 0 && o.net <= hull[hull.length - 1].net) continue; // dominated
    while (hull.length > 0) {
      const b = hull[hull.length - 1];
      const a = hull.length > 1 ? hull[hull.length - 2] : { net: 0, cost: 0 };
      // Drop b when it lies on or below the segment a → o (not concave).
      const cross = (b.cost - a.cost) * (o.net - a.net) - (b.net - a.net) * (o.cost - a.cost);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(o);
  }
  return hull;
}

/** Spend what is left: swap each subscriber to a better option that still fits, best gain first. */
function fillRemaining(
  options: readonly (readonly BudgetOption[])[],
  chosen: (BudgetOption | null)[],
  left: number,
): void {
  const moves: { i: number; o: BudgetOption; gain: number; extra: number }[] = [];
  options.forEach((list, i) => {
    const current = chosen[i] ?? { net: 0, cost: 0 };
    for (const o of list) {
      const gain = o.net - current.net;
      if (o.net > 0 && gain > 0) moves.push({ i, o, gain, extra: o.cost - current.cost });
    }
  });
  moves.sort((a, b) => b.gain - a.gain);
  for (const m of moves) {
    const current = chosen[m.i] ?? { net: 0, cost: 0 };
    const extra = m.o.cost - current.cost;
    if (m.o.net <= current.net || extra > left + 1e-9) continue;
    chosen[m.i] = m.o;
    left -= extra;
  }
}
