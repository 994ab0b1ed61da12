// Writes of a transaction over any SQL engine: one ResourceWrite = the resource version, the changed
// views (bodies deduplicated by digest) and, when given, the complete replacement of its index rows.
import crypto from 'node:crypto';
import type { ClientRecord, ResourceWrite } from '../contract.js';
import type { IndexEntry, IndexKind } from '../query.js';
import type { Dialect } from './dialect.js';
import type { ParamCatalog } from './param-catalog.js';
import type { Queryable } from './queryable.js';
import { holdsBody } from './body-cut.js';
import type { IndexRowCache, NextIds } from './tx-read-cache.js';
import { COMPOSITE_MIN_CHARS, type PartIds, type PartsList } from './body-parts.js';

/** Identity of a view body for deduplication: sha-256 of its UTF-8 bytes. */
export const bodyDigest: (body: string) => Buffer = typeof crypto.hash === 'function'
  ? (body) => crypto.hash('sha256', body, 'buffer') // one shot (Node ≥ 20.12): cheaper than createHash
  : (body) => crypto.createHash('sha256').update(body).digest();

const INDEX_TABLES: Record<IndexKind, string> = {
  token: 'idx_token', string: 'idx_string', uri: 'idx_uri', number: 'idx_number', date: 'idx_date',
  quantity: 'idx_quantity', reference: 'idx_reference', geo: 'idx_geo',
};

const INDEX_COLUMNS: Record<IndexKind, string[]> = {
  token: ['rid', 'pid', 'system', 'code', 'text', 'mask'],
  string: ['rid', 'pid', 'value', 'mask'],
  uri: ['rid', 'pid', 'value', 'mask'],
  number: ['rid', 'pid', 'value', 'mask'],
  date: ['rid', 'pid', 'low', 'high', 'mask'],
  quantity: ['rid', 'pid', 'value', 'system', 'code', 'mask'],
  reference: ['rid', 'pid', 'target_type', 'target_id', 'url', 'mask'],
  geo: ['rid', 'pid', 'lat', 'lng', 'mask'],
};

/** Rows per multi-row INSERT: one statement per kind for a typical resource, bounded statement variants. */
const ROWS_PER_INSERT = 32;

const insertIndexSql = (kind: IndexKind, rows: number): string => {
  const cols = INDEX_COLUMNS[kind];
  const tuple = `(${cols.map(() => '?').join(', ')})`;
  return `INSERT INTO ${INDEX_TABLES[kind]} (${cols.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`;
};

/** Column values after (rid, pid), in INDEX_COLUMNS order. */
function indexValues(e: IndexEntry): unknown[] {
  switch (e.kind) {
    case 'token': return [e.system ?? null, e.code ?? null, e.text ?? null, e.mask];
    case 'string': case 'uri': case 'number': return [e.value, e.mask];
    case 'date': return [e.low, e.high, e.mask];
    case 'quantity': return [e.value, e.system ?? null, e.code ?? null, e.mask];
    case 'reference': return [e.targetType ?? null, e.targetId ?? null, e.url ?? null, e.mask];
    case 'geo': return [e.lat, e.lng, e.mask];
  }
}

/** The view body holding a write's resource body, when the write says so and it holds. */
export function resourceInView(change: ResourceWrite): { viewBody: string; parts?: readonly string[]; cutStart: number; cutLength: number } | undefined {
  const cut = change.resourceInView;
  const body = change.resource.body;
  if (!cut || body === null) return undefined;
  const view = change.views.find((v) => v.profile === cut.profile);
  const viewBody = view?.body;
  if (!viewBody || !holdsBody(viewBody, cut, body)) return undefined;
  return { viewBody, ...(view.parts ? { parts: view.parts } : {}), cutStart: cut.cutStart, cutLength: cut.cutLength };
}

/** Whether `pieces` joined are exactly `text`. */
function piecesMake(pieces: readonly string[], text: string): boolean {
  // joined and compared whole: startsWith(piece, at) on a text built by concatenation (the renderer's)
  // cost ~1 µs a piece, a 12 KB Location's check ~40 µs against ~3 µs this way
  return pieces.join('') === text;
}

