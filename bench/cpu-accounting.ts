/**
 * Where the CPU goes during a bench stage: the seconds of CPU (user + system) spent by the server
 * process, by the PostgreSQL backends serving the bench's database, and by the bench process itself
 * (the load generator and its subscribers), read from /proc. On a machine where all three share the
 * cores this is what says which one saturates them, whatever else the machine is doing.
 */
import fs from 'node:fs';
import type { Pool } from 'pg';

const TICKS_PER_SECOND = 100;

/** CPU seconds so far of a process; 0 when /proc cannot say (not Linux, the process is gone). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state, field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export interface CpuSnapshot {
  server: number;
  postgres: number;
  client: number;
}

/** A snapshot with each backend's own figure, so that backends opened in between count from 0. */
export interface CpuReading extends CpuSnapshot {
  backends: Map<number, number>;
}

/** CPU seconds so far of the server, the database's backends and this process. */
export async function cpuSnapshot(pool: Pool, serverPid: number): Promise<CpuReading> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const usage = process.cpuUsage();
  const backends = new Map(rows.map((r) => [r.pid, processCpuSeconds(r.pid)]));
  return {
    server: processCpuSeconds(serverPid),
    postgres: [...backends.values()].reduce((a, b) => a + b, 0),
    client: (usage.user + usage.system) / 1e6,
    backends,
  };
}

/**
 * CPU milliseconds per unit of work between two readings. A backend opened in between counts from
 * zero; one that closed in between loses its share (the server's pool keeps most connections open).
 */
export function cpuMsPer(before: CpuReading, after: CpuReading, units: number): CpuSnapshot {
  let postgres = 0;
  for (const [pid, seconds] of after.backends)
    postgres += seconds - (before.backends.get(pid) ?? 0);
  const per = (seconds: number) =>
    units > 0 ? Math.round((1e6 * Math.max(0, seconds)) / units) / 1e3 : NaN;
  return {
    server: per(after.server - before.server),
    postgres: per(postgres),
    client: per(after.client - before.client),
  };
}
