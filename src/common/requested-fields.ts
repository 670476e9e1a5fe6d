import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the client selected `field` directly under the field being resolved (through inline
 * fragments and fragment spreads too): lets a connection skip its count when `totalCount` is not asked.
 */
export function selectsField(info: GraphQLResolveInfo, field: string): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === field;
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet);
      return visit(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

/**
 * Whether the client selected the field at `path` below the field being resolved, e.g.
 * `['edges', 'node', 'churnScore']` under a connection (through fragments too, on any branch).
 */
export function selectsPath(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  const visit = (set: SelectionSetNode | undefined, depth: number): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === Kind.FIELD) {
        if (s.name.value !== path[depth]) return false;
        return depth === path.length - 1 || visit(s.selectionSet, depth + 1);
      }
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet, depth);
      return visit(info.fragments[s.name.value]?.selectionSet, depth);
    });
  return path.length > 0 && info.fieldNodes.some((node) => visit(node.selectionSet, 0));
}
