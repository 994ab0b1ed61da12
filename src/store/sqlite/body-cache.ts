// The most recently served view bodies, by body id. A body row is immutable (never updated nor deleted,
// and a body id is never reused), so an entry can never be stale: which body is a resource's current view
// is the database's answer (view-refs.ts), only the bytes it points to come from here. It saves SQLite
// assembling overflow pages and copying the same bytes again for every read of a popular resource.
import { SizedLru } from '../../sized-lru.js';

export class BodyCache {
  private readonly lru: SizedLru<number, Buffer>;

  constructor(private readonly budgetBytes: number) {
    this.lru = new SizedLru(budgetBytes);
  }

  get(bid: number): Buffer | undefined {
    return this.lru.get(bid);
  }

  set(bid: number, body: Buffer): void {
    if (body.length > this.budgetBytes / 16 || this.lru.has(bid)) return; // a huge body would flush the rest
    this.lru.set(bid, body, body.length);
  }

  get size(): number {
    return this.lru.size;
  }
}
