// Compiles a SearchQuery (../query.ts) to one SQL query (plus an optional COUNT) in neutral SQL.
//
// Visibility, everywhere (top level, chains, _has, hierarchy, sort keys, totals): an index row counts only
// if its mask has the profile's bit, and a resource counts only if it is not deleted and its current view
// for the profile exists (views row with a body). _lastUpdated and asOf read the profile's view.
//
// Comparators (row range [rl, rh]: a date's inclusive range, a number/quantity/instant as a point;
// search range [low, high]):
//   eq  rl >= low AND rh <= high   (number/quantity: low <= v < high, or v = low when low === high)
//   ne  NOT eq                     gt  rh > high      lt  rl < low
//   ge  rh >= low                  le  rl <= high     sa  rl > high      eb  rh < low
//   ap  the ranges overlap (the caller widens the search range by its approximation margin)
// Tokens: system undefined = any system, null = no system. `not` = no visible matching row.
// Sorting: ascending on the minimum visible value, descending on the maximum (dates: low / high); rows
// without a visible value sort last; ties broken by id ascending. Keyset paging on (sort values, id).
// hierarchy: the start ids themselves are included (FHIR :above / :below semantics), visible ones only.
import type { Comparator, Predicate, SearchQuery, SortKey } from '../query.js';
import type { Dialect } from './dialect.js';
import { prefixUpperBound } from './dialect.js';
import { FALSE, join, raw, Sql, sql, TRUE, withArgs } from './fragment.js';
import type { ParamLookup } from './param-catalog.js';

export interface CompiledSearch {
  /** Selects `id` and `s0..sN` (sort values), ordered, limited to count + 1. */
  select: Sql;
  /** Selects `n`, the number of visible matches (only when query.total). */
  total?: Sql;
  /** `select` whose rows also carry the total in column TOTAL_COLUMN (only when query.total and every
   * match is read anyway): one pass instead of two. A page with no row carries none: run `total`. */
  selectWithTotal?: Sql;
  sortCount: number;
}

export const TOTAL_COLUMN = 'ror_window_total';

/** Every (type, param) the query refers to, for ParamCatalog.resolve. */
export function paramRefs(q: SearchQuery): { type: string; param: string }[] {
  const out: { type: string; param: string }[] = [];
  const walk = (type: string, preds: readonly Predicate[]): void => {
    for (const p of preds) {
      switch (p.op) {
        case 'id': case 'lastUpdated': break;
        case 'or': walk(type, p.any); break;
        case 'not': walk(type, [p.predicate]); break;
        case 'chain': out.push({ type, param: p.param }); walk(p.targetType, p.where); break;
        case 'has': out.push({ type: p.type, param: p.param }); walk(p.type, p.where); break;
        default: out.push({ type, param: p.param });
      }
    }
  };
  walk(q.type, q.where);
  for (const s of q.sort) if (s.param !== '_id' && s.param !== '_lastUpdated') out.push({ type: q.type, param: s.param });
  return out;
}

interface Scope {
  type: string;
  /** Alias of the res row and of its views row for the profile. */
  res: string;
  view: string;
}

export function compileSearch(q: SearchQuery, d: Dialect, params: ParamLookup): CompiledSearch {
  if (!Number.isInteger(q.profile) || q.profile < 0 || q.profile > 5) throw new Error(`invalid profile ${q.profile}`);
  if (!Number.isInteger(q.count) || q.count < 0) throw new Error(`invalid count ${q.count}`);
  const c = new Compiler(q.profile, d, params);
  const top: Scope = { type: q.type, res: 'r', view: 'v' };
  const filters: Sql[] = [sql`r.type = ${q.type}`, raw('r.deleted = 0')];
  if (q.asOf !== undefined) filters.push(sql`v.last_updated <= ${q.asOf}`);
  filters.push(...c.conjunction(q.where, top));
  const from = sql`FROM res r JOIN views v ON v.rid = r.rid AND v.profile = ${raw(String(q.profile))} AND v.bid IS NOT NULL WHERE ${join(filters, ' AND ')}`;

  const sortExprs = q.sort.map((s) => c.sortExpr(s, top));
  const cols = join([raw('r.id AS id'), ...sortExprs.map((e, i) => sql`${e} AS s${raw(String(i))}`)], ', ');
  const order = join([...q.sort.flatMap((s, i) => [raw(`(s${i} IS NULL)`), raw(`s${i} ${s.descending ? 'DESC' : 'ASC'}`)]), raw('id ASC')], ', ');
  const keyset = q.after ? afterCursor(q.sort, q.after) : TRUE;
  const page = (columns: Sql) => sql`SELECT * FROM (SELECT ${columns} ${from}) q WHERE ${keyset} ORDER BY ${order} ${withArgs(d.limit(), q.count + 1)}`;
  const select = page(cols);
  const total = q.total ? sql`SELECT COUNT(*) AS n ${from}` : undefined;
  // With a filter the matches come from index lists in no useful order, so they are all read and sorted
  // anyway and a window count costs one more pass over them; without one, the page may stop early.
  const selectWithTotal = q.total && q.where.length > 0 ? page(join([cols, raw(`COUNT(*) OVER () AS ${TOTAL_COLUMN}`)], ', ')) : undefined;
  return { select, total, selectWithTotal, sortCount: q.sort.length };
}

