// Bodies stored as parts (migration 8). A capacity PATCH changes one indicator of a Location of ~12 KB,
// and every version of each of its views was a new body of that size: ~23 KB written a PATCH (two
// distinct views), kept for the history: 8.5 GB an hour at the national peak of 100 PATCHes/s (~1.3 GB as
// parts). A view rendered on the write thread comes with its text cut into pieces (the list items
// as they were serialised, remembered by identity from one version to the next): the store keeps the
// large pieces once, as rows of `body_parts`, and the body as the list of its pieces (`bodies.parts`):
// literal text, or the id of a part. A new version then writes its changed pieces and two short lists.
// Reads put the text together again: every read returns exactly the text that was written.

/** Bodies shorter than this are stored whole. */
export const COMPOSITE_MIN_CHARS = 2048;

/** The stored list of a body's pieces: a JSON array of literal texts (strings) and part ids (numbers). */
export type PartsList = (string | number)[];

/** Parses a stored list (throws on anything but a JSON array of strings and safe integers). */
export function parsePartsList(text: string): PartsList {
  const list = JSON.parse(text) as unknown;
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' || Number.isSafeInteger(p))) throw new Error('a body parts list must be an array of texts and part ids');
  return list as PartsList;
}

/** The part ids a list refers to. */
export const partIds = (list: PartsList): number[] => list.filter((p): p is number => typeof p === 'number');

/** The text of a list, its parts' texts given by `text` (which throws for an unknown id). */
export function joinParts(list: PartsList, text: (id: number) => string): string {
  let out = '';
  for (const p of list) out += typeof p === 'number' ? text(p) : p;
  return out;
}

/**
 * The ids of parts stored by this connection, by text, remembered from one transaction to the next: a
 * Location's unchanged items are stored once, not at each version. Parts are never deleted, so a committed
 * id stays valid; ids given in a transaction that rolls back are forgotten with it. Bounded by the
 * characters of the texts it holds (they would otherwise outlive their items): once full, everything but the
 * current transaction's is forgotten (a part met again is stored again, under a new id; nothing is lost).
 */
export class PartIds {
  private ids = new Map<string, number>();
  private chars = 0;
  private pending: string[] = [];

  constructor(private readonly maxChars = 32 * 1024 * 1024) {}

  get(text: string): number | undefined {
    return this.ids.get(text);
  }

  /** Remembers a part inserted by the current transaction. */
  add(text: string, id: number): void {
    if (this.chars + text.length > this.maxChars) {
      // the pending ones are still needed by the transaction's own later bodies: kept
      this.ids = new Map(this.pending.map((t) => [t, this.ids.get(t)!] as const));
      this.chars = this.pending.reduce((n, t) => n + t.length, 0);
    }
    this.ids.set(text, id);
    this.chars += text.length;
    this.pending.push(text);
  }

  commit(): void {
    this.pending = [];
  }

  rollback(): void {
    for (const t of this.pending) {
      if (this.ids.delete(t)) this.chars -= t.length;
    }
    this.pending = [];
  }

  get size(): number {
    return this.ids.size;
  }
}
