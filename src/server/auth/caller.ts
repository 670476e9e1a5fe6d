import { DomainError, ErrorCode } from '../../common/domain-error';
import { ApiKeyRing, keyFromAuthorization } from './api-keys';
import type { Caller } from './operation-access';
import type { Role } from '../../api/roles';

export type { Caller };

/** Turns whatever credentials a transport carries into a Caller. */
export class Authenticator {
  constructor(
    private readonly keys: ApiKeyRing,
    private readonly defaultRole: Role | null,
  ) {}

  /**
   * From an Authorization value (`Bearer <key>`, `ApiKey <key>` or the bare key). No value: the default
   * role. A key that is not configured is UNAUTHENTICATED, never the default role: a typo must not
   * silently downgrade (or, with a generous default, upgrade) a client.
   */
  fromAuthorization(value: unknown): Caller {
    const key = keyFromAuthorization(value);
    if (key === null) return { role: this.defaultRole, source: 'default' };
    const found = this.keys.lookup(key);
    if (found === null)
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'the API key is not valid');
    return { role: found.role, source: 'key', keyId: found.id };
  }

  /** The Authorization value in graphql-ws connectionParams or a subscribe message's headers. */
  static authorizationIn(params: unknown): unknown {
    if (params === null || typeof params !== 'object') return undefined;
    const p = params as Record<string, unknown>;
    for (const name of Object.keys(p)) {
      const lower = name.toLowerCase();
      if (lower === 'authorization' || lower === 'apikey' || lower === 'x-api-key') return p[name];
    }
    if (p.headers && typeof p.headers === 'object') return Authenticator.authorizationIn(p.headers);
    return undefined;
  }
}
