// A write transaction on one dedicated PostgreSQL connection, with write-behind: writes are buffered and
// sent in bulk (a handful of statements per flush instead of a dozen per resource, see flush.ts), because
// a round trip to the server costs far more than the work of one row. A flush triggered by the buffer's
// size runs while the caller goes on (rendering the next resources), on the server's core.
//
// Reads stay exact. The reads the FHIR layer makes between writes (current resource, view states,
// referrers) merge the database with the buffer; every other read flushes the buffer first and then reads
// the database. The buffer is also flushed before COMMIT and when it grows large. Other writers cannot
// change the database meanwhile: the transaction holds the writer lock (store.ts). Calls on one
// transaction are sequential (each awaited before the next), as the FHIR layer makes them.
import type pg from 'pg';
import type { HistoryOptions, Referrer, ResourceWrite, StoredResource, StoredView } from '../contract.js';
import type { SearchQuery, SearchResult } from '../query.js';
import type { ParamCatalog } from '../sql/param-catalog.js';
import type { Queryable } from '../sql/queryable.js';
import { SqlTransaction } from '../sql/transaction.js';
import { PgQueryable } from './connection.js';
import { postgresDialect } from './dialect.js';
import { appendAuditBulk } from './audit.js';
import { flushWrites, rowsFrom } from './flush.js';

/** Buffered writes that trigger a flush: bounds memory and the size of the bulk statements. */
const FLUSH_AT = 2000;
/** Targets whose referrers one query prefetches. */
const PREFETCH_REFERRERS = 2000;

/** Referrers of many targets at once (every param), with the target of each row. */
const REFERRERS_OF_MANY = `SELECT DISTINCT k.type AS target_type, k.id AS target_id, s.type, s.id, p.param
  FROM ${rowsFrom([['type', 'text'], ['id', 'text']])} k
  JOIN idx_reference x ON x.target_id = k.id AND x.target_type = k.type
  JOIN res s ON s.rid = x.rid JOIN search_params p ON p.pid = x.pid`;

const keyOf = (type: string, id: string) => `${type}/${id}`;

/** The transaction's connection, whose statements wait for the flush in progress (if any). */
class GatedQueryable implements Queryable {
  gate: Promise<void> = Promise.resolve();

  constructor(private readonly inner: PgQueryable) {}

  async all<T>(sql: string, args: readonly unknown[]): Promise<T[]> {
    await this.gate;
    return this.inner.all<T>(sql, args);
  }

  async get<T>(sql: string, args: readonly unknown[]): Promise<T | undefined> {
    await this.gate;
    return this.inner.get<T>(sql, args);
  }

  async run(sql: string, args: readonly unknown[]): Promise<void> {
    await this.gate;
    await this.inner.run(sql, args);
  }
}

/** Referrers order of the SQL reader: type, id, param (byte order; ids and names are ASCII). */
const byRef = (a: Referrer, b: Referrer) =>
  a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : a.param < b.param ? -1 : a.param > b.param ? 1 : 0;

export class PgTransaction extends SqlTransaction {
  private writes: ResourceWrite[] = [];
  /** Latest buffered resource per key (writes marked resourceUnchanged do not change it). */
  private readonly resources = new Map<string, StoredResource>();
  /** Buffered views per key and profile (they replace the database's). */
  private readonly views = new Map<string, Map<number, StoredView>>();
  /** Keys whose index rows the buffer replaces, with their reference rows (target key → params). */
  private readonly replacedIndex = new Map<string, { type: string; id: string; refs: Map<string, Set<string>> }>();
  /** Target key → keys of buffered resources referencing it. */
  private readonly referencedBy = new Map<string, Set<string>>();
  /** Keys the database does not hold (read as absent since the last flush): nothing to merge. */
  private readonly absent = new Set<string>();
  /** Every resource this transaction read or wrote: the likely targets of its next referrers reads. */
  private readonly seen = new Map<string, { type: string; id: string }>();
  /** Referrers in the database per target key, every param (valid until the next flush). */
  private readonly storedReferrers = new Map<string, Promise<Referrer[]>>();

  private readonly gated: GatedQueryable;

  constructor(private readonly client: pg.PoolClient, params: ParamCatalog) {
    const q = new GatedQueryable(new PgQueryable(client));
    super(q, postgresDialect, params, appendAuditBulk);
    this.gated = q;
  }

  // ---- writes -------------------------------------------------------------------------------------

