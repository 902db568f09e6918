/**
 * The value kept in `map` for `key`, made once by `make`. Values that repeat on every request
 * (a formatted day, a translated plural, a statement's name) are worth keeping; keys that may
 * vary without end must not grow the map for the life of the process, so it is emptied when it
 * reaches `max`. `undefined` is never kept, so a value that cannot be made is asked for again.
 */
export function kept<K, V>(map: Map<K, V>, key: K, max: number, make: () => V): V {
  const known = map.get(key);
  if (known !== undefined) return known;
  const value = make();
  if (value !== undefined) {
    if (map.size >= max) map.clear();
    map.set(key, value);
  }
  return value;
}
