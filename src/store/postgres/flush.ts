// Applies buffered ResourceWrites in bulk, with the same result as applying them one by one in order
// (sql/writer.ts): the last write of a row wins, history rows are upserts, bodies are deduplicated by
// digest, and a resource's index rows are replaced as its writes say, in order (whole, or the rows of
// some parameters).
// Each table gets one statement fed with column arrays, so a flush costs a few round trips whatever
// the number of resources.
import type pg from 'pg';
import type { ResourceWrite } from '../contract.js';
import type { IndexEntry, IndexKind } from '../query.js';
import type { ParamCatalog } from '../sql/param-catalog.js';
import { bodyDigest, resourceInView } from '../sql/writer.js';
import { PgQueryable, pgQuery } from './connection.js';

const keyOf = (type: string, id: string) => `${type}\u0000${id}`;

/**
 * Rows from column arrays, each bound as ONE JSON text: node-postgres's own array literal encoding costs
 * ~0.2 ms per kilobyte of escaped text, JSON.stringify and the server's JSON parser a small fraction.
 */
export const rowsFrom = (columns: readonly [string, string][]): string =>
  `(SELECT ${columns.map(([name, type], i) => `c${i}::${type} AS ${name}`).join(', ')}
    FROM ROWS FROM (${columns.map(() => 'json_array_elements_text(?::json)').join(', ')}) AS u(${columns.map((_, i) => `c${i}`).join(', ')}))`;

const VIEW_COLUMNS: [string, string][] = [['rid', 'bigint'], ['profile', 'bigint'], ['version', 'bigint'], ['last_updated', 'bigint'], ['hash', 'text'], ['bid', 'bigint']];

const UPSERT_RES = `INSERT INTO res (type, id, version, last_updated, deleted)
  SELECT * FROM ${rowsFrom([['type', 'text'], ['id', 'text'], ['version', 'bigint'], ['last_updated', 'bigint'], ['deleted', 'bigint']])} s
  ON CONFLICT (type, id) DO UPDATE SET version = excluded.version, last_updated = excluded.last_updated, deleted = excluded.deleted`;

const FIND_RIDS = `SELECT r.rid, r.type, r.id FROM res r JOIN ${rowsFrom([['type', 'text'], ['id', 'text']])} k ON r.type = k.type AND r.id = k.id`;

// Bodies (most of the bytes of a flush) go as plain text parameters: no escaping on either side.
// A body already stored is not returned by the INSERT: FIND_BODIES looks those up (rare: identical bodies
// within a flush are deduplicated before).
const BODIES_PER_INSERT = 1000;
const insertBodiesSql = (rows: number): string =>
  `INSERT INTO bodies (digest, body) VALUES ${Array(rows).fill("(decode(?, 'hex'), ?)").join(', ')}
  ON CONFLICT (digest) DO NOTHING RETURNING bid, encode(digest, 'hex') AS d`;
const INSERT_BODIES = insertBodiesSql(BODIES_PER_INSERT);
const FIND_BODIES = `SELECT bid, encode(digest, 'hex') AS d FROM bodies WHERE digest IN (SELECT decode(value, 'hex') FROM json_array_elements_text(?::json))`;

const UPSERT_HISTORY = `INSERT INTO resource_history (rid, version, last_updated, bid, cut_start, cut_length)
  SELECT * FROM ${rowsFrom([['rid', 'bigint'], ['version', 'bigint'], ['last_updated', 'bigint'], ['bid', 'bigint'], ['cut_start', 'bigint'], ['cut_length', 'bigint']])} s
  ON CONFLICT (rid, version) DO UPDATE SET last_updated = excluded.last_updated, bid = excluded.bid,
    cut_start = excluded.cut_start, cut_length = excluded.cut_length`;

const UPSERT_VIEWS = `INSERT INTO views (rid, profile, version, last_updated, hash, bid)
  SELECT * FROM ${rowsFrom(VIEW_COLUMNS)} s
  ON CONFLICT (rid, profile) DO UPDATE SET version = excluded.version, last_updated = excluded.last_updated, hash = excluded.hash, bid = excluded.bid`;

