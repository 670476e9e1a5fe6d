import type { DataSource } from 'typeorm';

export interface Health {
  status: 'ok' | 'degraded';
  database: { status: 'up' | 'down'; latencyMs?: number; error?: string };
  uptimeSeconds: number;
}

/** Liveness plus a real round trip to PostgreSQL (bounded, so a hung database shows as down). */
export async function checkHealth(dataSource: DataSource, timeoutMs = 2000): Promise<Health> {
  const started = Date.now();
  const uptimeSeconds = Math.round(process.uptime());
  try {
    await Promise.race([
      dataSource.query('SELECT 1'),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${timeoutMs}ms`)), timeoutMs).unref(),
      ),
    ]);
    return {
      status: 'ok',
      database: { status: 'up', latencyMs: Date.now() - started },
      uptimeSeconds,
    };
  } catch (err) {
    return {
      status: 'degraded',
      database: { status: 'down', error: (err as Error).message },
      uptimeSeconds,
    };
  }
}
