// StoreReader over any SQL engine: neutral statements run through a Queryable. Used by the store itself
// (read connection) and by transactions (write connection, so a transaction sees its own writes).
import type { ClientRecord, HistoryOptions, Referrer, StoreReader, StoredResource, StoredView, ViewBytes } from '../contract.js';
import type { SearchQuery, SearchResult } from '../query.js';
import { compileSearch, paramRefs, TOTAL_COLUMN, type CompiledSearch } from './compile-search.js';
import type { Dialect } from './dialect.js';
import type { ParamCatalog } from './param-catalog.js';
import type { Queryable } from './queryable.js';
import { cutText } from './body-cut.js';
import { joinParts, parsePartsList, partIds, type PartsList } from './body-parts.js';
import { SizedLru } from '../../sized-lru.js';

/** `parts`: the body's list of pieces when it is stored as parts (body-parts.ts; its `body` is then ''). */
interface ResourceRow { type: string; id: string; version: number; last_updated: number; body: string | null; parts?: string | null; cut_start: number | null; cut_length: number | null }
interface ViewRow { profile: number; version: number; last_updated: number; hash: string; body: string | null; parts?: string | null }
type BytesRow = { body: Buffer | string | null; parts?: string | null };
interface ClientRow { id: string; secret_hash: string; cu: string; write: string; egs: string; operator: number; created_at: number }

/** A body stored inside a view's (cut set) is that view's text without the cut characters. */
const resourceBody = (r: ResourceRow): string | null =>
  r.body === null || r.body === undefined ? null : r.cut_start === null || r.cut_start === undefined ? r.body : cutText(r.body, Number(r.cut_start), Number(r.cut_length));
const toResource = (r: ResourceRow): StoredResource =>
  ({ type: r.type, id: r.id, version: Number(r.version), lastUpdated: Number(r.last_updated), body: resourceBody(r) });
const toView = (r: ViewRow): StoredView =>
  ({ profile: Number(r.profile), version: Number(r.version), lastUpdated: Number(r.last_updated), body: r.body ?? null, hash: r.hash });
const toClient = (r: ClientRow): ClientRecord => ({
  id: r.id, secretHash: r.secret_hash, cu: r.cu, write: JSON.parse(r.write), egs: JSON.parse(r.egs),
  operator: Number(r.operator) !== 0, createdAt: Number(r.created_at),
});

export type SearchRow = Record<string, string | number | null>;

/** Shapes the rows (count + 1 of them at most) and total of a compiled search. */
export function searchResult(compiled: CompiledSearch, query: SearchQuery, rows: SearchRow[], total: { n: number } | undefined): SearchResult {
  const result: SearchResult = {
    rows: rows.slice(0, query.count).map((r) => ({
      id: String(r.id),
      sortValues: Array.from({ length: compiled.sortCount }, (_, i) => r[`s${i}`] ?? null),
    })),
    more: rows.length > query.count,
  };
  if (compiled.total) result.total = Number(total?.n ?? 0);
  return result;
}

/** The total carried by the rows of `selectWithTotal`, if it was run and returned a row. */
export function windowTotal(compiled: CompiledSearch, rows: SearchRow[]): { n: number } | undefined {
  return compiled.selectWithTotal && rows.length > 0 ? { n: Number(rows[0][TOTAL_COLUMN]) } : undefined;
}

const RESOURCE_COLS = 'r.type, r.id, h.version, h.last_updated, b.body, b.parts, h.cut_start, h.cut_length';
const BODY = 'LEFT JOIN bodies b ON b.bid = h.bid';
const VIEW_COLS = 'v.profile, v.version, v.last_updated, v.hash, b.body, b.parts';
/** Characters of body parts remembered by a reader (parts are immutable: never updated nor deleted). */
const PART_CACHE_CHARS = 8 * 1024 * 1024;

function groupByType(refs: readonly { type: string; id: string }[]): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const { type, id } of refs) {
    const ids = byType.get(type);
    if (ids) ids.push(id);
    else byType.set(type, [id]);
  }
  return byType;
}

