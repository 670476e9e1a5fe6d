import { createHash } from 'node:crypto';
import { parse } from 'graphql';
import { ApiKeyRing, keyFromAuthorization, parseApiKeys } from '../../src/server/auth/api-keys';
import { ALLOW_EXTENSION } from '../../src/api/allow';
import { Authenticator } from '../../src/server/auth/caller';
import { assertOperationAllowed } from '../../src/server/auth/operation-access';
import { Role, roleGrants } from '../../src/api/roles';
import { createAppPubSub } from '../../src/pubsub/pubsub';
import { buildAppSchema } from '../../src/server/schema';
import { loadConfig } from '../../src/app/config';

describe('API keys', () => {
  it('parses role:key pairs and keys given by their sha256 digest', () => {
    const digest = createHash('sha256').update('a-very-long-admin-key').digest('hex');
    const ring = new ApiKeyRing(
      parseApiKeys(`reader:reader-key-0123456789, admin:sha256:${digest}`),
    );
    expect(ring.size).toBe(2);
    expect(ring.roleOf('reader-key-0123456789')).toBe(Role.READER);
    expect(ring.roleOf('a-very-long-admin-key')).toBe(Role.ADMIN);
    expect(ring.roleOf('something-else-entirely')).toBeNull();
  });

  it('refuses unknown roles and short keys, naming the entry', () => {
    expect(() => parseApiKeys('root:abcdefghijklmnopqrstu')).toThrow(
      /entry 1.*role one of reader, ingest, analyst, admin/,
    );
    expect(() => parseApiKeys('reader:abcdefghijklmnop,ingest:short')).toThrow(
      /entry 2 \(ingest\).*at least 16/,
    );
    expect(parseApiKeys('')).toEqual([]);
  });

  it('reads Bearer, ApiKey and bare Authorization values', () => {
    expect(keyFromAuthorization('Bearer abc')).toBe('abc');
    expect(keyFromAuthorization('apikey  abc ')).toBe('abc');
    expect(keyFromAuthorization('abc')).toBe('abc');
    expect(keyFromAuthorization('  ')).toBeNull();
    expect(keyFromAuthorization(undefined)).toBeNull();
  });

  it('finds the Authorization value in connectionParams or message headers, case-insensitively', () => {
    expect(Authenticator.authorizationIn({ Authorization: 'k' })).toBe('k');
    expect(Authenticator.authorizationIn({ apiKey: 'k' })).toBe('k');
    expect(Authenticator.authorizationIn({ headers: { authorization: 'k' } })).toBe('k');
    expect(Authenticator.authorizationIn(null)).toBeUndefined();
  });

  it('defaults to reader in development and to no access in production', () => {
    expect(loadConfig({}).defaultRole).toBe('reader');
    expect(loadConfig({ NODE_ENV: 'production' }).defaultRole).toBe('none');
    expect(loadConfig({ NODE_ENV: 'production', DEFAULT_ROLE: 'reader' }).defaultRole).toBe(
      'reader',
    );
  });
});

describe('roles', () => {
  it('admin implies every role, analyst implies reader, ingest only itself', () => {
    expect(roleGrants(Role.ADMIN, [Role.INGEST])).toBe(true);
    expect(roleGrants(Role.ANALYST, [Role.READER])).toBe(true);
    expect(roleGrants(Role.INGEST, [Role.READER])).toBe(false);
    expect(roleGrants(Role.READER, [Role.ANALYST])).toBe(false);
    expect(roleGrants(null, [Role.READER])).toBe(false);
  });

  it('every root field of the schema declares its roles (no field is open by omission)', async () => {
    const schema = await buildAppSchema(createAppPubSub());
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
    const undeclared = roots.flatMap((type) =>
      Object.values(type?.getFields() ?? {})
        .filter((f) => !(f.extensions?.[ALLOW_EXTENSION] as Role[] | undefined)?.length)
        .map((f) => `${type!.name}.${f.name}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('checks root fields reached through fragments too', async () => {
    const schema = await buildAppSchema(createAppPubSub());
    const doc = parse('query { ...F } fragment F on Query { users(first: 1) { totalCount } }');
    expect(() =>
      assertOperationAllowed(schema, doc, null, { role: Role.INGEST, source: 'key' }),
    ).toThrow(/may not call users/);
    expect(() =>
      assertOperationAllowed(schema, doc, null, { role: Role.READER, source: 'key' }),
    ).not.toThrow();
  });
});

describe('API_KEYS errors', () => {
  it('never echo the entry, whatever the mistake', () => {
    const secret = 'sup3r-s3cret-key-value-0001';
    for (const raw of [secret, `${secret}:admin`, `admni:${secret}`, `reader:short,${secret}`]) {
      let message = '';
      try {
        parseApiKeys(raw);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(secret);
      expect(message).not.toContain('sup3r');
    }
  });
});
