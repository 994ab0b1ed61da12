// The Locations carrying an idExterneSynchro, remembered between national capacity PATCHes. Finding them
// is a search of the identifier index (a tenth of a PATCH's CPU), and a bed-management tool patches the
// same Locations all day. What the search answers changes only when a Location is created, deleted or has
// its identifiers changed: the answers are kept while
// - no other connection has committed (the transaction's change token is the same), and
// - this connection has written nothing but capacity indicators of Locations (commit.ts tells the cache
//   of every other change it applies: the answers are dropped, and the rest of that transaction neither
//   reads nor fills the cache, since what it sees is not committed and could be rolled back).
// Only for a store that is written through the write handlers alone (the server's write thread), and
// whose transactions have a change token; otherwise every lookup searches.
import type { StoreTx } from '../../store/contract.js';

/** Marks a transaction that has applied a change other than capacity indicators (set through the group
 * commit's per-job views of the transaction, which pass property writes to it). */
const UNSETTLED = Symbol('ror.nationalIds.unsettled');
type Marked = StoreTx & { [UNSETTLED]?: true };

/** Bound on remembered identifiers (the directory has about 100,000 Locations with one). */
const MAX_ENTRIES = 200_000;

export class NationalIds {
  private token: number | null = null;
  private ids = new Map<string, string[]>();

  /** The ids of the Locations whose identifier `value` the search finds, remembered when still valid. */
  async locations(tx: StoreTx, value: string, search: () => Promise<string[]>): Promise<string[]> {
    const token = tx.changeToken?.();
    if (token === undefined || (tx as Marked)[UNSETTLED]) return search();
    if (token !== this.token) {
      this.ids = new Map();
      this.token = token;
    }
    let found = this.ids.get(value);
    if (!found) {
      found = await search();
      if (this.ids.size >= MAX_ENTRIES) this.ids = new Map();
      this.ids.set(value, found);
    }
    return found;
  }

  /** A change other than capacity indicators was applied in `tx`: every answer may be stale. */
  changed(tx: StoreTx): void {
    this.ids = new Map();
    (tx as Marked)[UNSETTLED] = true;
  }
}