/** Rows strictly after the cursor in (sort keys with nulls last, id) order. */
function afterCursor(sort: readonly SortKey[], after: NonNullable<SearchQuery['after']>): Sql {
  if (after.values.length !== sort.length) throw new Error('cursor does not match the sort');
  const alternatives: Sql[] = [];
  const equalSoFar: Sql[] = [];
  sort.forEach((s, i) => {
    const col = raw(`s${i}`);
    const v = after.values[i];
    if (v !== null) {
      const beyond = s.descending ? sql`${col} < ${v}` : sql`${col} > ${v}`;
      alternatives.push(join([...equalSoFar, sql`(${col} IS NULL OR ${beyond})`], ' AND '));
      equalSoFar.push(sql`${col} = ${v}`);
    } else {
      equalSoFar.push(sql`${col} IS NULL`);
    }
  });
  alternatives.push(join([...equalSoFar, sql`id > ${after.id}`], ' AND '));
  return sql`(${join(alternatives.map((a) => sql`(${a})`), ' OR ')})`;
}

const KIND_TABLE = {
  token: 'idx_token', string: 'idx_string', uri: 'idx_uri', number: 'idx_number', date: 'idx_date',
  quantity: 'idx_quantity', reference: 'idx_reference', geo: 'idx_geo',
} as const;

/** Degrees of latitude per km (bounding-box prefilter of geo-near). */
const DEG_PER_KM = 1 / 111.32;

class Compiler {
  private n = 0;
  private readonly mask: string;
  private readonly profile: Sql;

  constructor(profile: number, private readonly d: Dialect, private readonly params: ParamLookup) {
    this.mask = String(1 << profile);
    this.profile = raw(String(profile));
  }

  /** The subquery of each `rid IN (subquery)` fragment made by inSet, so that an AND of them can be
   * turned into one intersection. */
  private readonly sets = new WeakMap<Sql, Sql>();

  private alias(prefix: string): string {
    return `${prefix}${++this.n}`;
  }

  private visible(alias: string): Sql {
    return raw(this.d.hasBit(`${alias}.mask`, this.mask));
  }

  /** `views` join making resource alias `res` visible to the profile. */
  private visibleView(res: string, view: string): Sql {
    return sql`JOIN views ${raw(view)} ON ${raw(view)}.rid = ${raw(res)}.rid AND ${raw(view)}.profile = ${this.profile} AND ${raw(view)}.bid IS NOT NULL`;
  }

  private pid(type: string, param: string, kind?: string): number | undefined {
    const info = this.params(type, param);
    if (!info) return undefined;
    if (kind && info.kind !== kind) throw new Error(`search parameter ${type}.${param} is ${info.kind}, not ${kind}`);
    return info.pid;
  }

  /** `res.rid [NOT] IN (SELECT x.rid FROM table x WHERE pid AND visible AND cond)`; unknown param = no row. */
  private rows(scope: Scope, kind: keyof typeof KIND_TABLE, param: string, cond: (x: string) => Sql, negate = false): Sql {
    const pid = this.pid(scope.type, param, kind);
    if (pid === undefined) return negate ? TRUE : FALSE;
    const x = this.alias('x');
    const sub = sql`SELECT ${raw(x)}.rid FROM ${raw(KIND_TABLE[kind])} ${raw(x)} WHERE ${raw(x)}.pid = ${pid} AND ${cond(x)} AND ${this.visible(x)}`;
    return negate ? sql`${raw(scope.res)}.rid NOT IN (${sub})` : this.inSet(scope, sub);
  }

