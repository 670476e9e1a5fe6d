/**
 * What a later module reads with a page of users, in the page's own statement. The users page is the
 * most requested list of the API, and its nodes usually ask for a field another module resolves
 * through a DataLoader (`churnScore`): a second round trip per page, which on a page of 20 costs
 * about as much as the page itself. A module that owns such a field registers an include with the
 * users service (the composition root does it): a LATERAL subquery over each row of the page, and how
 * to hand the row that subquery returned to the field's resolver, so that it answers without a
 * statement of its own. The users module knows no other module's tables; the subquery is the owner's statement.
 */
import type { AppContext } from '../../api/context';
import type { User } from './user.entity';

export interface UserPageInclude {
  /** The User field that asks for it, under the connection's `edges.node`. */
  readonly field: string;
  /** The names of the subquery's columns (as it aliases them); the first is never null in a row. */
  readonly columns: readonly string[];
  /** A subquery of at most one row for the user whose bigint id is the SQL expression `userId`. */
  lateral(userId: string): string;
  /**
   * Hands the subquery's row for `user` (null: it had none) to the field's resolver: e.g. primes the
   * request's loader, or keeps it by the user object so the resolver can answer without a promise.
   */
  attach(ctx: AppContext, user: User, row: Record<string, unknown> | null): void;
}