  override async write(change: ResourceWrite): Promise<void> {
    this.check();
    const r = change.resource;
    if (!r.type || !r.id) throw new Error('a stored resource needs a type and an id');
    const profiles = new Set<number>();
    for (const v of change.views) {
      if (!Number.isInteger(v.profile) || v.profile < 0 || v.profile > 5) throw new Error(`invalid profile ${v.profile}`);
      if (profiles.has(v.profile)) throw new Error(`two views for profile ${v.profile}`);
      profiles.add(v.profile);
    }
    for (const e of change.index ?? []) {
      if (!Number.isInteger(e.mask) || e.mask < 0 || e.mask > 63) throw new Error(`invalid index mask ${e.mask}`);
    }
    const key = keyOf(r.type, r.id);
    if (change.resourceUnchanged && !this.resources.has(key)) {
      const stored = this.absent.has(key) ? null : await this.q.get('SELECT 1 AS one FROM res WHERE type = ? AND id = ?', [r.type, r.id]);
      if (!stored) throw new Error(`${r.type}/${r.id} is not stored: it cannot be written as unchanged`);
    }
    // the pid of a new parameter is created now, so an error about its kind surfaces at this write
    for (const e of change.index ?? []) await this.params.ensure(this.q, r.type, e.param, e.kind);

    this.writes.push(change);
    this.see(key, r.type, r.id);
    if (!change.resourceUnchanged) this.resources.set(key, { ...r });
    if (change.views.length) {
      let views = this.views.get(key);
      if (!views) this.views.set(key, (views = new Map()));
      for (const v of change.views) views.set(v.profile, { ...v });
    }
    // the buffer's merged reads know whole index replacements only: a scoped one (the rows of some
    // parameters, a capacity update) is sent at once, and later reads see the database after it
    if (change.indexScope) this.startFlush();
    else if (change.index) this.replaceReferences(key, r.type, r.id, change);
    if (this.writes.length >= FLUSH_AT) this.startFlush();
  }

  private replaceReferences(key: string, type: string, id: string, change: ResourceWrite): void {
    const previous = this.replacedIndex.get(key);
    if (previous) for (const target of previous.refs.keys()) this.referencedBy.get(target)?.delete(key);
    const refs = new Map<string, Set<string>>();
    for (const e of change.index!) {
      if (e.kind !== 'reference' || e.targetType == null || e.targetId == null) continue;
      const target = keyOf(e.targetType, e.targetId);
      let params = refs.get(target);
      if (!params) refs.set(target, (params = new Set()));
      params.add(e.param);
      let sources = this.referencedBy.get(target);
      if (!sources) this.referencedBy.set(target, (sources = new Set()));
      sources.add(key);
    }
    this.replacedIndex.set(key, { type, id, refs });
  }

  /** Resource writes sent by this transaction (the store analyzes the tables after large ones). */
  flushedWrites = 0;

  /** Sends the buffered writes and waits for them; afterwards the database alone is the truth. */
  async flush(): Promise<void> {
    this.startFlush();
    await this.gated.gate;
  }

  /**
   * Starts sending the buffered writes without waiting: the caller goes on computing while the server
   * works. Every later statement of this transaction waits for the flush (GatedQueryable), and the
   * buffer's state is cleared now, so reads of the flushed resources go to the database after it.
   */
  private startFlush(): void {
    if (this.writes.length === 0) return;
    const writes = this.writes;
    this.flushedWrites += writes.length;
    this.writes = [];
    for (const w of writes) this.absent.delete(keyOf(w.resource.type, w.resource.id));
    this.resources.clear();
    this.views.clear();
    this.replacedIndex.clear();
    this.referencedBy.clear();
    this.storedReferrers.clear();
    this.gated.gate = this.gated.gate.then(() => flushWrites(this.client, this.params, writes));
    // a failure surfaces at the next statement or at commit; this only keeps it from being "unhandled"
    this.gated.gate.catch(() => undefined);
  }

  // ---- reads merged with the buffer ---------------------------------------------------------------

  private see(key: string, type: string, id: string): void {
    if (!this.seen.has(key)) this.seen.set(key, { type, id });
  }

  override async readResource(type: string, id: string): Promise<StoredResource | null> {
    const key = keyOf(type, id);
    this.see(key, type, id);
    const buffered = this.resources.get(key);
    if (buffered) return { ...buffered };
    if (this.absent.has(key)) return null;
    const stored = await super.readResource(type, id);
    if (!stored) this.absent.add(key);
    return stored;
  }

  override async readResources(refs: { type: string; id: string }[]): Promise<StoredResource[]> {
    const out: StoredResource[] = [];
    const rest: { type: string; id: string }[] = [];
    for (const ref of refs) {
      const key = keyOf(ref.type, ref.id);
      this.see(key, ref.type, ref.id);
      const buffered = this.resources.get(key);
      if (buffered) out.push({ ...buffered });
      else if (!this.absent.has(key)) rest.push(ref);
    }
    if (rest.length) out.push(...(await super.readResources(rest)));
    return out;
  }

