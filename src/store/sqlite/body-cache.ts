// The most recently served view bodies, by body id. A body row is immutable (content-addressed by its
// digest, never updated nor deleted), so an entry can never be stale: the current view of a resource is
// always looked up in the database, only the bytes it points to come from here. It saves SQLite
// assembling overflow pages and copying the same bytes again for every read of a popular resource.

export class BodyCache {
  private readonly entries = new Map<number, Buffer>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  get(bid: number): Buffer | undefined {
    const hit = this.entries.get(bid);
    if (hit) {
      // most recently used last: eviction takes from the front
      this.entries.delete(bid);
      this.entries.set(bid, hit);
    }
    return hit;
  }

  set(bid: number, body: Buffer): void {
    if (body.length > this.budgetBytes / 16 || this.entries.has(bid)) return; // a huge body would flush the rest
    this.entries.set(bid, body);
    this.bytes += body.length;
    for (const [oldest, b] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(oldest);
      this.bytes -= b.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
