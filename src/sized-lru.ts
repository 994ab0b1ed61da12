// A least-recently-used map bounded by the total size of its values (bytes, characters: the caller's
// measure). Shared by the caches of stored bodies (store/sqlite/body-cache.ts) and of parsed bodies
// (fhir/parsed-bodies.ts).

export class SizedLru<K, V> {
  private readonly entries = new Map<K, { value: V; size: number }>();
  private total = 0;

  constructor(private readonly budget: number) {}

  /** The value of `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // most recently used last: eviction takes from the front
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores (or replaces) `key`, then evicts the least recently used entries beyond the budget. */
  set(key: K, value: V, size: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.total -= old.size;
    }
    this.entries.set(key, { value, size });
    this.total += size;
    for (const [oldest, e] of this.entries) {
      if (this.total <= this.budget) break;
      this.entries.delete(oldest);
      this.total -= e.size;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
