// What one write session (an ingestion, inside one store transaction) knows without asking the store:
// the raw resources it wrote or read, the view states of the resources it created or rendered, and the
// resources whose row it has not written yet. Only the session writes in its transaction while it runs,
// so what it remembers stays exactly what the store would answer.

import { sameExtensionClass, type ProfileMask, type Resource } from '../../policy/index.js';
import type { ResourceInView, StoredResource, StoredView, StoreTx, WrittenView } from '../../store/contract.js';
import { changedElements } from '../changed-elements.js';
import { parseStored, rememberParsed } from '../parsed-bodies.js';
import { paramsReading } from '../search/index.js';
import type { ElementRef } from '../search/reads.js';
import type { Neighbourhood } from './context.js';
import type { IndexScope } from './render.js';

const key = (type: string, id: string) => `${type}/${id}`;

/** The values of a top-level element, or of the extensions with one url. */
function valuesOf(resource: Resource, ref: { key: string; url?: string }): unknown {
  const value = (resource as Record<string, unknown>)[ref.key];
  return ref.url === undefined || !Array.isArray(value) ? value : value.filter((e) => (e as { url?: unknown } | null)?.url === ref.url);
}

/** Whether a value holds something the index also stores under a derived parameter: an Identifier with a
 * type (`type`), a Reference with an identifier (`identifier`). Conservative: any object with either key. */