const UPSERT_VIEW_HISTORY = `INSERT INTO view_history (rid, profile, version, last_updated, hash, bid)
  SELECT * FROM ${rowsFrom(VIEW_COLUMNS)} s
  ON CONFLICT (rid, profile, version) DO UPDATE SET last_updated = excluded.last_updated, hash = excluded.hash, bid = excluded.bid`;

interface KindSpec {
  table: string;
  /** Columns after (rid, pid) with their array types. */
  columns: [string, string][];
  values(e: IndexEntry): unknown[];
}

const KINDS: Record<IndexKind, KindSpec> = {
  token: { table: 'idx_token', columns: [['system', 'text'], ['code', 'text'], ['text', 'text'], ['mask', 'bigint']],
    values: (e) => e.kind === 'token' ? [e.system ?? null, e.code ?? null, e.text ?? null, e.mask] : [] },
  string: { table: 'idx_string', columns: [['value', 'text'], ['mask', 'bigint']], values: (e) => e.kind === 'string' ? [e.value, e.mask] : [] },
  uri: { table: 'idx_uri', columns: [['value', 'text'], ['mask', 'bigint']], values: (e) => e.kind === 'uri' ? [e.value, e.mask] : [] },
  number: { table: 'idx_number', columns: [['value', 'float8'], ['mask', 'bigint']], values: (e) => e.kind === 'number' ? [e.value, e.mask] : [] },
  date: { table: 'idx_date', columns: [['low', 'bigint'], ['high', 'bigint'], ['mask', 'bigint']],
    values: (e) => e.kind === 'date' ? [e.low, e.high, e.mask] : [] },
  quantity: { table: 'idx_quantity', columns: [['value', 'float8'], ['system', 'text'], ['code', 'text'], ['mask', 'bigint']],
    values: (e) => e.kind === 'quantity' ? [e.value, e.system ?? null, e.code ?? null, e.mask] : [] },
  reference: { table: 'idx_reference', columns: [['target_type', 'text'], ['target_id', 'text'], ['url', 'text'], ['mask', 'bigint']],
    values: (e) => e.kind === 'reference' ? [e.targetType ?? null, e.targetId ?? null, e.url ?? null, e.mask] : [] },
  geo: { table: 'idx_geo', columns: [['lat', 'float8'], ['lng', 'float8'], ['mask', 'bigint']], values: (e) => e.kind === 'geo' ? [e.lat, e.lng, e.mask] : [] },
};

const KIND_NAMES = Object.keys(KINDS) as IndexKind[];

/** The index rows a flush leaves to a resource: every row (`whole`), or those of the `scope` parameters. */
interface IndexPlan {
  type: string;
  id: string;
  whole: boolean;
  scope: Map<string, IndexKind>;
  rows: IndexEntry[];
}

/** One statement deleting the index rows of (resource, parameter) pairs in every index table. */
const DELETE_SCOPED_INDEX = `WITH ${KIND_NAMES.map((k, i) => `d${i} AS (DELETE FROM ${KINDS[k].table} WHERE (rid, pid) IN (SELECT (e->>0)::bigint, (e->>1)::bigint FROM json_array_elements(?::json) e))`).join(', ')} SELECT 1`;

/** One statement deleting the index rows of many resources in every index table. */
const DELETE_INDEX = `WITH ${KIND_NAMES.map((k, i) => `d${i} AS (DELETE FROM ${KINDS[k].table} WHERE rid IN (SELECT value::bigint FROM json_array_elements_text(?::json)))`).join(', ')} SELECT 1`;

const insertIndexSql = (kind: IndexKind): string => {
  const spec = KINDS[kind];
  const columns: [string, string][] = [['rid', 'bigint'], ['pid', 'bigint'], ...spec.columns];
  return `INSERT INTO ${spec.table} (${columns.map((c) => c[0]).join(', ')}) SELECT * FROM ${rowsFrom(columns)} s`;
};
const INSERT_INDEX = Object.fromEntries(KIND_NAMES.map((k) => [k, insertIndexSql(k)])) as Record<IndexKind, string>;