const historyBounds = (opts: HistoryOptions): number[] =>
  [opts.since ?? Number.MIN_SAFE_INTEGER, opts.beforeVersion ?? Number.MAX_SAFE_INTEGER, opts.count];

export class SqlReader implements StoreReader {
  private readonly sql: Record<string, string>;

  constructor(
    protected readonly q: Queryable,
    protected readonly d: Dialect,
    protected readonly params: ParamCatalog,
    private readonly inTx: boolean,
  ) {
    const visible = (v: string) => `${v}.bid IS NOT NULL`;
    const bytes = d.utf8Bytes ? d.utf8Bytes('b.body') : 'b.body';
    this.sql = {
      resource: `SELECT ${RESOURCE_COLS} FROM res r JOIN resource_history h ON h.rid = r.rid AND h.version = r.version ${BODY} WHERE r.type = ? AND r.id = ?`,
      resources: `SELECT ${RESOURCE_COLS} FROM res r JOIN resource_history h ON h.rid = r.rid AND h.version = r.version ${BODY} WHERE r.type = ? AND ${d.inList('r.id', '?')}`,
      resourceVersion: `SELECT ${RESOURCE_COLS} FROM res r JOIN resource_history h ON h.rid = r.rid ${BODY} WHERE r.type = ? AND r.id = ? AND h.version = ?`,
      resourceHistory: `SELECT ${RESOURCE_COLS} FROM res r JOIN resource_history h ON h.rid = r.rid ${BODY} WHERE r.type = ? AND r.id = ?
        AND h.last_updated >= ? AND h.version < ? ORDER BY h.version DESC ${d.limit()}`,
      // the states only: a body is not read ('' when the view exists, null when it does not)
      viewStates: `SELECT v.profile, v.version, v.last_updated, v.hash, CASE WHEN v.bid IS NULL THEN NULL ELSE '' END AS body
        FROM res r JOIN views v ON v.rid = r.rid WHERE r.type = ? AND r.id = ? ORDER BY v.profile`,
      view: `SELECT ${VIEW_COLS} FROM res r JOIN views v ON v.rid = r.rid AND v.profile = ? LEFT JOIN bodies b ON b.bid = v.bid WHERE r.type = ? AND r.id = ?`,
      views: `SELECT r.id AS id, ${VIEW_COLS} FROM res r JOIN views v ON v.rid = r.rid AND v.profile = ? JOIN bodies b ON b.bid = v.bid WHERE r.type = ? AND ${d.inList('r.id', '?')}`,
      viewBytes: `SELECT r.id AS id, v.version, v.last_updated, ${bytes} AS body, b.parts
        FROM res r JOIN views v ON v.rid = r.rid AND v.profile = ? JOIN bodies b ON b.bid = v.bid WHERE r.type = ? AND ${d.inList('r.id', '?')}`,
      viewAsBytes: `SELECT v.version, v.last_updated, ${bytes} AS body, b.parts
        FROM res r JOIN views v ON v.rid = r.rid AND v.profile = ? LEFT JOIN bodies b ON b.bid = v.bid WHERE r.type = ? AND r.id = ?`,
      viewVersion: `SELECT ${VIEW_COLS} FROM res r JOIN view_history v ON v.rid = r.rid AND v.profile = ? LEFT JOIN bodies b ON b.bid = v.bid
        WHERE r.type = ? AND r.id = ? AND v.version = ?`,
      viewHistory: `SELECT ${VIEW_COLS} FROM res r JOIN view_history v ON v.rid = r.rid AND v.profile = ? LEFT JOIN bodies b ON b.bid = v.bid
        WHERE r.type = ? AND r.id = ? AND v.last_updated >= ? AND v.version < ? ORDER BY v.version DESC ${d.limit()}`,
      referrers: `SELECT DISTINCT s.type, s.id, p.param FROM idx_reference x JOIN res s ON s.rid = x.rid JOIN search_params p ON p.pid = x.pid
        WHERE x.target_id = ? AND x.target_type = ? ORDER BY s.type, s.id, p.param`,
      referrersOf: `SELECT DISTINCT s.type, s.id, p.param FROM idx_reference x JOIN res s ON s.rid = x.rid JOIN search_params p ON p.pid = x.pid
        WHERE x.target_id = ? AND x.target_type = ? AND ${d.inList('p.param', '?')} ORDER BY s.type, s.id, p.param`,
      // the profile's bit is bound (hasBit receives a placeholder)
      includeTargets: `SELECT DISTINCT t.type, t.id FROM res s JOIN idx_reference x ON x.rid = s.rid AND x.pid = ? AND ${d.hasBit('x.mask', '?')}
        JOIN res t ON t.type = x.target_type AND t.id = x.target_id AND t.deleted = 0
        JOIN views tv ON tv.rid = t.rid AND tv.profile = ? AND ${visible('tv')}
        WHERE s.type = ? AND ${d.inList('s.id', '?')} ORDER BY t.type, t.id`,
      // targets must exist for the profile too (callers pass search results, but deny by default)
      revincludeSources: `SELECT DISTINCT s.id FROM idx_reference x JOIN res s ON s.rid = x.rid AND s.deleted = 0
        JOIN views sv ON sv.rid = s.rid AND sv.profile = ? AND ${visible('sv')}
        JOIN res t ON t.type = x.target_type AND t.id = x.target_id AND t.deleted = 0
        JOIN views tv ON tv.rid = t.rid AND tv.profile = sv.profile AND ${visible('tv')}
        WHERE x.target_type = ? AND ${d.inList('x.target_id', '?')} AND x.pid = ? AND ${d.hasBit('x.mask', '?')} AND s.type = ?`,
      parts: `SELECT part, text FROM body_parts WHERE ${d.inList('part', '?')}`,
      countResources: 'SELECT type, COUNT(*) AS n FROM res WHERE deleted = 0 GROUP BY type',
      client: 'SELECT * FROM clients WHERE id = ?',
      clients: 'SELECT * FROM clients ORDER BY id',
    };
  }