  /** `res.rid IN (sub)`, remembered as a set (see conjunction). `sub` must not refer to the scope. */
  private inSet(scope: Scope, sub: Sql): Sql {
    const out = sql`${raw(scope.res)}.rid IN (${sub})`;
    this.sets.set(out, sub);
    return out;
  }

  /**
   * An AND of predicates. Where the dialect asks for it, two or more of them that are sets of rows become
   * one `rid IN (A INTERSECT B …)`: SQLite would otherwise walk the whole first list (the 12,435 offers of a
   * specialty nationally) and probe the others, where the intersection starts from the matches.
   */
  conjunction(preds: readonly Predicate[], scope: Scope): Sql[] {
    const compiled = preds.map((p) => this.predicate(p, scope));
    const sets = compiled.filter((c) => this.sets.has(c));
    if (!this.d.intersectSets || sets.length < 2) return compiled;
    const intersection = sql`${raw(scope.res)}.rid IN (${join(sets.map((c) => this.sets.get(c)!), ' INTERSECT ')})`;
    return [...compiled.filter((c) => !this.sets.has(c)), intersection];
  }

  predicate(p: Predicate, scope: Scope): Sql {
    const d = this.d;
    switch (p.op) {
      case 'token':
        return this.rows(scope, 'token', p.param, (x) => {
          const parts: Sql[] = [];
          if (p.code !== undefined) parts.push(sql`${raw(x)}.code = ${p.code}`);
          if (p.system === null) parts.push(raw(`${x}.system IS NULL`));
          else if (p.system !== undefined) parts.push(sql`${raw(x)}.system = ${p.system}`);
          if (p.textContains !== undefined) parts.push(withArgs(d.contains(`${x}.text`, '?'), p.textContains));
          return parts.length ? join(parts, ' AND ') : TRUE;
        }, p.not === true);
      case 'string':
        return this.rows(scope, 'string', p.param, (x) => textMatch(d, `${x}.value`, p.mode, p.value));
      case 'uri':
        return this.rows(scope, 'uri', p.param, (x) =>
          p.mode === 'above' ? withArgs(d.startsWith('?', `${x}.value`), p.value) : textMatch(d, `${x}.value`, p.mode === 'below' ? 'prefix' : 'exact', p.value));
      case 'number':
        return this.rows(scope, 'number', p.param, (x) => range(p.cmp, `${x}.value`, `${x}.value`, p.low, p.high, true));
      case 'quantity':
        return this.rows(scope, 'quantity', p.param, (x) => {
          const parts = [range(p.cmp, `${x}.value`, `${x}.value`, p.low, p.high, true)];
          if (p.system === null) parts.push(raw(`${x}.system IS NULL`));
          else if (p.system !== undefined) parts.push(sql`${raw(x)}.system = ${p.system}`);
          if (p.code !== undefined && p.code !== null) parts.push(sql`${raw(x)}.code = ${p.code}`);
          return join(parts, ' AND ');
        });
      case 'date':
        return this.rows(scope, 'date', p.param, (x) => range(p.cmp, `${x}.low`, `${x}.high`, p.low, p.high, false));
      case 'reference':
        return this.rows(scope, 'reference', p.param, (x) =>
          p.targetType === undefined ? sql`${raw(x)}.target_id = ${p.targetId}` : sql`${raw(x)}.target_id = ${p.targetId} AND ${raw(x)}.target_type = ${p.targetType}`);
      case 'missing': {
        const info = this.params(scope.type, p.param);
        if (!info) return p.missing ? TRUE : FALSE;
        // probed per candidate through the (rid, pid) index: absence cannot drive a search anyway
        const x = this.alias('x');
        const exists = sql`EXISTS (SELECT 1 FROM ${raw(KIND_TABLE[info.kind])} ${raw(x)} WHERE ${raw(x)}.rid = ${raw(scope.res)}.rid AND ${raw(x)}.pid = ${info.pid} AND ${this.visible(x)})`;
        return p.missing ? sql`NOT ${exists}` : exists;
      }
      case 'geo-near':
        return this.rows(scope, 'geo', p.param, (x) => this.near(x, p.lat, p.lng, p.km));
      case 'id': {
        const cond = withArgs(d.inList(`${scope.res}.id`, '?'), d.listValue(p.ids));
        return p.not ? sql`NOT (${cond})` : cond;
      }
      case 'lastUpdated':
        return range(p.cmp, `${scope.view}.last_updated`, `${scope.view}.last_updated`, p.low, p.high, false);
      case 'chain':
        return this.chain(p, scope);
      case 'has':
        return this.has(p, scope);
      case 'hierarchy':
        return this.hierarchy(p, scope);
      case 'or':
        return p.any.length ? sql`(${join(p.any.map((a) => sql`(${this.predicate(a, scope)})`), ' OR ')})` : FALSE;
      case 'not':
        return sql`NOT (${this.predicate(p.predicate, scope)})`;
    }
  }

