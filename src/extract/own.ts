/**
 * Lookups keyed by input (issue #12): a key from a policy or template (`constructor`, `toString`, `__proto__`)
 * must never reach `Object.prototype`. Tables keyed by input are built with `lookupTable` (no prototype), and
 * objects built from input keys get their members through `setOwn` (a `__proto__` key stays a member).
 */

/** A constant table without a prototype: `table[key]` is undefined for every key not written in it. */
export function lookupTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** Sets an own, enumerable member, also for the key `__proto__` (which plain assignment turns into a prototype). */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
