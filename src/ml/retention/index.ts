/** Retention economics: the budget optimiser, the value of an action, Monte Carlo intervals. */
export {
  optimiseBudget,
  solveExact,
  solveGreedy,
  type BudgetOption,
  type BudgetSolution,
  type OptimiseOptions,
} from './budget-optimiser';
export { monteCarlo, interval, type Interval } from './monte-carlo';
export { actionValue, type ActionEconomics, type ActionValue } from './plan-value';
