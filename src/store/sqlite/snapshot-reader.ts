// Reads of the embedded store's read-only connection: a search's rows and total come from one snapshot,
// and view bytes come through the body cache (body-cache.ts): the current view (version, body id) of a
// read by id is the database's answer (view-refs.ts: remembered only until anything commits), the
// immutable bytes it points to are reused when already served.
import type { ViewBytes } from '../contract.js';
import type { SearchQuery, SearchResult } from '../query.js';
import type { CompiledSearch } from '../sql/compile-search.js';
import type { ParamCatalog } from '../sql/param-catalog.js';
import { searchResult, SqlReader, windowTotal, type SearchRow } from '../sql/reader.js';
import { BodyCache } from './body-cache.js';
import type { SqliteConnection } from './connection.js';
import { sqliteDialect } from './dialect.js';
import { ViewRefCache, type ViewRef } from './view-refs.js';

const VIEW_REF = `SELECT v.version, v.last_updated, v.bid FROM res r JOIN views v ON v.rid = r.rid AND v.profile = ?
  WHERE r.type = ? AND r.id = ?`;
const VIEW_REFS = `SELECT r.id, v.version, v.last_updated, v.bid FROM res r JOIN views v ON v.rid = r.rid AND v.profile = ?
  WHERE r.type = ? AND r.id IN (SELECT value FROM json_each(?)) AND v.bid IS NOT NULL`;
const BODY = 'SELECT CAST(body AS BLOB) AS body, parts FROM bodies WHERE bid = ?';
const BODIES = 'SELECT bid, CAST(body AS BLOB) AS body, parts FROM bodies WHERE bid IN (SELECT value FROM json_each(?))';

export class SnapshotReader extends SqlReader {
  private readonly snapshot: (compiled: CompiledSearch, query: SearchQuery) => SearchResult;
  private readonly bodies: BodyCache;
  private readonly refs: ViewRefCache;

  constructor(private readonly conn: SqliteConnection, params: ParamCatalog, bodyCacheBytes: number) {
    super(conn, sqliteDialect, params, false);
    this.bodies = new BodyCache(bodyCacheBytes);
    this.refs = new ViewRefCache(conn.db);
    this.snapshot = conn.db.transaction((compiled: CompiledSearch, query: SearchQuery) => {
      const page = compiled.selectWithTotal ?? compiled.select;
      const rows = conn.allSync<SearchRow>(page.text, page.args);
      const carried = windowTotal(compiled, rows);
      const total = compiled.total && !carried ? conn.getSync<{ n: number }>(compiled.total.text, compiled.total.args) : carried;
      return searchResult(compiled, query, rows, total);
    });
  }

  protected override async runSearch(compiled: CompiledSearch, query: SearchQuery): Promise<SearchResult> {
    return this.snapshot(compiled, query);
  }

  /** The bytes of a body not in the cache (put together when stored as parts), cached. */
  private async readBody(bid: number): Promise<Buffer> {
    const row = this.conn.getSync<{ body: Buffer; parts: string | null }>(BODY, [bid])!;
    const bytes = (row.parts == null ? row : await this.joined(row)).body;
    this.bodies.set(bid, bytes);
    return bytes;
  }

  override async readViewAsBytes(type: string, id: string, profile: number): Promise<{ version: number; lastUpdated: number; bytes: Buffer | null } | null> {
    const ref = this.refs.get(profile, type, id, () => this.conn.getSync<ViewRef>(VIEW_REF, [profile, type, id]));
    if (!ref) return null;
    return { version: ref.version, lastUpdated: ref.last_updated, bytes: ref.bid === null ? null : (this.bodies.get(ref.bid) ?? (await this.readBody(ref.bid))) };
  }

  override async readViewBytes(type: string, ids: string[], profile: number): Promise<ViewBytes[]> {
    if (ids.length === 0) return [];
    const refs = this.conn.allSync<ViewRef & { id: string; bid: number }>(VIEW_REFS, [profile, type, JSON.stringify(ids)]);
    // one cache lookup per view; the bodies not cached are read in one statement
    const bytes = refs.map((r) => this.bodies.get(r.bid));
    const missing = refs.filter((_, i) => bytes[i] === undefined).map((r) => r.bid);
    if (missing.length > 0) {
      const fetched = new Map<number, Buffer>();
      for (const row of await this.joinedAll(this.conn.allSync<{ bid: number; body: Buffer; parts: string | null }>(BODIES, [JSON.stringify(missing)]))) {
        fetched.set(row.bid, row.body);
        this.bodies.set(row.bid, row.body);
      }
      refs.forEach((r, i) => (bytes[i] ??= fetched.get(r.bid)));
    }
    return refs.map((r, i) => ({ id: r.id, version: r.version, lastUpdated: r.last_updated, bytes: bytes[i]! }));
  }
}
