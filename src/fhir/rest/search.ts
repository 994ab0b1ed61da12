// Search over the caller's view: the parsed query is evaluated by the store under the caller's profile
// mask, so hidden values never match, sort or count; includes only reach resources that exist for it.

import type { Store } from '../../store/contract.js';
import { parseSearch, type IncludeSpec } from '../search/index.js';
import { FhirError } from '../errors.js';
import { checkTypeAndId } from './read.js';
import { searchBundle, type BundleEntry } from './bundle.js';
import { subsetBody } from './subset.js';
import type { Caller, FhirResponse, SearchRequest } from './types.js';

const MAX_INCLUDED = 1000;
const MAX_ITERATE_DEPTH = 4;

interface Cursor {
  v: (string | number | null)[];
  id: string;
}

function decodeCursor(value: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Cursor;
    if (Array.isArray(c.v) && typeof c.id === 'string') return c;
  } catch {
    /* reported below */
  }
  throw new FhirError(400, 'invalid', `Invalid paging cursor '_cursor'`);
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');

function linkUrl(base: string, type: string, params: [string, string][]): string {
  const q = new URLSearchParams(params).toString();
  return `${base}/${type}${q ? `?${q}` : ''}`;
}

export async function search(store: Store, caller: Caller, req: SearchRequest): Promise<FhirResponse> {
  checkTypeAndId(req.type);
  const cursorParam = req.params.find(([k]) => k === '_cursor');
  const params = req.params.filter(([k]) => k !== '_cursor');
  const parsed = parseSearch(req.type, params, { profile: caller.profile, lenient: req.lenient });
  const query = parsed.query;
  if (cursorParam) {
    const c = decodeCursor(cursorParam[1]);
    if (c.v.length !== query.sort.length) throw new FhirError(400, 'invalid', 'The paging cursor does not match the _sort of this search');
    query.after = { values: c.v, id: c.id };
  }
  const countOnly = parsed.summary === 'count';
  if (countOnly) query.count = 0;
  query.total = countOnly || parsed.totalMode !== 'none';

  const result = await store.search(query);
  const bodies = new Map(await viewBodies(store, req.type, result.rows.map((r) => r.id), caller.profile));
  const entries: BundleEntry[] = [];
  const shown = new Set<string>();
  for (const row of result.rows) {
    const body = bodies.get(row.id);
    if (body === undefined) continue; // deleted between the search and the read: not served
    shown.add(`${req.type}/${row.id}`);
    entries.push({ fullUrl: `${req.base}/${req.type}/${row.id}`, resource: subsetBody(body, parsed.elements, parsed.summary), mode: 'match' });
  }
  if (!countOnly && entries.length > 0) {
    const matched = result.rows.map((r) => ({ type: req.type, id: r.id }));
    entries.push(...(await includes(store, caller, req.base, matched, parsed.include, parsed.revinclude, shown)));
  }

  const last = result.rows[result.rows.length - 1];
  const next = result.more && last ? linkUrl(req.base, req.type, [...params, ['_cursor', encodeCursor({ v: last.sortValues, id: last.id })]]) : undefined;
  const outcome = parsed.ignored.length
    ? { resourceType: 'OperationOutcome', issue: parsed.ignored.map((p) => ({ severity: 'warning', code: 'not-supported', diagnostics: `Parameter '${p}' is not supported and was ignored` })) }
    : undefined;
  return searchBundle({ self: linkUrl(req.base, req.type, req.params), next, total: query.total ? result.total : undefined, entries, outcome });
}

/** The bodies of the current existing views of the profile, as UTF-8 bytes when the store can read them so. */
async function viewBodies(store: Store, type: string, ids: string[], profile: number): Promise<[string, string | Buffer][]> {
  if (store.readViewBytes) return (await store.readViewBytes(type, ids, profile)).map((v) => [v.id, v.bytes]);
  const out: [string, string | Buffer][] = [];
  for (const { id, view } of await store.readViews(type, ids, profile)) if (view.body !== null) out.push([id, view.body]);
  return out;
}

async function includes(
  store: Store,
  caller: Caller,
  base: string,
  matched: { type: string; id: string }[],
  include: IncludeSpec[],
  revinclude: IncludeSpec[],
  shown: Set<string>,
): Promise<BundleEntry[]> {
  const out: BundleEntry[] = [];
  const add = async (type: string, ids: string[]): Promise<{ type: string; id: string }[]> => {
    const fresh = ids.filter((id) => !shown.has(`${type}/${id}`)).slice(0, Math.max(0, MAX_INCLUDED - out.length));
    if (fresh.length === 0) return [];
    const added: { type: string; id: string }[] = [];
    for (const [id, body] of await viewBodies(store, type, fresh, caller.profile)) {
      if (shown.has(`${type}/${id}`)) continue;
      shown.add(`${type}/${id}`);
      out.push({ fullUrl: `${base}/${type}/${id}`, resource: body, mode: 'include' });
      added.push({ type, id });
    }
    return added;
  };

  let frontier = matched;
  for (let depth = 0; depth < MAX_ITERATE_DEPTH && frontier.length > 0; depth++) {
    const found: { type: string; id: string }[] = [];
    for (const spec of include) {
      if (depth > 0 && !spec.iterate) continue;
      const ids = frontier.filter((r) => r.type === spec.sourceType).map((r) => r.id);
      if (ids.length === 0) continue;
      const targets = await store.includeTargets(spec.sourceType, ids, spec.param, caller.profile, spec.targetType);
      const byType = new Map<string, string[]>();
      for (const t of targets) byType.set(t.type, [...(byType.get(t.type) ?? []), t.id]);
      for (const [type, tids] of byType) found.push(...(await add(type, tids)));
    }
    for (const spec of revinclude) {
      if (depth > 0 && !spec.iterate) continue;
      const targets = frontier;
      if (targets.length === 0) continue;
      const ids = await store.revincludeSources(spec.sourceType, spec.param, targets, caller.profile);
      found.push(...(await add(spec.sourceType, ids)));
    }
    frontier = found;
  }
  return out;
}