  async readResource(type: string, id: string): Promise<StoredResource | null> {
    const row = await this.q.get<ResourceRow>(this.sql.resource, [type, id]);
    return row ? toResource(row.parts == null ? row : await this.joined(row)) : null;
  }

  async readResources(refs: { type: string; id: string }[]): Promise<StoredResource[]> {
    const out: StoredResource[] = [];
    for (const [type, ids] of groupByType(refs)) {
      const rows = await this.joinedAll(await this.q.all<ResourceRow>(this.sql.resources, [type, this.d.listValue(ids)]));
      for (const r of rows) out.push(toResource(r));
    }
    return out;
  }

  async readResourceVersion(type: string, id: string, version: number): Promise<StoredResource | null> {
    const row = await this.q.get<ResourceRow>(this.sql.resourceVersion, [type, id, version]);
    return row ? toResource(row.parts == null ? row : await this.joined(row)) : null;
  }

  async resourceHistory(type: string, id: string, opts: HistoryOptions): Promise<StoredResource[]> {
    const rows = await this.q.all<ResourceRow>(this.sql.resourceHistory, [type, id, ...historyBounds(opts)]);
    return (await this.joinedAll(rows)).map(toResource);
  }

  async readViewStates(type: string, id: string): Promise<StoredView[]> {
    return (await this.q.all<ViewRow>(this.sql.viewStates, [type, id])).map(toView);
  }

  async readView(type: string, id: string, profile: number): Promise<StoredView | null> {
    const row = await this.q.get<ViewRow>(this.sql.view, [profile, type, id]);
    return row ? toView(row.parts == null ? row : await this.joined(row)) : null;
  }

  async readViews(type: string, ids: string[], profile: number): Promise<{ id: string; view: StoredView }[]> {
    if (ids.length === 0) return [];
    const rows = await this.joinedAll(await this.q.all<ViewRow & { id: string }>(this.sql.views, [profile, type, this.d.listValue(ids)]));
    return rows.map((r) => ({ id: r.id, view: toView(r) }));
  }

