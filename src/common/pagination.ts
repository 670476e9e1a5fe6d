/**
 * Relay-style keyset pagination. Cursors are opaque base64 strings of `<kind>:<key>`; the key is the
 * last row's sort key, so pages stay stable while rows are inserted.
 */
import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { DomainError, ErrorCode, invalidArgument } from './domain-error';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field({ description: 'Whether another page follows this one.' })
  hasNextPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The last edge's cursor: pass it as `after` for the next page (null when empty).",
  })
  endCursor!: string | null;
}

export function encodeCursor(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`, 'utf8').toString('base64url');
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/**
 * Decode a cursor of the given kind; the key must match `pattern`, and every all-digit part of it
 * (parts are separated by ':') must fit a PostgreSQL bigint, so a forged cursor is INVALID_CURSOR
 * rather than an out-of-range error from the database.
 */
export function decodeCursor(kind: string, cursor: string, pattern = /^\d{1,19}$/): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${kind}:`;
  const key = decoded.startsWith(prefix) ? decoded.slice(prefix.length) : '';
  const fits = key.split(':').every((part) => !/^\d+$/.test(part) || BigInt(part) <= MAX_BIGINT);
  if (!pattern.test(key) || !fits) {
    throw new DomainError(ErrorCode.INVALID_CURSOR, `"${cursor}" is not a valid ${kind} cursor`);
  }
  return key;
}

/** Validate a `first` argument: 1..MAX_PAGE_SIZE. */
export function pageSize(first: number | undefined | null, max = MAX_PAGE_SIZE): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw invalidArgument(`first must be between 1 and ${max}, got ${n}`, { argument: 'first' });
  }
  return n;
}

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
}

/**
 * Base class of a `XConnection` type (edges, pageInfo, totalCount) for node type `T`; extend it with
 * `@ObjectType() class UserConnection extends Connection(User, 'User') {}`.
 */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} of a page, with its cursor.` })
  class Edge {
    @Field({
      description: 'Opaque position of this node: pass it as `after` to continue after it.',
    })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node!: T;
  }

  @ObjectType({ description: `A page of ${name} nodes (Relay connection).` })
  abstract class ConnectionType {
    @Field(() => [Edge], { description: 'The nodes of this page, in order.' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Whether more pages follow, and where to continue.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Rows matching the filter, across all pages.' })
    totalCount!: number;
  }
  return ConnectionType;
}

/**
 * An edge whose cursor is encoded only when read: most pages ask for nodes and not for cursors, and
 * the users page is the API's hottest list.
 */
class PageEdge<T> {
  constructor(
    private readonly kind: string,
    private readonly key: string,
    readonly node: T,
  ) {}

  get cursor(): string {
    return encodeCursor(this.kind, this.key);
  }
}

/** Build a connection value from a page, with cursors from `keyOf`. */
export function toConnection<T>(
  page: Page<T>,
  kind: string,
  keyOf: (node: T) => string,
): { edges: { cursor: string; node: T }[]; pageInfo: PageInfo; totalCount: number } {
  const edges = page.nodes.map((node) => new PageEdge(kind, keyOf(node), node));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null,
    },
    totalCount: page.totalCount,
  };
}
