/**
 * API keys: configured through API_KEYS as `role:key` pairs, kept in memory only as SHA-256 digests,
 * compared in constant time. A key may be configured by its digest (`role:sha256:<64 hex>`), so the
 * plaintext need not appear in the environment at all.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Role, ROLE_NAMES } from '../../api/roles';

export { ROLE_NAMES };
export type RoleName = `${Role}`;

export interface ApiKeySpec {
  role: Role;
  /** SHA-256 of the key, 32 bytes. */
  digest: Buffer;
}

const MIN_KEY_LENGTH = 16;

export function sha256(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** "admin:s3cret-key-of-16+,reader:sha256:ab12…" → specs. Throws naming the bad entry. */
export function parseApiKeys(raw: string): ApiKeySpec[] {
  if (raw.trim() === '') return [];
  return raw.split(',').map((entry, i) => {
    const trimmed = entry.trim();
    const sep = trimmed.indexOf(':');
    const role = sep > 0 ? trimmed.slice(0, sep) : '';
    const key = sep > 0 ? trimmed.slice(sep + 1) : '';
    // Never echo the entry: a misplaced separator would print the key itself.
    if (!(ROLE_NAMES as string[]).includes(role)) {
      throw new Error(
        `entry ${i + 1}: expected role:key with role one of ${ROLE_NAMES.join(', ')} (the entry is not shown: it may hold a key)`,
      );
    }
    const digest = /^sha256:[0-9a-f]{64}$/i.test(key)
      ? Buffer.from(key.slice('sha256:'.length), 'hex')
      : key.length >= MIN_KEY_LENGTH
        ? sha256(key)
        : null;
    if (!digest) {
      throw new Error(
        `entry ${i + 1} (${role}): a key must be at least ${MIN_KEY_LENGTH} characters, or sha256:<64 hex digits>`,
      );
    }
    return { role: role as Role, digest };
  });
}

/** Looks keys up by digest in constant time per configured key. */
export class ApiKeyRing {
  constructor(private readonly keys: readonly ApiKeySpec[]) {}

  get size(): number {
    return this.keys.length;
  }

  /** The role of `key`, or null when it is not configured. */
  roleOf(key: string): Role | null {
    return this.lookup(key)?.role ?? null;
  }

  /**
   * The role of `key` and a short id of it (the first 12 hex digits of its SHA-256, safe to log and to
   * count sockets by), or null when it is not configured.
   */
  lookup(key: string): { role: Role; id: string } | null {
    const digest = sha256(key);
    let found: ApiKeySpec | null = null;
    // No early exit: every configured key is compared.
    for (const k of this.keys) if (timingSafeEqual(k.digest, digest)) found ??= k;
    return found && { role: found.role, id: keyId(found.digest) };
  }
}

/**
 * The key in an Authorization header value: `Bearer <key>`, `ApiKey <key>` or the bare key.
 * Returns null for an absent or blank header.
 */
export function keyFromAuthorization(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const match = /^(?:bearer|apikey)\s+(.+)$/i.exec(trimmed);
  return (match ? match[1] : trimmed).trim();
}

/** A configured key's public id: the first 12 hex digits of its digest. */
export function keyId(digest: Buffer): string {
  return digest.toString('hex').slice(0, 12);
}