  async readViewAsBytes(type: string, id: string, profile: number): Promise<{ version: number; lastUpdated: number; bytes: Buffer | null } | null> {
    const row = await this.q.get<{ version: number; last_updated: number } & BytesRow>(this.sql.viewAsBytes, [profile, type, id]);
    return row ? { version: Number(row.version), lastUpdated: Number(row.last_updated), bytes: asBytes((row.parts == null ? row : await this.joined(row)).body) } : null;
  }

  async readViewBytes(type: string, ids: string[], profile: number): Promise<ViewBytes[]> {
    if (ids.length === 0) return [];
    const rows = await this.joinedAll(await this.q.all<{ id: string; version: number; last_updated: number } & BytesRow>(
      this.sql.viewBytes, [profile, type, this.d.listValue(ids)]));
    return rows.map((r) => ({
      id: r.id, version: Number(r.version), lastUpdated: Number(r.last_updated),
      bytes: asBytes(r.body) ?? Buffer.alloc(0), // never null: the join keeps existing views only
    }));
  }

  async readViewVersion(type: string, id: string, profile: number, version: number): Promise<StoredView | null> {
    const row = await this.q.get<ViewRow>(this.sql.viewVersion, [profile, type, id, version]);
    return row ? toView(row.parts == null ? row : await this.joined(row)) : null;
  }

  async viewHistory(type: string, id: string, profile: number, opts: HistoryOptions): Promise<StoredView[]> {
    return (await this.joinedAll(await this.q.all<ViewRow>(this.sql.viewHistory, [profile, type, id, ...historyBounds(opts)]))).map(toView);
  }

  private readonly partTexts = new SizedLru<number, string>(PART_CACHE_CHARS);

  /** The texts of body parts, from the cache or the database (one statement for the missing ones). */
  private async partTextsOf(lists: PartsList[]): Promise<(id: number) => string> {
    const found = new Map<number, string>();
    const missing: number[] = [];
    for (const list of lists) {
      for (const id of partIds(list)) {
        if (found.has(id)) continue;
        const text = this.partTexts.get(id);
        if (text === undefined) missing.push(id);
        else found.set(id, text);
      }
    }
    if (missing.length) {
      for (const row of await this.q.all<{ part: number; text: string }>(this.sql.parts, [this.d.listValue(missing)])) {
        found.set(Number(row.part), row.text);
        this.partTexts.set(Number(row.part), row.text, row.text.length);
      }
    }
    return (id) => {
      const text = found.get(id);
      if (text === undefined) throw new Error(`body part ${id} is missing`);
      return text;
    };
  }

  /** Rows whose body is stored as parts, with the body put together (the same type as stored: text, or
   * bytes when the row's body is bytes). Other rows are returned as they are. */
  protected async joinedAll<R extends BytesRow>(rows: R[]): Promise<R[]> {
    if (!rows.some((r) => r.parts != null)) return rows;
    const lists = rows.map((r) => (r.parts == null ? null : parsePartsList(r.parts)));
    const textOf = await this.partTextsOf(lists.filter((l): l is PartsList => l !== null));
    return rows.map((r, i) => {
      const list = lists[i];
      if (!list) return r;
      const text = joinParts(list, textOf);
      return { ...r, body: Buffer.isBuffer(r.body) ? Buffer.from(text, 'utf8') : text, parts: null } as R;
    });
  }

  /** One row put together (callers skip the call, and its await, for the rows without parts). */
  protected async joined<R extends BytesRow>(row: R): Promise<R> {
    return (await this.joinedAll([row]))[0];
  }

  async referrers(type: string, id: string, params?: string[]): Promise<Referrer[]> {
    if (params && params.length === 0) return [];
    const rows = params
      ? await this.q.all<Referrer>(this.sql.referrersOf, [id, type, this.d.listValue(params)])
      : await this.q.all<Referrer>(this.sql.referrers, [id, type]);
    return rows.map((r) => ({ type: r.type, id: r.id, param: r.param }));
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const lookup = await this.params.resolve(this.q, paramRefs(query), this.inTx);
    return this.runSearch(compileSearch(query, this.d, lookup), query);
  }

