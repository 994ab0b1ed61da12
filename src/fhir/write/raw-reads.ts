// The raw resources one change reads while it is checked (its establishments: offers, organizations),
// parsed once. The ingest session of the same change is then given them as current versions, so that
// rendering (an offer is also a Location's context) neither reads nor parses them again. Valid only
// within one transaction and until the change writes; the parsed bodies are shared: never mutate them.

import type { Resource } from '../../policy/types.js';
import type { StoredView, StoreReader } from '../../store/contract.js';
import type { StoredWithRaw } from '../views/session.js';
import { parseStored } from '../parsed-bodies.js';

type Json = Record<string, any>;

export class RawReads {
  private readonly read = new Map<string, StoredWithRaw | null>();

  /** The current raw resource (null when absent or deleted), read and parsed at most once. */
  async get(reader: StoreReader, type: string, id: string): Promise<Json | null> {
    const key = `${type}/${id}`;
    let found = this.read.get(key);
    if (found === undefined) {
      const stored = await reader.readResource(type, id);
      found = stored ? { ...stored, ...(stored.body ? { raw: parseStored(type, id, stored.body) } : {}) } : null;
      this.read.set(key, found);
    }
    return (found?.raw as Json | undefined) ?? null;
  }

  private readonly states = new Map<string, StoredView[]>();

  /** The current view states of a resource (bodies not read), read at most once. */
  async viewStates(reader: StoreReader, type: string, id: string): Promise<StoredView[]> {
    const key = `${type}/${id}`;
    let found = this.states.get(key);
    if (!found) {
      found = await reader.readViewStates(type, id);
      this.states.set(key, found);
    }
    return found;
  }

  /** The view states read for a resource, if any. */
  knownViewStates(type: string, id: string): StoredView[] | undefined {
    return this.states.get(`${type}/${id}`);
  }

  /** Every stored resource read, with its parsed body (and its view states when they were read). */
  entries(): StoredWithRaw[] {
    const out: StoredWithRaw[] = [];
    for (const s of this.read.values()) {
      if (!s) continue;
      const views = this.knownViewStates(s.type, s.id);
      out.push(views ? { ...s, views } : s);
    }
    return out;
  }
}
