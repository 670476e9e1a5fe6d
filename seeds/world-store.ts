/**
 * Reads the stored world's generation options back from `sim.worlds` (the table the loader
 * writes), so a branch of the same world can be rebuilt in memory.
 */
import type { HazardParams } from './world/hazard';
import type { WorldOptions } from './world/world';

/** Anything that runs SQL and resolves to rows (a TypeORM DataSource or EntityManager). */
export interface RowSource {
  query(sql: string, parameters?: unknown[]): Promise<Record<string, unknown>[]>;
}

/** The stored world's options, with its start; null when no world was seeded (an import, say). */
export async function readWorldOptions(
  db: RowSource,
): Promise<(WorldOptions & { start: Date; end: Date }) | null> {
  const [present] = await db.query(`SELECT to_regclass('sim.worlds') IS NOT NULL AS exists`);
  if (!present?.exists) return null;
  const rows = await db.query(
    `SELECT seed, users, days, start_at, end_at, horizon_days, params FROM sim.worlds WHERE id = 1`,
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  const params = r.params as {
    titles: number;
    snapshotEveryDays: number;
    hazard: { params: HazardParams };
  };
  return {
    seed: Number(r.seed),
    users: Number(r.users),
    days: Number(r.days),
    start: new Date(r.start_at as string),
    end: new Date(r.end_at as string),
    horizonDays: Number(r.horizon_days),
    titles: params.titles,
    snapshotEveryDays: params.snapshotEveryDays,
    hazard: params.hazard.params,
  };
}
