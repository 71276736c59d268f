/**
 * One bounded memo for the deterministic lookups the analysis repeats (iam-data expansions, per-pattern verdicts):
 * results are shared across policies and runs of one process, and the cache never grows past its limit, so hostile
 * input with many distinct values cannot exhaust memory. Pure from the caller's view: same key, same value.
 */
export interface Memo<V> {
  /** The value for `key`, computed once (an `undefined` result is remembered too). */
  get(key: string, compute: () => V): V;
}

/**
 * @param limit entries kept at most.
 * @param evict what a full cache drops: the oldest entry (steady working sets), or everything (cheap, for caches
 *   whose entries are cheap to recompute).
 */
export function boundedMemo<V>(limit: number, evict: "oldest" | "all" = "oldest"): Memo<V> {
  const cache = new Map<string, V>();
  return {
    get(key, compute) {
      if (cache.has(key)) return cache.get(key) as V;
      const value = compute();
      if (cache.size >= limit) {
        if (evict === "all") cache.clear();
        else cache.delete(cache.keys().next().value!);
      }
      cache.set(key, value);
      return value;
    },
  };
}