/** Index rows ([rid, pid, ...values]) by pid. */
function byPid(rows: unknown[][]): Map<number, unknown[][]> {
  const out = new Map<number, unknown[][]>();
  for (const row of rows) {
    const pid = Number(row[1]);
    const list = out.get(pid);
    if (list) list.push(row);
    else out.set(pid, [row]);
  }
  return out;
}

/** A row's values (after rid) as text: null, numbers and strings kept apart; a doubt only means a rewrite. */
function rowText(row: unknown[]): string {
  let out = '';
  for (let i = 1; i < row.length; i++) {
    const v = row[i];
    out += v === null || v === undefined ? '\u0000n' : typeof v === 'number' ? `\u0000#${v}` : `\u0000s${String(v).length}:${String(v)}`;
  }
  return out;
}

/** Rows of `prev` that `next` no longer has, and rows of `next` that `prev` did not have (as multisets):
 * both empty when they are the same rows in any order. */
function rowDifference(prev: unknown[][], next: unknown[][]): { removed: unknown[][]; added: unknown[][] } {
  if (prev.length === 0 || next.length === 0) return { removed: prev, added: next };
  if (prev.length === 1 && next.length === 1) {
    const same = rowText(prev[0]) === rowText(next[0]);
    return same ? { removed: [], added: [] } : { removed: prev, added: next };
  }
  const left = new Map<string, number>();
  for (const row of next) {
    const t = rowText(row);
    left.set(t, (left.get(t) ?? 0) + 1);
  }
  const removed: unknown[][] = [];
  for (const row of prev) {
    const t = rowText(row);
    const n = left.get(t) ?? 0;
    if (n > 0) left.set(t, n - 1);
    else removed.push(row);
  }
  const added = next.filter((row) => {
    const t = rowText(row);
    const n = left.get(t) ?? 0;
    if (n === 0) return false;
    left.set(t, n - 1);
    return true;
  });
  return { removed, added };
}

/**
 * The ids of the bodies stored by one change (a few: the resource and its changed views), found by
 * comparison. A Map would hash each body's text, 13.5 KB for a national Location, three times a PATCH;
 * identical bodies of one change are mostly one string, which `===` recognises at once.
 */
class BodyIds {
  private readonly bodies: string[] = [];
  private readonly ids: number[] = [];

  get(body: string): number | undefined {
    for (let i = 0; i < this.bodies.length; i++) if (this.bodies[i] === body) return this.ids[i];
    return undefined;
  }

  set(body: string, id: number): void {
    if (this.get(body) !== undefined) return;
    this.bodies.push(body);
    this.ids.push(id);
  }
}

/** How a writer identifies the bodies it stores. */
export interface SqlWriterOptions {
  /**
   * Bodies get the next body ids in turn and a surrogate digest derived from the id, instead of a sha-256
   * of their bytes looked up for an identical body: a view's body carries its own version and instant, so
   * two changes never store the same text, and identical bodies within one change are stored once anyway.
   * Saves hashing every body and a random insert into the digest index per body. Requires that nothing
   * else inserts bodies during the transaction (SQLite: the transaction holds the write lock, and every
   * body goes through this writer).
   */
  sequentialBodyIds?: boolean;
  /** Row ids of resources remembered between transactions (tx-read-cache.ts): a known resource's row is
   * updated without looking it up. */
  rids?: { rid(type: string, id: string): number | undefined; rememberRid(type: string, id: string, rid: number): void };
  /** Scoped index rows remembered between transactions (tx-read-cache.ts), kept current by this writer: a
   * capacity PATCH compares its rows without reading them again. With engine row ids only (SQLite). */
  indexRows?: IndexRowCache;
  /** The next body and part ids (sequentialBodyIds), remembered between transactions while nobody else
   * writes (tx-read-cache.ts): the writer reads and advances them instead of asking the tables' maxima at
   * each transaction. */
  nextIds?: NextIds;
  /**
   * Bodies given with their pieces (WrittenView.parts) are stored as parts (body-parts.ts): the ids of the
   * parts already stored, remembered between transactions (the adapter commits or rolls them back with
   * the transaction). With sequentialBodyIds only: part ids are assigned in turn the same way.
   */
  parts?: PartIds;
}

/** The digest column of a body stored with sequentialBodyIds: 0x00 then the body id (big-endian), 9
 * bytes, so it never equals a 32-byte sha-256 and successive bodies append to the digest index. */