/** Column arrays of `width` columns, filled row by row. */
class Columns {
  readonly cols: unknown[][];
  constructor(width: number) {
    this.cols = Array.from({ length: width }, () => []);
  }
  push(row: readonly unknown[]): void {
    for (let i = 0; i < row.length; i++) this.cols[i].push(row[i]);
  }
  get size(): number {
    return this.cols[0].length;
  }
  /** The bound values: one JSON array text per column. */
  get json(): string[] {
    return this.cols.map((c) => JSON.stringify(c));
  }
}

export async function flushWrites(client: pg.PoolClient, params: ParamCatalog, writes: readonly ResourceWrite[]): Promise<void> {
  const q = new PgQueryable(client);

  // 1. resource rows: the last write of each resource (writes marked unchanged leave the row alone)
  const lastRes = new Map<string, ResourceWrite['resource']>();
  const keys = new Map<string, { type: string; id: string }>();
  for (const w of writes) {
    const k = keyOf(w.resource.type, w.resource.id);
    keys.set(k, { type: w.resource.type, id: w.resource.id });
    if (!w.resourceUnchanged) lastRes.set(k, w.resource);
  }
  if (lastRes.size) {
    const res = new Columns(5);
    for (const r of lastRes.values()) res.push([r.type, r.id, r.version, r.lastUpdated, r.body === null ? 1 : 0]);
    await q.run(UPSERT_RES, res.json);
  }
  const rids = new Map<string, number>();
  const keyCols = new Columns(2);
  for (const { type, id } of keys.values()) keyCols.push([type, id]);
  for (const row of await pgQuery<{ rid: number; type: string; id: string }>(client, FIND_RIDS, keyCols.json)) {
    rids.set(keyOf(row.type, row.id), Number(row.rid));
  }
  const ridOf = (type: string, id: string): number => {
    const rid = rids.get(keyOf(type, id));
    if (rid === undefined) throw new Error(`${type}/${id} is not stored: it cannot be written as unchanged`);
    return rid;
  };

  // 2. bodies, deduplicated by digest
  const digestOf = new Map<string, string>();
  const bodies = new Columns(2);
  const addBody = (body: string | null) => {
    if (body === null || digestOf.has(body)) return;
    const d = bodyDigest(body).toString('hex');
    digestOf.set(body, d);
    bodies.push([d, body]);
  };
  // a resource body held by one of its views (resourceInView) is stored as that view's text
  const inView = new Map<ResourceWrite, NonNullable<ReturnType<typeof resourceInView>>>();
  for (const w of writes) {
    const held = w.resourceUnchanged ? undefined : resourceInView(w);
    if (held) inView.set(w, held);
    else if (!w.resourceUnchanged) addBody(w.resource.body);
    for (const v of w.views) addBody(v.body);
  }
  const bidOfDigest = new Map<string, number>();
  if (bodies.size) {
    const [digests, texts] = bodies.cols as [string[], string[]];
    for (let i = 0; i < digests.length; i += BODIES_PER_INSERT) {
      const n = Math.min(BODIES_PER_INSERT, digests.length - i);
      const args: string[] = [];
      for (let j = i; j < i + n; j++) args.push(digests[j], texts[j]);
      const text = n === BODIES_PER_INSERT ? INSERT_BODIES : insertBodiesSql(n);
      for (const row of await pgQuery<{ bid: number; d: string }>(client, text, args)) bidOfDigest.set(row.d, Number(row.bid));
    }
    const known = (bodies.cols[0] as string[]).filter((d) => !bidOfDigest.has(d));
    if (known.length) {
      for (const row of await pgQuery<{ bid: number; d: string }>(client, FIND_BODIES, [JSON.stringify(known)])) bidOfDigest.set(row.d, Number(row.bid));
    }
  }
  const bidOf = (body: string | null): number | null => (body === null ? null : bidOfDigest.get(digestOf.get(body)!)!);

  // 3. resource history: one row per (rid, version), the last write wins
  const history = new Map<string, unknown[]>();
  for (const w of writes) {
    if (w.resourceUnchanged) continue;
    const r = w.resource;
    const rid = ridOf(r.type, r.id);
    const held = inView.get(w);
    history.set(`${rid}:${r.version}`, held
      ? [rid, r.version, r.lastUpdated, bidOf(held.viewBody), held.cutStart, held.cutLength]
      : [rid, r.version, r.lastUpdated, bidOf(r.body), null, null]);
  }
  if (history.size) {
    const cols = new Columns(6);
    for (const row of history.values()) cols.push(row);
    await q.run(UPSERT_HISTORY, cols.json);
  }

  // 4. views: history rows per (rid, profile, version); the current row per (rid, profile) is the last one
  const viewHistory = new Map<string, unknown[]>();
  const currentView = new Map<string, string>();
  for (const w of writes) {
    const rid = w.views.length ? ridOf(w.resource.type, w.resource.id) : 0;
    for (const v of w.views) {
      const hk = `${rid}:${v.profile}:${v.version}`;
      viewHistory.delete(hk); // re-inserted last: Map order = write order
      viewHistory.set(hk, [rid, v.profile, v.version, v.lastUpdated, v.hash, bidOf(v.body)]);
      currentView.set(`${rid}:${v.profile}`, hk);
    }
  }
  if (viewHistory.size) {
    const current = new Set(currentView.values());
    const historyCols = new Columns(6);
    const currentCols = new Columns(6);
    for (const [hk, row] of viewHistory) {
      historyCols.push(row);
      if (current.has(hk)) currentCols.push(row);
    }
    await q.run(UPSERT_VIEWS, currentCols.json);
    await q.run(UPSERT_VIEW_HISTORY, historyCols.json);
  }

  // 5. index, in write order per resource: a write without a scope replaces every row of the resource; a
  // scoped one replaces the rows of its parameters and keeps the others
  const plans = new Map<string, IndexPlan>();
  for (const w of writes) {
    if (!w.index) continue;
    const { type, id } = w.resource;
    const key = keyOf(type, id);
    if (!w.indexScope) {
      plans.set(key, { type, id, whole: true, scope: new Map(), rows: [...w.index] });
      continue;
    }
    const prior = plans.get(key);
    const names = new Set(w.indexScope.map((x) => x.param));
    const scope = new Map(prior?.scope ?? []);
    for (const x of w.indexScope) scope.set(x.param, x.kind);
    plans.set(key, { type, id, whole: prior?.whole ?? false, scope, rows: [...(prior?.rows ?? []).filter((e) => !names.has(e.param)), ...w.index] });
  }
  if (plans.size) {
    const replaced: number[] = [];
    const scoped: [number, number][] = [];
    const byKind = new Map<IndexKind, Columns>();
    for (const { type, id, whole, scope, rows } of plans.values()) {
      const rid = ridOf(type, id);
      if (whole) replaced.push(rid);
      else for (const [param, kind] of scope) scoped.push([rid, await params.ensure(q, type, param, kind)]);
      for (const e of rows) {
        const spec = KINDS[e.kind];
        let cols = byKind.get(e.kind);
        if (!cols) byKind.set(e.kind, (cols = new Columns(2 + spec.columns.length)));
        cols.push([rid, await params.ensure(q, type, e.param, e.kind), ...spec.values(e)]);
      }
    }
    if (replaced.length) {
      const replacedJson = JSON.stringify(replaced);
      await q.run(DELETE_INDEX, KIND_NAMES.map(() => replacedJson));
    }
    if (scoped.length) {
      const scopedJson = JSON.stringify(scoped);
      await q.run(DELETE_SCOPED_INDEX, KIND_NAMES.map(() => scopedJson));
    }
    for (const [kind, cols] of byKind) await q.run(INSERT_INDEX[kind], cols.json);
  }
}