  override async readViewStates(type: string, id: string): Promise<StoredView[]> {
    const key = keyOf(type, id);
    const stored = this.absent.has(key) ? [] : await super.readViewStates(type, id);
    const buffered = this.views.get(key);
    if (!buffered) return stored;
    const merged = new Map(stored.map((v) => [v.profile, v]));
    for (const [profile, v] of buffered) merged.set(profile, { ...v, body: v.body === null ? null : '' }); // states only, as read
    return [...merged.values()].sort((a, b) => a.profile - b.profile);
  }

  override async readView(type: string, id: string, profile: number): Promise<StoredView | null> {
    const key = keyOf(type, id);
    const buffered = this.views.get(key)?.get(profile);
    if (buffered) return { ...buffered };
    if (this.absent.has(key)) return null;
    return super.readView(type, id, profile);
  }

  override async referrers(type: string, id: string, params?: string[]): Promise<Referrer[]> {
    if (params && params.length === 0) return [];
    const target = keyOf(type, id);
    // rows of resources whose index the buffer replaces are stale: theirs come from the buffer
    let all = this.storedReferrers.get(target);
    if (!all) all = this.prefetchReferrers(type, id);
    const wanted = params ? new Set(params) : null;
    const stored = (await all).filter((r) => (!wanted || wanted.has(r.param)) && !this.replacedIndex.has(keyOf(r.type, r.id)));
    const sources = this.referencedBy.get(target);
    if (!sources || sources.size === 0) return stored;
    for (const source of sources) {
      const entry = this.replacedIndex.get(source)!;
      for (const param of entry.refs.get(target) ?? []) {
        if (!wanted || wanted.has(param)) stored.push({ type: entry.type, id: entry.id, param });
      }
    }
    return stored.sort(byRef);
  }

  /**
   * Referrers of `target` and, in the same query, of the other resources this transaction has read or
   * written, whose referrers are not known since the last flush: rendering asks for the referrers of each
   * resource it renders, one at a time.
   */
  private prefetchReferrers(type: string, id: string): Promise<Referrer[]> {
    const targets = [{ type, id }];
    const own = keyOf(type, id);
    for (const [k, r] of this.seen) {
      if (targets.length >= PREFETCH_REFERRERS) break;
      if (k !== own && !this.storedReferrers.has(k)) targets.push(r);
    }
    const rows = this.q.all<Referrer & { target_type: string; target_id: string }>(REFERRERS_OF_MANY,
      [JSON.stringify(targets.map((t) => t.type)), JSON.stringify(targets.map((t) => t.id))]);
    const grouped = rows.then((all) => {
      const byTarget = new Map<string, Referrer[]>();
      for (const r of all) {
        const k = keyOf(r.target_type, r.target_id);
        let list = byTarget.get(k);
        if (!list) byTarget.set(k, (list = []));
        list.push({ type: r.type, id: r.id, param: r.param });
      }
      for (const list of byTarget.values()) list.sort(byRef);
      return byTarget;
    });
    for (const t of targets) {
      const k = keyOf(t.type, t.id);
      this.storedReferrers.set(k, grouped.then((m) => m.get(k) ?? []));
    }
    return this.storedReferrers.get(keyOf(type, id))!;
  }

  // ---- every other read sees the database after a flush -------------------------------------------

  override async readResourceVersion(type: string, id: string, version: number): Promise<StoredResource | null> {
    await this.flush();
    return super.readResourceVersion(type, id, version);
  }

  override async resourceHistory(type: string, id: string, opts: HistoryOptions): Promise<StoredResource[]> {
    await this.flush();
    return super.resourceHistory(type, id, opts);
  }

  override async readViews(type: string, ids: string[], profile: number): Promise<{ id: string; view: StoredView }[]> {
    await this.flush();
    return super.readViews(type, ids, profile);
  }

  override async readViewVersion(type: string, id: string, profile: number, version: number): Promise<StoredView | null> {
    await this.flush();
    return super.readViewVersion(type, id, profile, version);
  }

  override async viewHistory(type: string, id: string, profile: number, opts: HistoryOptions): Promise<StoredView[]> {
    await this.flush();
    return super.viewHistory(type, id, profile, opts);
  }

  override async search(query: SearchQuery): Promise<SearchResult> {
    await this.flush();
    return super.search(query);
  }

  override async includeTargets(sourceType: string, ids: string[], param: string, profile: number, targetType?: string): Promise<{ type: string; id: string }[]> {
    await this.flush();
    return super.includeTargets(sourceType, ids, param, profile, targetType);
  }

  override async revincludeSources(sourceType: string, param: string, targets: { type: string; id: string }[], profile: number): Promise<string[]> {
    await this.flush();
    return super.revincludeSources(sourceType, param, targets, profile);
  }

  override async countResources(): Promise<Record<string, number>> {
    await this.flush();
    return super.countResources();
  }
}