export function surrogateDigest(bid: number): Buffer {
  const out = Buffer.alloc(9);
  out.writeBigUInt64BE(BigInt(bid), 1);
  return out;
}

export class SqlWriter {
  private readonly sql: Record<string, string>;
  /** The next body and part ids (sequentialBodyIds), read at the first body or new part of the transaction
   * unless the adapter remembers them (options.nextIds). */
  private readonly next: NextIds;

  /** Index rows carry an engine row id (SQLite): a changed row is deleted alone. */
  private readonly rowIds: boolean;

  constructor(private readonly q: Queryable, d: Dialect, private readonly params: ParamCatalog, private readonly options: SqlWriterOptions = {}) {
    this.rowIds = d.name === 'sqlite';
    this.next = options.nextIds ?? {};
    this.sql = {
      findRes: 'SELECT rid FROM res WHERE type = ? AND id = ?',
      // a row comes back only for a new resource (the common case of an import: one statement)
      insertRes: 'INSERT INTO res (type, id, version, last_updated, deleted) VALUES (?, ?, ?, ?, ?) ON CONFLICT (type, id) DO NOTHING RETURNING rid',
      updateRes: 'UPDATE res SET version = ?, last_updated = ?, deleted = ? WHERE rid = ?',
      history: `INSERT INTO resource_history (rid, version, last_updated, bid, cut_start, cut_length) VALUES (?, ?, ?, ?, ?, ?)
        ${d.upsert(['rid', 'version'], ['last_updated', 'bid', 'cut_start', 'cut_length'])}`,
      findBody: 'SELECT bid FROM bodies WHERE digest = ?',
      insertBody: 'INSERT INTO bodies (digest, body) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING RETURNING bid',
      lastBid: 'SELECT COALESCE(MAX(bid), 0) AS bid FROM bodies',
      insertBodyAt: 'INSERT INTO bodies (bid, digest, body, parts) VALUES (?, ?, ?, ?)',
      lastPart: 'SELECT COALESCE(MAX(part), 0) AS part FROM body_parts',
      insertPart: 'INSERT INTO body_parts (part, text) VALUES (?, ?)',
      view: `INSERT INTO views (rid, profile, version, last_updated, hash, bid) VALUES #
        ${d.upsert(['rid', 'profile'], ['version', 'last_updated', 'hash', 'bid'])}`,
      viewHistory: `INSERT INTO view_history (rid, profile, version, last_updated, hash, bid) VALUES #
        ${d.upsert(['rid', 'profile', 'version'], ['last_updated', 'hash', 'bid'])}`,
      putClient: `INSERT INTO clients (id, secret_hash, cu, write, egs, operator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ${d.upsert(['id'], ['secret_hash', 'cu', 'write', 'egs', 'operator', 'created_at'])}`,
      findClient: 'SELECT id FROM clients WHERE id = ?',
      deleteClient: 'DELETE FROM clients WHERE id = ?',
    };
  }

