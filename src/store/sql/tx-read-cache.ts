// What the write transactions of one connection read, remembered from one transaction to the next: the
// current version of resources, their view states, who refers to them, and their row ids. A capacity
// PATCH reads the same neighbours every time (the Location's offers and their organizations, for its EG
// and its policy context): 4 to 5 reads a PATCH, a tenth of its CPU, answered from here.
//
// Sound because:
// - an answer is kept only while no other connection has committed: the engine's change token is checked
//   at the start of each transaction, and inside one this connection holds the write lock (SQLite), so
//   nobody else can commit until it ends;
// - this connection's own writes keep it current (write-through: the new version, the new view states),
//   and a write that may change who refers to whom forgets every referrer answer;
// - a rollback forgets everything (what was written through is not committed).
import type { Referrer, ResourceWrite, StoredResource, StoredView } from '../contract.js';

/** Bounds on remembered answers of each kind, and on the resource bodies' characters (a national
 * Location is 13.5 KB): reached, that kind is forgotten and refilled. */
const MAX_ENTRIES = 50_000;
const MAX_BODY_CHARS = 32 * 1024 * 1024;
/** Resources whose scoped index rows are remembered (a national Location: ~80 capacity rows). */
const MAX_INDEX_RESOURCES = 10_000;

/** Stored index rows of one resource, by their engine row id: each row's columns in the writer's order. */
export type IndexRows = ReadonlyMap<unknown, unknown[]>;

/** The next body and part ids, once a transaction has read them (SqlWriterOptions.nextIds). */
export interface NextIds {
  bid?: number;
  part?: number;
}

/** The scoped index rows of resources, as their writer read and rewrote them (SqlWriter.dropChangedIndex). */
export interface IndexRowCache {
  indexRows(rid: number, kind: string, pids: string): IndexRows | undefined;
  /** The rows of (kind, pids) are now these; other remembered rows of the same kind are forgotten. */
  rememberIndexRows(rid: number, kind: string, pids: string, rows: IndexRows): void;
  /** The resource's index rows were written otherwise: every remembered one is forgotten. */
  forgetIndexRows(rid: number): void;
}

const keyOf = (type: string, id: string) => `${type}/${id}`;

export class TxReadCache implements IndexRowCache {
  private token: number | null = null;
  /** rid → kind → the parameters the rows are of, and the rows */
  private index = new Map<number, Map<string, { pids: string; rows: IndexRows }>>();
  /** Written through by this connection's writer; forgotten with everything else (another connection
   * committed: it may have stored bodies; a rollback: the ids it took are free again). */
  nextIds: NextIds = {};
  private resources = new Map<string, StoredResource | null>();
  private states = new Map<string, StoredView[]>();
  private referrerLists = new Map<string, Referrer[]>();
  private rids = new Map<string, number>();
  private bodyChars = 0;

  /** A transaction begins; `token` is the engine's change token read inside it. */
  begin(token: number): void {
    if (token !== this.token) this.clear();
    this.token = token;
  }

  /** The transaction was rolled back: what it wrote through never happened. */
  rollback(): void {
    this.clear();
    this.token = null;
  }

  private clear(): void {
    this.resources = new Map();
    this.states = new Map();
    this.referrerLists = new Map();
    this.rids = new Map();
    this.index = new Map();
    this.nextIds = {};
    this.bodyChars = 0;
  }

  resource(type: string, id: string): StoredResource | null | undefined {
    const found = this.resources.get(keyOf(type, id));
    return found ? { ...found } : found;
  }

  rememberResource(type: string, id: string, stored: StoredResource | null): void {
    const key = keyOf(type, id);
    const chars = stored?.body?.length ?? 0;
    const replaced = this.resources.get(key)?.body?.length ?? 0;
    if (this.bodyChars - replaced + chars > MAX_BODY_CHARS || (this.resources.size >= MAX_ENTRIES && !this.resources.has(key))) {
      this.resources = new Map();
      this.bodyChars = 0;
    } else this.bodyChars -= replaced;
    this.bodyChars += chars;
    this.resources.set(key, stored ? { ...stored } : null);
  }

  viewStates(type: string, id: string): StoredView[] | undefined {
    return this.states.get(keyOf(type, id))?.map((v) => ({ ...v }));
  }

  rememberViewStates(type: string, id: string, states: StoredView[]): void {
    remember(this.states, keyOf(type, id), states.map((v) => ({ ...v })));
  }

  referrers(type: string, id: string, params: string[] | undefined): Referrer[] | undefined {
    return this.referrerLists.get(referrerKey(type, id, params))?.map((r) => ({ ...r }));
  }

  rememberReferrers(type: string, id: string, params: string[] | undefined, list: Referrer[]): void {
    remember(this.referrerLists, referrerKey(type, id, params), list.map((r) => ({ ...r })));
  }

  rid(type: string, id: string): number | undefined {
    return this.rids.get(keyOf(type, id));
  }

  rememberRid(type: string, id: string, rid: number): void {
    remember(this.rids, keyOf(type, id), rid);
  }

  indexRows(rid: number, kind: string, pids: string): IndexRows | undefined {
    const known = this.index.get(rid)?.get(kind);
    return known?.pids === pids ? known.rows : undefined;
  }

  rememberIndexRows(rid: number, kind: string, pids: string, rows: IndexRows): void {
    let own = this.index.get(rid);
    if (!own) {
      if (this.index.size >= MAX_INDEX_RESOURCES) this.index.clear();
      this.index.set(rid, (own = new Map()));
    }
    own.set(kind, { pids, rows });
  }

  forgetIndexRows(rid: number): void {
    this.index.delete(rid);
  }

  /** A write of this connection, applied: what it changes is remembered as written. */
  written(change: ResourceWrite): void {
    const { type, id } = change.resource;
    const key = keyOf(type, id);
    if (!change.resourceUnchanged) this.rememberResource(type, id, change.resource);
    const before = this.states.get(key);
    if (before) {
      // view states: version, instant, hash; the body only says whether the view exists
      const merged = new Map(before.map((v) => [v.profile, v]));
      for (const { parts: _parts, ...v } of change.views) merged.set(v.profile, { ...v, body: v.body === null ? null : '' });
      this.states.set(key, [...merged.values()].sort((a, b) => a.profile - b.profile));
    }
    if (changesReferences(change)) this.referrerLists = new Map();
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_ENTRIES && !map.has(key)) map.clear();
  map.set(key, value);
}

const referrerKey = (type: string, id: string, params: string[] | undefined) =>
  `${type}/${id}\u0000${params === undefined ? '*' : params.join('\u0000')}`;

/** Whether a write may change the reference rows of the index (or whether the resource is current). */
function changesReferences(change: ResourceWrite): boolean {
  if (!change.resourceUnchanged && change.resource.body === null) return true;
  if (change.index === null) return false;
  return change.indexScope === undefined || change.indexScope.some((s) => s.kind === 'reference');
}
