import { invalidArgument } from '../../common/domain-error';
import type { PlanInput } from './plan.service';
import type { ChosenStrategy } from './plan-policies';
import { RETENTION_STRATEGIES, resolveParameters, strategyByCode } from './strategy-catalogue';

export const DEFAULT_DRAWS = 200;

/** Every input problem before any work. */
export function validatePlan(input: PlanInput): ChosenStrategy[] {
  if (!(Number.isFinite(input.budget) && input.budget >= 0 && input.budget <= 1e9))
    throw invalidArgument('budget must be within 0..1e9', { argument: 'budget' });
  if (!Number.isInteger(input.horizonDays) || input.horizonDays < 7 || input.horizonDays > 120)
    throw invalidArgument('horizonDays must be 7..120', { argument: 'horizonDays' });
  const minRisk = input.target?.minRisk;
  if (minRisk !== undefined && !(minRisk >= 0 && minRisk <= 1))
    throw invalidArgument('target.minRisk must be within 0..1', { argument: 'target' });
  if (input.target?.userIds?.some((id) => !/^[1-9]\d{0,17}$/.test(id)))
    throw invalidArgument('target.userIds must be positive integer ids', { argument: 'target' });
  const draws = input.draws ?? DEFAULT_DRAWS;
  if (!Number.isInteger(draws) || draws < 20 || draws > 5000)
    throw invalidArgument('draws must be 20..5000', { argument: 'draws' });
  const asked: { code: string; parameters?: Record<string, number> }[] = input.strategies?.length
    ? input.strategies
    : RETENTION_STRATEGIES.map((s) => ({ code: s.code }));
  const seen = new Set<string>();
  return asked.map((a) => {
    const def = strategyByCode(a.code);
    if (!def)
      throw invalidArgument(
        `unknown strategy '${a.code}'; one of ${RETENTION_STRATEGIES.map((s) => s.code).join(', ')}`,
        { argument: 'strategies' },
      );
    if (seen.has(def.code))
      throw invalidArgument(`strategy ${def.code} is listed twice`, { argument: 'strategies' });
    seen.add(def.code);
    try {
      return { def, parameters: resolveParameters(def, a.parameters) };
    } catch (e) {
      throw invalidArgument((e as Error).message, { argument: 'strategies' });
    }
  });
}