  async write(change: ResourceWrite): Promise<void> {
    const r = change.resource;
    if (!r.type || !r.id) throw new Error('a stored resource needs a type and an id');
    // bodies identical within this change (resource, views) are looked up once
    const bidOfBody = new BodyIds();
    let rid: number;
    let existing: boolean;
    // a row of `res` is never deleted: a remembered row id stays the resource's
    const knownRid = this.options.rids?.rid(r.type, r.id);
    if (change.resourceUnchanged) {
      const found = knownRid ?? (await this.q.get<{ rid: number }>(this.sql.findRes, [r.type, r.id]))?.rid;
      if (found === undefined) throw new Error(`${r.type}/${r.id} is not stored: it cannot be written as unchanged`);
      rid = Number(found);
      existing = true;
    } else {
      const deleted = r.body === null ? 1 : 0;
      const inserted = knownRid === undefined ? await this.q.get<{ rid: number }>(this.sql.insertRes, [r.type, r.id, r.version, r.lastUpdated, deleted]) : undefined;
      existing = !inserted;
      if (inserted) rid = Number(inserted.rid);
      else {
        rid = knownRid ?? Number((await this.q.get<{ rid: number }>(this.sql.findRes, [r.type, r.id]))!.rid);
        await this.q.run(this.sql.updateRes, [r.version, r.lastUpdated, deleted, rid]);
      }
      let resourceBid: number | null = null;
      let cut: [number, number] | [null, null] = [null, null];
      const inView = r.body === null ? undefined : resourceInView(change);
      if (inView) {
        // the resource is its view's text without the view's meta: that text is stored once
        resourceBid = await this.bodyId(inView.viewBody, inView.parts);
        bidOfBody.set(inView.viewBody, resourceBid);
        cut = [inView.cutStart, inView.cutLength];
      } else if (r.body !== null) {
        resourceBid = await this.bodyId(r.body);
        bidOfBody.set(r.body, resourceBid);
      }
      await this.q.run(this.sql.history, [rid, r.version, r.lastUpdated, resourceBid, ...cut]);
    }
    this.options.rids?.rememberRid(r.type, r.id, rid);

    const viewRows: unknown[][] = [];
    const profiles = new Set<number>();
    for (const v of change.views) {
      if (!Number.isInteger(v.profile) || v.profile < 0 || v.profile > 5) throw new Error(`invalid profile ${v.profile}`);
      if (profiles.has(v.profile)) throw new Error(`two views for profile ${v.profile}`);
      profiles.add(v.profile);
      let bid: number | null = null;
      if (v.body !== null) {
        bid = bidOfBody.get(v.body) ?? (await this.bodyId(v.body, v.parts));
        bidOfBody.set(v.body, bid);
      }
      viewRows.push([rid, v.profile, v.version, v.lastUpdated, v.hash, bid]);
    }
    if (viewRows.length) {
      // one multi-row statement each for the current views and their history
      const args = viewRows.flat();
      await this.q.run(this.multiRow('view', this.sql.view, 6, viewRows.length), args);
      await this.q.run(this.multiRow('viewHistory', this.sql.viewHistory, 6, viewRows.length), args);
    }

    if (change.index) {
      const byKind = new Map<IndexKind, unknown[][]>();
      for (const e of change.index) {
        if (!Number.isInteger(e.mask) || e.mask < 0 || e.mask > 63) throw new Error(`invalid index mask ${e.mask}`);
        const pid = this.params.cachedPid(r.type, e.param, e.kind) ?? (await this.params.ensure(this.q, r.type, e.param, e.kind));
        const rows = byKind.get(e.kind);
        const row = [rid, pid, ...indexValues(e)];
        if (rows) rows.push(row);
        else byKind.set(e.kind, [row]);
      }
      if (change.indexScope) {
        if (!existing) throw new Error(`${r.type}/${r.id}: an index scope needs a stored resource`);
        const scope = new Map<IndexKind, Set<number>>();
        for (const s of change.indexScope) {
          const pid = this.params.cachedPid(r.type, s.param, s.kind) ?? (await this.params.ensure(this.q, r.type, s.param, s.kind));
          scope.set(s.kind, (scope.get(s.kind) ?? new Set()).add(pid));
        }
        for (const [kind, rows] of byKind) {
          if (rows.some((row) => !scope.get(kind)?.has(Number(row[1])))) throw new Error(`${r.type}/${r.id}: an index row outside the index scope`);
        }
        await this.insertIndexRows(await this.dropChangedIndex(rid, byKind, scope));
      } else {
        this.options.indexRows?.forgetIndexRows(rid);
        await this.insertIndexRows(existing ? await this.dropChangedIndex(rid, byKind) : byKind);
      }
    }
  }

