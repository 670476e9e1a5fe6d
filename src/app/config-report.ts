/**
 * The configuration as people read it: the table of every variable (docs/configuration.md, from
 * `churn config --markdown`) and the effective values with every secret redacted (`churn config`).
 */
import { CONFIG_SPEC, type Config } from './config';
import { keyId } from '../server/auth/api-keys';

/** The configuration table, from the same definitions the parser uses. */
export function configMarkdownTable(): string {
  const rows = CONFIG_SPEC.map(
    (v) =>
      `| \`${v.key}\` | ${v.default === undefined ? '(unset)' : `\`${v.default}\``} | ${v.description} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** A URL with its password (and any user info) replaced by `***`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '***';
  }
}

/**
 * The effective configuration, safe to print or paste into a ticket: API keys appear as their role
 * and public id (the first 12 hex digits of the key's SHA-256), the CLI's key as set or not, and
 * passwords in DATABASE_URL and REDIS_URL as `***`.
 */
export function redactedConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: redactUrl(config.databaseUrl),
    redisUrl: redactUrl(config.redisUrl),
    apiUrl: redactUrl(config.apiUrl),
    apiKeys: config.apiKeys.map((k) => `${k.role}:id:${keyId(k.digest)}`),
    clientApiKey: config.clientApiKey === undefined ? undefined : '***',
  };
}