  /** Runs a compiled search. Adapters override it to read rows and total in one snapshot. */
  protected async runSearch(compiled: CompiledSearch, query: SearchQuery): Promise<SearchResult> {
    const page = compiled.selectWithTotal ?? compiled.select;
    const rows = await this.q.all<SearchRow>(page.text, page.args);
    const carried = windowTotal(compiled, rows);
    const total = compiled.total && !carried ? await this.q.get<{ n: number }>(compiled.total.text, compiled.total.args) : carried;
    return searchResult(compiled, query, rows, total);
  }

  async includeTargets(sourceType: string, ids: string[], param: string, profile: number, targetType?: string): Promise<{ type: string; id: string }[]> {
    if (ids.length === 0) return [];
    const info = (await this.params.resolve(this.q, [{ type: sourceType, param }], this.inTx))(sourceType, param);
    if (!info || info.kind !== 'reference') return [];
    const rows = await this.q.all<{ type: string; id: string }>(this.sql.includeTargets,
      [info.pid, bit(profile), profile, sourceType, this.d.listValue(ids)]);
    return rows.filter((r) => targetType === undefined || r.type === targetType).map((r) => ({ type: r.type, id: r.id }));
  }

  async revincludeSources(sourceType: string, param: string, targets: { type: string; id: string }[], profile: number): Promise<string[]> {
    if (targets.length === 0) return [];
    const info = (await this.params.resolve(this.q, [{ type: sourceType, param }], this.inTx))(sourceType, param);
    if (!info || info.kind !== 'reference') return [];
    const ids = new Set<string>();
    for (const [type, targetIds] of groupByType(targets)) {
      const rows = await this.q.all<{ id: string }>(this.sql.revincludeSources,
        [profile, type, this.d.listValue(targetIds), info.pid, bit(profile), sourceType]);
      for (const r of rows) ids.add(r.id);
    }
    return [...ids].sort();
  }

  async countResources(): Promise<Record<string, number>> {
    const rows = await this.q.all<{ type: string; n: number }>(this.sql.countResources, []);
    return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
  }

  async getClient(id: string): Promise<ClientRecord | null> {
    const row = await this.q.get<ClientRow>(this.sql.client, [id]);
    return row ? toClient(row) : null;
  }

  async listClients(): Promise<ClientRecord[]> {
    return (await this.q.all<ClientRow>(this.sql.clients, [])).map(toClient);
  }
}

/** A body column read as bytes (drivers without Dialect.utf8Bytes return text). */
function asBytes(body: Buffer | string | null): Buffer | null {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function bit(profile: number): number {
  if (!Number.isInteger(profile) || profile < 0 || profile > 5) throw new Error(`invalid profile ${profile}`);
  return 1 << profile;
}

/** The reads of a Store, delegated to a reader (both adapters expose their reader this way). */
export function delegateReads(reader: SqlReader): Omit<StoreReader, 'searchAudit'> {
  return {
    readResource: (type, id) => reader.readResource(type, id),
    readResources: (refs) => reader.readResources(refs),
    readResourceVersion: (type, id, version) => reader.readResourceVersion(type, id, version),
    resourceHistory: (type, id, o) => reader.resourceHistory(type, id, o),
    readViewStates: (type, id) => reader.readViewStates(type, id),
    readView: (type, id, profile) => reader.readView(type, id, profile),
    readViews: (type, ids, profile) => reader.readViews(type, ids, profile),
    readViewBytes: (type, ids, profile) => reader.readViewBytes(type, ids, profile),
    readViewAsBytes: (type, id, profile) => reader.readViewAsBytes(type, id, profile),
    readViewVersion: (type, id, profile, version) => reader.readViewVersion(type, id, profile, version),
    viewHistory: (type, id, profile, o) => reader.viewHistory(type, id, profile, o),
    referrers: (type, id, p) => reader.referrers(type, id, p),
    search: (q) => reader.search(q),
    includeTargets: (s, ids, p, profile, t) => reader.includeTargets(s, ids, p, profile, t),
    revincludeSources: (s, p, targets, profile) => reader.revincludeSources(s, p, targets, profile),
    countResources: () => reader.countResources(),
    getClient: (id) => reader.getClient(id),
    listClients: () => reader.listClients(),
  };
}
