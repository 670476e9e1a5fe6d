/**
 * What a later module reads with a page of users, in the page's own statement. The users page is the
 * most requested list of the API, and its nodes usually ask for a field another module resolves
 * through a DataLoader (`churnScore`): a second round trip per page, which on a page of 20 costs
 * about as much as the page itself. A module that owns such a field registers an include with the
 * users service (the composition root does it): joins over each row of the page, and how to hand
 * the row they returned to the field's resolver, so that it answers without a
 * statement of its own. The users module knows no other module's tables; the subquery is the owner's statement.
 */
import type { AppContext } from '../../api/context';
import type { User } from './user.entity';

export interface UserPageInclude {
  /** The User field that asks for it, under the connection's `edges.node`. */
  readonly field: string;
  /**
   * JOIN clauses that add at most one row to each user of the page, whose bigint id is the SQL
   * expression `userId`; every table alias they introduce starts with `alias`.
   */
  joins(userId: string, alias: string): string;
  /**
   * Which columns a page needs for `selected`, the fields the client selected under `field`
   * (through fragments), so that only what is shown is read, formatted and parsed. Pages of the
   * same shape share a statement: a few per include, not one per combination of fields.
   */
  shapeOf(selected: ReadonlySet<string>): string;
  /**
   * The include's columns for a shape as [name, SQL expression over the joins' aliases]; the first
   * is null exactly when the user has no row.
   */
  columns(alias: string, shape: string): readonly (readonly [name: string, sql: string])[];
  /**
   * Hands the row for `user` (null: it had none) to the field's resolver, e.g. kept for the request
   * so that the resolver answers without a statement or a promise.
   */
  attach(ctx: AppContext, user: User, row: Record<string, unknown> | null): void;
}

/** An include a page reads, with the shape of what the client selected under its field. */
export interface PageIncludeRequest {
  readonly include: UserPageInclude;
  readonly shape: string;
}
