/**
 * A development convenience: with NODE_ENV=development and no API_KEYS, the service keeps an admin
 * key in DATA_DIR/dev-api-key (created on first start, mode 600) and prints it, so `npm start` and
 * `churn simulate` work on a fresh machine with nothing configured. Never used in production or test.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const DEV_KEY_FILE = 'dev-api-key';

export function devKeyPath(dataDir: string): string {
  return path.join(dataDir, DEV_KEY_FILE);
}

/** Read the key, creating it when absent. */
export function ensureDevKey(dataDir: string): string {
  const file = devKeyPath(dataDir);
  const existing = readDevKey(dataDir);
  if (existing) return existing;
  fs.mkdirSync(dataDir, { recursive: true });
  const key = `dev-${randomBytes(18).toString('base64url')}`;
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export function readDevKey(dataDir: string): string | null {
  const file = devKeyPath(dataDir);
  if (!fs.existsSync(file)) return null;
  const key = fs.readFileSync(file, 'utf8').trim();
  return key.length >= 16 ? key : null;
}