  private near(x: string, lat: number, lng: number, km: number): Sql {
    const dLat = km * DEG_PER_KM;
    const cosLat = Math.cos((lat * Math.PI) / 180);
    const dLng = cosLat > 1e-6 ? dLat / cosLat : 360;
    const box: Sql[] = [sql`${raw(x)}.lat BETWEEN ${lat - dLat} AND ${lat + dLat}`];
    if (lng - dLng >= -180 && lng + dLng <= 180) box.push(sql`${raw(x)}.lng BETWEEN ${lng - dLng} AND ${lng + dLng}`);
    const here = this.alias('g');
    const dist = this.d.distanceKm(`${x}.lat`, `${x}.lng`, `${here}.lat`, `${here}.lng`);
    return sql`${join(box, ' AND ')} AND EXISTS (SELECT 1 FROM (SELECT ${lat} AS lat, ${lng} AS lng) ${raw(here)} WHERE ${raw(dist)} <= ${km})`;
  }

  private chain(p: Extract<Predicate, { op: 'chain' }>, scope: Scope): Sql {
    const pid = this.pid(scope.type, p.param, 'reference');
    if (pid === undefined) return FALSE;
    const ref = this.alias('ref'), t = this.alias('t'), tv = this.alias('tv');
    const target: Scope = { type: p.targetType, res: t, view: tv };
    const conds = [
      sql`${raw(ref)}.pid = ${pid}`, this.visible(ref), sql`${raw(ref)}.target_type = ${p.targetType}`, raw(`${t}.deleted = 0`),
      ...this.conjunction(p.where, target),
    ];
    return this.inSet(scope, sql`SELECT ${raw(ref)}.rid FROM idx_reference ${raw(ref)} JOIN res ${raw(t)} ON ${raw(t)}.type = ${raw(ref)}.target_type AND ${raw(t)}.id = ${raw(ref)}.target_id ${this.visibleView(t, tv)} WHERE ${join(conds, ' AND ')}`);
  }

  private has(p: Extract<Predicate, { op: 'has' }>, scope: Scope): Sql {
    const pid = this.pid(p.type, p.param, 'reference');
    if (pid === undefined) return FALSE;
    const ref = this.alias('ref'), s = this.alias('s'), sv = this.alias('sv'), t = this.alias('t');
    const source: Scope = { type: p.type, res: s, view: sv };
    const conds = [
      sql`${raw(ref)}.pid = ${pid}`, this.visible(ref), sql`${raw(ref)}.target_type = ${scope.type}`,
      sql`${raw(s)}.type = ${p.type}`, raw(`${s}.deleted = 0`),
      ...this.conjunction(p.where, source),
    ];
    // an IN list (not a correlated EXISTS) lets the planner start from the referencing resources
    return this.inSet(scope, sql`SELECT ${raw(t)}.rid FROM idx_reference ${raw(ref)} JOIN res ${raw(s)} ON ${raw(s)}.rid = ${raw(ref)}.rid ${this.visibleView(s, sv)} JOIN res ${raw(t)} ON ${raw(t)}.type = ${raw(ref)}.target_type AND ${raw(t)}.id = ${raw(ref)}.target_id WHERE ${join(conds, ' AND ')}`);
  }