  private async insertIndexRows(byKind: Map<IndexKind, unknown[][]>): Promise<void> {
    for (const [kind, rows] of byKind) {
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const chunk = rows.slice(i, i + ROWS_PER_INSERT);
        await this.q.run(this.insertSql(kind, chunk.length), chunk.flat());
      }
    }
  }

  /**
   * Deletes the stored index rows of a resource that differ from the new ones, one (table, parameter) at a
   * time, and returns the rows to insert. A small change (a capacity update) then rewrites a few rows, not
   * all of them: reading the rows costs less than rewriting them and their two indexes, page by page.
   */
  private async dropChangedIndex(rid: number, byKind: Map<IndexKind, unknown[][]>, scope?: Map<IndexKind, Set<number>>): Promise<Map<IndexKind, unknown[][]>> {
    const toInsert = new Map<IndexKind, unknown[][]>();
    // with a scope, only its tables and parameters are compared
    for (const kind of scope ? scope.keys() : (Object.keys(INDEX_TABLES) as IndexKind[])) {
      const cols = INDEX_COLUMNS[kind];
      const pids = scope?.get(kind);
      // with a scope, only its parameters' rows are read (a Location has hundreds of token rows; a
      // capacity update compares a few), or taken from what this connection remembers of them
      const cache = pids && this.rowIds ? this.options.indexRows : undefined;
      const pidsKey = pids ? [...pids].join(',') : '';
      // [row id (SQLite; else undefined), the row's columns]
      let stored: [unknown, unknown[]][];
      const known = cache?.indexRows(rid, kind, pidsKey);
      if (known) stored = [...known];
      else {
        const rows = pids
          ? await this.q.all<Record<string, unknown>>(this.scopedSelectSql(kind, pids.size), [rid, ...pids])
          : await this.q.all<Record<string, unknown>>(this.indexSql(kind, 'select'), [rid]);
        stored = rows.map((row) => [row.row_id, cols.map((c) => row[c])]);
      }
      const wanted = byPid(byKind.get(kind) ?? []);
      const rowIds = new Map<unknown[], unknown>(stored.map(([rowId, values]) => [values, rowId]));
      const had = byPid(stored.map(([, values]) => values));
      // the rows as they are after this write, while every change is made in place (else: forgotten)
      let after: Map<unknown, unknown[]> | null = cache ? new Map(stored) : null;
      for (const pid of new Set([...wanted.keys(), ...had.keys()])) {
        if (pids && !pids.has(pid)) continue;
        const next = wanted.get(pid) ?? [];
        const prev = had.get(pid) ?? [];
        const diff = rowDifference(prev, next);
        if (diff.removed.length === 0 && diff.added.length === 0) continue;
        if (this.rowIds && diff.removed.length < prev.length) {
          // a few rows of many changed (one indicator's date among the Location's dozens): only those
          // are rewritten, not every row of the parameter and its index entries; a removed row takes an
          // added one's values in place (same rid and parameter: its (rid, pid) index entry is unchanged,
          // and the commit writes one page instead of three)
          const paired = Math.min(diff.removed.length, diff.added.length);
          for (let i = 0; i < paired; i++) {
            const rowId = rowIds.get(diff.removed[i]);
            await this.q.run(this.indexSql(kind, 'updateRow'), [...diff.added[i].slice(2), rowId]);
            after?.set(rowId, diff.added[i]);
          }
          for (const row of diff.removed.slice(paired)) {
            const rowId = rowIds.get(row);
            await this.q.run(this.indexSql(kind, 'deleteRow'), [rowId]);
            after?.delete(rowId);
          }
          if (diff.added.length > paired) {
            // remembered rows need the new rows' ids: inserted one at a time, their ids returned
            if (after) for (const row of diff.added.slice(paired)) after.set((await this.q.get<{ row_id: unknown }>(this.insertReturningSql(kind), row))!.row_id, row);
            else toInsert.set(kind, [...(toInsert.get(kind) ?? []), ...diff.added.slice(paired)]);
          }
          continue;
        }
        after = null;
        if (prev.length) await this.q.run(this.indexSql(kind, 'delete'), [rid, pid]);
        if (next.length) toInsert.set(kind, [...(toInsert.get(kind) ?? []), ...next]);
      }
      if (cache) {
        if (after) cache.rememberIndexRows(rid, kind, pidsKey, after);
        else cache.forgetIndexRows(rid);
      }
    }
    return toInsert;
  }

  private indexSql(kind: IndexKind, what: 'select' | 'delete' | 'deleteRow' | 'updateRow'): string {
    const key = `${what}:${kind}`;
    let text = this.sqlCache.get(key);
    if (!text) {
      const table = INDEX_TABLES[kind];
      text = what === 'select'
        ? `SELECT ${this.selectedColumns(kind)} FROM ${table} WHERE rid = ?`
        : what === 'delete' ? `DELETE FROM ${table} WHERE rid = ? AND pid = ?`
        : what === 'deleteRow' ? `DELETE FROM ${table} WHERE rowid = ?`
        // the values after (rid, pid), in INDEX_COLUMNS order
        : `UPDATE ${table} SET ${INDEX_COLUMNS[kind].slice(2).map((c) => `${c} = ?`).join(', ')} WHERE rowid = ?`;
      this.sqlCache.set(key, text);
    }
    return text;
  }

  /** INSERT of one index row that returns its row id (SQLite). */
  private insertReturningSql(kind: IndexKind): string {
    const key = `insertReturning:${kind}`;
    let text = this.sqlCache.get(key);
    if (!text) {
      text = `${insertIndexSql(kind, 1)} RETURNING rowid AS row_id`;
      this.sqlCache.set(key, text);
    }
    return text;
  }

  /** The columns of an index table, with the row's id where the engine has one (SQLite's rowid). */
  private selectedColumns(kind: IndexKind): string {
    return `${INDEX_COLUMNS[kind].join(', ')}${this.rowIds ? ', rowid AS row_id' : ''}`;
  }

  private readonly sqlCache = new Map<string, string>();

  /** SELECT of a resource's rows of `count` parameters in one index table. */
  private scopedSelectSql(kind: IndexKind, count: number): string {
    const key = `scoped:${kind}:${count}`;
    let text = this.sqlCache.get(key);
    if (!text) {
      text = `SELECT ${this.selectedColumns(kind)} FROM ${INDEX_TABLES[kind]} WHERE rid = ? AND pid IN (${Array(count).fill('?').join(', ')})`;
      this.sqlCache.set(key, text);
    }
    return text;
  }

  private insertSql(kind: IndexKind, rows: number): string {
    const key = `${kind}:${rows}`;
    let text = this.sqlCache.get(key);
    if (!text) this.sqlCache.set(key, (text = insertIndexSql(kind, rows)));
    return text;
  }

  /** `template` with its `#` replaced by `rows` tuples of `columns` placeholders. */
  private multiRow(name: string, template: string, columns: number, rows: number): string {
    const key = `${name}:${rows}`;
    let text = this.sqlCache.get(key);
    if (!text) {
      const tuple = `(${Array(columns).fill('?').join(', ')})`;
      this.sqlCache.set(key, (text = template.replace('#', Array(rows).fill(tuple).join(', '))));
    }
    return text;
  }

  private async bodyId(body: string, parts?: readonly string[]): Promise<number> {
    if (this.options.sequentialBodyIds) {
      this.next.bid ??= Number((await this.q.get<{ bid: number }>(this.sql.lastBid, []))!.bid) + 1;
      const bid = this.next.bid++;
      const list = parts && this.options.parts && body.length >= COMPOSITE_MIN_CHARS && piecesMake(parts, body) ? await this.partsList(parts, this.options.parts) : null;
      await this.q.run(this.sql.insertBodyAt, [bid, surrogateDigest(bid), list ? '' : body, list]);
      return bid;
    }
    const digest = bodyDigest(body);
    const inserted = await this.q.get<{ bid: number }>(this.sql.insertBody, [digest, body]);
    if (inserted) return Number(inserted.bid);
    return Number((await this.q.get<{ bid: number }>(this.sql.findBody, [digest]))!.bid);
  }

  /** The stored list of a body's pieces: the shared ones (odd positions, long list items: the renderer
   * left the short ones in the text between) as part ids (stored when new), the others inline. */
  private async partsList(pieces: readonly string[], ids: PartIds): Promise<string> {
    const list: PartsList = [];
    let literal = '';
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i % 2 === 0) {
        literal += piece;
        continue;
      }
      if (literal) list.push(literal);
      literal = '';
      let id = ids.get(piece);
      if (id === undefined) {
        this.next.part ??= Number((await this.q.get<{ part: number }>(this.sql.lastPart, []))!.part) + 1;
        id = this.next.part++;
        await this.q.run(this.sql.insertPart, [id, piece]);
        ids.add(piece, id);
      }
      list.push(id);
    }
    if (literal) list.push(literal);
    return JSON.stringify(list);
  }

  async putClient(c: ClientRecord): Promise<void> {
    await this.q.run(this.sql.putClient,
      [c.id, c.secretHash, c.cu, JSON.stringify(c.write), JSON.stringify(c.egs), c.operator ? 1 : 0, c.createdAt]);
  }

  async deleteClient(id: string): Promise<boolean> {
    const found = await this.q.get(this.sql.findClient, [id]);
    if (!found) return false;
    await this.q.run(this.sql.deleteClient, [id]);
    return true;
  }
}
