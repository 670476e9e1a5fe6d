/**
 * Role checks for a parsed, validated operation: every root field it selects (through fragments too)
 * must allow the caller's role. Run before execution on both transports, so a refused operation never
 * touches a resolver, and a subscription is refused at subscribe time, not at its first event.
 */
import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getOperationAST,
} from 'graphql';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { ALLOW_EXTENSION } from '../../api/allow';
import type { Caller } from '../../api/context';
import { roleGrants, type Role } from '../../api/roles';

export type { Caller };

/** Throws UNAUTHENTICATED / FORBIDDEN when the caller may not run the operation. */
export function assertOperationAllowed(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  caller: Caller,
): OperationDefinitionNode {
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error('no operation to check: validate the document first');
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const denied: string[] = [];
  for (const name of rootFieldNames(operation.selectionSet, fragments)) {
    if (name.startsWith('__')) continue; // introspection: the schema is public
    const field = root?.getFields()[name];
    const allowed = (field?.extensions?.[ALLOW_EXTENSION] as Role[] | undefined) ?? [];
    if (!roleGrants(caller.role, allowed)) denied.push(name);
  }
  if (denied.length > 0) {
    if (caller.role === null) {
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        `an API key is required for ${denied.join(', ')}`,
        { fields: denied },
      );
    }
    throw new DomainError(
      ErrorCode.FORBIDDEN,
      `role ${caller.role}${caller.source === 'default' ? ' (the default for requests without a key)' : ''} may not call ${denied.join(', ')}`,
      { fields: denied, role: caller.role },
    );
  }
  return operation;
}

function rootFieldNames(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      names.push(...rootFieldNames(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment && !seen.has(name)) {
        seen.add(name);
        names.push(...rootFieldNames(fragment.selectionSet, fragments, seen));
      }
    }
  }
  return names;
}