function derivesRows(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(derivesRows);
  if (value === null || typeof value !== 'object') return false;
  for (const k in value as Record<string, unknown>) {
    if (k === 'type' || k === 'identifier' || derivesRows((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/** A resource as the session knows it. Bodies are not kept (memory): `raw` is the parsed current one. */
export interface Known {
  /** Current version, or null when the resource was never stored. */
  version: number | null;
  deleted: boolean;
  raw: Resource | null;
  /** The stored text of `raw` (null when absent or deleted). */
  body: string | null;
  /** Every reference string of `raw` (collectReferences), when the caller gave them. */
  references?: string[];
}

const ABSENT: Known = { version: null, deleted: false, raw: null, body: null };
/** A stored resource, with its body already parsed when the caller has it (`raw`, not parsed again) and
 * its current view states when the caller has read them (`views`, readViewStates form: not read again). */
export type StoredWithRaw = StoredResource & { raw?: Resource; views?: StoredView[]; references?: string[] };
const knownOf = (s: StoredWithRaw, parse: (type: string, id: string, text: string) => Resource = parseStored): Known => {
  const known: Known = { version: s.version, deleted: s.body === null, raw: s.body === null ? null : (s.raw ?? parse(s.type, s.id, s.body)), body: s.body };
  if (s.references && s.body !== null) known.references = s.references;
  return known;
};
/** A new version's text, parsed once here: nothing to gain from the shared parsed bodies (an import). */
const parseNew = (_type: string, _id: string, text: string) => JSON.parse(text) as Resource;
/** View states without their bodies: the renderer needs only version, hash and existence. */
const light = (v: WrittenView): StoredView => {
  if (v.body === null || v.body === '') return v;
  const { parts: _parts, ...state } = v;
  return { ...state, body: '' };
};

export class SessionNeighbourhood implements Neighbourhood {
  private readonly known = new Map<string, Known>();
  private readonly states = new Map<string, StoredView[]>();
  /** Resources whose new version is written with their first render (one write instead of two). */
  private readonly unwritten = new Map<string, StoredResource>();

  /** For resources this session changed and has not rendered yet: the raw version their stored views
   * were rendered from. */
  private readonly storedRaw = new Map<string, Resource>();
  /** Resources given a new version in this session. */
  private readonly changed = new Set<string>();
  private readonly rendered = new Set<string>();
  /** Whether a render of this session changed the profiles a resource exists for. */
  private existenceMoved = false;

  /** Views written for the watched resources, by profile (latest first written last). */
  private readonly watched = new Map<string, Map<number, StoredView>>();

  constructor(private readonly tx: StoreTx) {}

  /** Keeps the views written for this resource (with their bodies) for writtenViews(). */
  watch(type: string, id: string): void {
    const k = key(type, id);
    if (!this.watched.has(k)) this.watched.set(k, new Map());
  }

  /** The latest view written in this session for each profile of a watched resource. */
  writtenViews(type: string, id: string): ReadonlyMap<number, StoredView> | undefined {
    return this.watched.get(key(type, id));
  }

  /** The current stored resource and its parsed body (null when absent or deleted). */
  async current(type: string, id: string): Promise<Known> {
    const k = key(type, id);
    let found = this.known.get(k);
    if (!found) {
      const stored = await this.tx.readResource(type, id);
      found = stored ? knownOf(stored) : ABSENT;
      this.known.set(k, found);
    }
    return found;
  }

  /** Takes a current version the caller has just read in this transaction (saves reading it again). */
  remember(stored: StoredWithRaw): void {
    const k = key(stored.type, stored.id);
    if (!this.known.has(k)) this.known.set(k, knownOf(stored));
    if (stored.views && !this.states.has(k)) this.states.set(k, stored.views.map(light));
  }

  /** Reads the current versions of many resources in one go (those not known yet). */
  async prefetch(refs: { type: string; id: string }[]): Promise<void> {
    const missing = refs.filter((r) => !this.known.has(key(r.type, r.id)));
    if (missing.length === 0) return;
    for (const r of missing) this.known.set(key(r.type, r.id), ABSENT);
    for (const stored of await this.tx.readResources(missing)) this.known.set(key(stored.type, stored.id), knownOf(stored));
  }

  /**
   * Records a new version of a resource. `created`: it had no row before, hence no views. `deferred`: its
   * row is written by its first render (flush() writes it if that never happens).
   */
  async put(given: StoredWithRaw, created: boolean, deferred: boolean): Promise<void> {
    const { raw: _raw, views: _views, references: _references, ...stored } = given;
    const k = key(stored.type, stored.id);
    // a second version within the session: the first one must reach the history first
    await this.flushOne(k);
    const prior = this.known.get(k);
    if (prior?.raw && !this.changed.has(k)) this.storedRaw.set(k, prior.raw);
    this.changed.add(k);
    this.known.set(k, knownOf(given, parseNew));
    // the new version's object, never mutated from now on, is what its text parses to
    if (given.raw && given.body !== null) rememberParsed(stored.type, stored.id, given.body, given.raw);
    if (created) this.states.set(k, []);
    if (deferred) this.unwritten.set(k, stored);
    else await this.tx.write({ resource: stored, views: [], index: null });
  }

  private async flushOne(k: string): Promise<void> {
    const pending = this.unwritten.get(k);
    if (!pending) return;
    this.unwritten.delete(k);
    await this.tx.write({ resource: pending, views: [], index: null });
  }

  /** Writes the rows of resources no render wrote. */
  async flush(): Promise<void> {
    for (const k of [...this.unwritten.keys()]) await this.flushOne(k);
  }

  /**
   * Writes what is pending, then forgets what the session remembers (the store answers from now on):
   * keeps a long ingestion's memory bounded. Watched resources keep their written views.
   */
  async forget(): Promise<void> {
    await this.flush();
    this.known.clear();
    this.states.clear();
  }

  /**
   * The search parameters whose rows can differ from the stored ones when `raw` is rendered, when the
   * session knows it: the only resource it changed, rendered for the first time, while no render of the
   * session has changed any resource's existence. Its stored views were then rendered from its previous
   * version in the same context (neighbours unchanged), so only the parameters reading the elements that
   * changed can have other rows. Undefined: every parameter.
   */
  indexScope(type: string, id: string, raw: Resource): IndexScope | undefined {
    const k = key(type, id);
    const before = this.storedRaw.get(k);
    if (!before || this.changed.size !== 1 || this.rendered.has(k) || this.existenceMoved) return undefined;
    const elements = changedElements(before as Record<string, unknown>, raw as Record<string, unknown>);
    const refs: ElementRef[] = [];
    for (const e of elements) {
      const ref: ElementRef = e.url === undefined ? { key: e.path } : { key: e.path.slice(0, e.path.indexOf('(')), url: e.url };
      // an Identifier or a Reference is indexed under derived parameters as well (identifier:of-type,
      // subject:identifier) which no expression names: a change of one, before or after, is indexed whole
      // (of the items of an extension, only those that changed can hold one that changed)
      const changed = e.items ? e.items.flat() : [valuesOf(before, ref), valuesOf(raw, ref)];
      if (changed.some(derivesRows)) return undefined;
      // items changed in a few sub-extensions, classified as before: only those sub-extensions' rows change
      const url = e.url;
      if (url !== undefined && e.subs && e.items?.every(([a, b]) => sameExtensionClass(type, url, a, b))) refs.push(...e.subs.map((sub) => ({ ...ref, sub })));
      else refs.push(ref);
    }
    return paramsReading(type, refs);
  }

  /** Records a render (`moved`: it changed the profiles the resource exists for). */
  noteRendered(type: string, id: string, moved: boolean): void {
    this.rendered.add(key(type, id));
    if (moved) this.existenceMoved = true;
  }

  /** Writes a resource's views and index; its row too if it is still unwritten. `indexScope`: `index` holds
   * the rows of these parameters only. */
  async writeRender(type: string, id: string, views: WrittenView[], index: StoredIndex, resourceInView?: ResourceInView, indexScope?: IndexScope): Promise<void> {
    const k = key(type, id);
    const scope = indexScope ? { indexScope } : {};
    const pending = this.unwritten.get(k);
    if (pending) {
      this.unwritten.delete(k);
      // resourceInView (a view holding the resource's text) is about the pending version's body
      await this.tx.write({ resource: pending, views, index, ...(resourceInView ? { resourceInView } : {}), ...scope });
    } else {
      // only type and id of an unchanged resource are read by the store
      const resource: StoredResource = { type, id, version: this.known.get(k)?.version ?? 0, lastUpdated: 0, body: null };
      await this.tx.write({ resource, views, index, resourceUnchanged: true, ...scope });
    }
    const kept = this.watched.get(k);
    if (kept) for (const v of views) kept.set(v.profile, v);
    const before = this.states.get(k);
    if (before) {
      const merged = new Map(before.map((v) => [v.profile, v]));
      for (const v of views) merged.set(v.profile, light(v));
      this.states.set(k, [...merged.values()].sort((a, b) => a.profile - b.profile));
    } else {
      this.states.delete(k); // unknown before: read afresh when needed
    }
  }

  /** The current view of every profile that ever had one; bodies replaced by '' (present) or null. */
  async viewStates(type: string, id: string): Promise<StoredView[]> {
    const k = key(type, id);
    let s = this.states.get(k);
    if (!s) {
      s = (await this.tx.readViewStates(type, id)).map(light);
      this.states.set(k, s);
    }
    return s;
  }

  async resource(type: string, id: string): Promise<Resource | null> {
    return (await this.current(type, id)).raw;
  }

  async referrers(target: { type: string; id: string }, type: string, param: string): Promise<string[]> {
    const rows = await this.tx.referrers(target.type, target.id, [param]);
    return rows.filter((r) => r.type === type).map((r) => r.id);
  }

  async existence(type: string, id: string): Promise<ProfileMask | null> {
    const states = await this.viewStates(type, id);
    if (states.length === 0) return null;
    let mask = 0;
    for (const v of states) if (v.body !== null) mask |= 1 << v.profile;
    return mask;
  }
}

type StoredIndex = Parameters<StoreTx['write']>[0]['index'];
