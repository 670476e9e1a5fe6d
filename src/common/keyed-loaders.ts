import type DataLoader from 'dataloader';

/**
 * A DataLoader per distinct argument list (a page size, a source…), made on first use within one
 * request: the arguments are part of the batch, not of the key.
 */
export function keyedLoader<A extends readonly unknown[], K, V>(
  make: (...args: A) => DataLoader<K, V>,
): (...args: A) => DataLoader<K, V> {
  const loaders = new Map<string, DataLoader<K, V>>();
  return (...args: A) => {
    const key = JSON.stringify(args);
    let loader = loaders.get(key);
    if (!loader) loaders.set(key, (loader = make(...args)));
    return loader;
  };
}

/** Rows by id, in the order of `ids` (null for a missing one). */
export function byId<T extends { id: string }>(ids: readonly string[], rows: T[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}