  private hierarchy(p: Extract<Predicate, { op: 'hierarchy' }>, scope: Scope): Sql {
    const pid = this.pid(scope.type, p.param, 'reference');
    const h = this.alias('h'), s = this.alias('s'), sv = this.alias('sv');
    const start = sql`SELECT ${raw(s)}.rid, ${raw(s)}.id FROM res ${raw(s)} ${this.visibleView(s, sv)} WHERE ${raw(s)}.type = ${scope.type} AND ${raw(s)}.deleted = 0 AND ${withArgs(this.d.inList(`${s}.id`, '?'), this.d.listValue(p.ids))}`;
    if (pid === undefined) return sql`${raw(scope.res)}.rid IN (SELECT rid FROM (${start}) ${raw(h)})`;
    const ref = this.alias('ref'), n = this.alias('n'), nv = this.alias('nv');
    const step = p.direction === 'below'
      // children: resources whose param references a member
      ? sql`SELECT ${raw(n)}.rid, ${raw(n)}.id FROM ${raw(h)} JOIN idx_reference ${raw(ref)} ON ${raw(ref)}.target_id = ${raw(h)}.id AND ${raw(ref)}.target_type = ${scope.type} AND ${raw(ref)}.pid = ${pid} AND ${this.visible(ref)} JOIN res ${raw(n)} ON ${raw(n)}.rid = ${raw(ref)}.rid ${this.visibleView(n, nv)} WHERE ${raw(n)}.deleted = 0`
      // parents: what a member's param references
      : sql`SELECT ${raw(n)}.rid, ${raw(n)}.id FROM ${raw(h)} JOIN idx_reference ${raw(ref)} ON ${raw(ref)}.rid = ${raw(h)}.rid AND ${raw(ref)}.pid = ${pid} AND ${this.visible(ref)} JOIN res ${raw(n)} ON ${raw(n)}.type = ${raw(ref)}.target_type AND ${raw(n)}.id = ${raw(ref)}.target_id ${this.visibleView(n, nv)} WHERE ${raw(ref)}.target_type = ${scope.type} AND ${raw(n)}.deleted = 0`;
    return sql`${raw(scope.res)}.rid IN (WITH RECURSIVE ${raw(h)}(rid, id) AS (${start} UNION ${step}) SELECT rid FROM ${raw(h)})`;
  }

  sortExpr(s: SortKey, scope: Scope): Sql {
    if (s.param === '_id') return raw(`${scope.res}.id`);
    if (s.param === '_lastUpdated') return raw(`${scope.view}.last_updated`);
    const info = this.params(scope.type, s.param);
    if (!info || info.kind === 'geo') return raw('NULL');
    const col = { token: 'code', string: 'value', uri: 'value', number: 'value', quantity: 'value', reference: 'target_id',
      date: s.descending ? 'high' : 'low' }[info.kind];
    const x = this.alias('x');
    // pid unindexed: otherwise MIN/MAX may walk the (pid, value) index instead of this resource's rows
    return sql`(SELECT ${raw(s.descending ? 'MAX' : 'MIN')}(${raw(x)}.${raw(col)}) FROM ${raw(KIND_TABLE[info.kind])} ${raw(x)} WHERE ${raw(x)}.rid = ${raw(scope.res)}.rid AND ${raw(this.d.unindexed(`${x}.pid`))} = ${info.pid} AND ${this.visible(x)})`;
  }
}

function textMatch(d: Dialect, col: string, mode: 'prefix' | 'exact' | 'contains', value: string): Sql {
  if (mode === 'exact') return sql`${raw(col)} = ${value}`;
  if (mode === 'prefix') return sql`${raw(col)} >= ${value} AND ${raw(col)} < ${prefixUpperBound(value)}`;
  return withArgs(d.contains(col, '?'), value);
}

/** Row range [lo, hi] against search range [low, high] (see the header). */
function range(cmp: Comparator, lo: string, hi: string, low: number, high: number, halfOpen: boolean): Sql {
  const L = raw(lo), H = raw(hi);
  const open = halfOpen && low !== high;
  switch (cmp) {
    case 'eq': return open ? sql`(${L} >= ${low} AND ${H} < ${high})` : sql`(${L} >= ${low} AND ${H} <= ${high})`;
    case 'ne': return open ? sql`(${L} < ${low} OR ${H} >= ${high})` : sql`(${L} < ${low} OR ${H} > ${high})`;
    case 'gt': return sql`${H} > ${high}`;
    case 'lt': return sql`${L} < ${low}`;
    case 'ge': return sql`${H} >= ${low}`;
    case 'le': return sql`${L} <= ${high}`;
    case 'sa': return sql`${L} > ${high}`;
    case 'eb': return sql`${H} < ${low}`;
    case 'ap': return open ? sql`(${H} >= ${low} AND ${L} < ${high})` : sql`(${H} >= ${low} AND ${L} <= ${high})`;
  }
}
