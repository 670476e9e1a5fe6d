import { registerEnumType } from 'type-graphql';

/**
 * Who may do what. Every root field of the schema declares the roles allowed to call it with
 * `@Allow(...)` (allow.ts); a role implies the roles listed for it in IMPLIED, so `admin` can do
 * everything and `analyst` everything a `reader` can.
 */
export enum Role {
  READER = 'reader',
  INGEST = 'ingest',
  ANALYST = 'analyst',
  ADMIN = 'admin',
}
registerEnumType(Role, { name: 'Role', description: 'API key roles.' });

export const ROLE_NAMES = Object.values(Role) as `${Role}`[];

const IMPLIED: Record<Role, readonly Role[]> = {
  [Role.READER]: [Role.READER],
  [Role.INGEST]: [Role.INGEST],
  [Role.ANALYST]: [Role.ANALYST, Role.READER],
  [Role.ADMIN]: [Role.ADMIN, Role.ANALYST, Role.READER, Role.INGEST],
};

/** Whether a caller with `role` may call a field that allows `allowed`. */
export function roleGrants(role: Role | null, allowed: readonly Role[]): boolean {
  if (role === null) return false;
  return IMPLIED[role].some((r) => allowed.includes(r));
}
