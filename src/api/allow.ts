import { Extensions } from 'type-graphql';
import type { Role } from './roles';

/** The GraphQL field extension that carries a root field's allowed roles. */
export const ALLOW_EXTENSION = 'allow';

/**
 * Declares which roles may call a root field (query, mutation or subscription). The roles travel in
 * the field's GraphQL extensions, where the operation guard (operation-access.ts) reads them for
 * HTTP and WebSocket alike, before anything executes. A root field without @Allow is refused.
 */
export function Allow(...roles: Role[]): MethodDecorator {
  return Extensions({ [ALLOW_EXTENSION]: roles });
}
