// POST [base] with a transaction or batch Bundle (operator only). A transaction is atomic: every entry is
// applied in ONE store transaction (FHIR order: DELETE, POST, PUT, PATCH), `urn:uuid:` references to
// created entries are resolved, and any failure rolls everything back. A batch applies each entry in its
// own transaction and reports each outcome.

import { randomUUID } from 'node:crypto';
import type { StoreTx } from '../../store/contract.js';
import { FhirError, type OperationOutcome } from '../errors.js';
import { FHIR_JSON, type FhirResponse } from '../rest/types.js';
import { parseSearch } from '../search/index.js';
import { applyChange, writeAudit, type ChangeOutcome, type ChangePlan, type Json, type WriteContext } from './commit.js';
import { createPlan, deletePlan, patchPlan, updatePlan } from './handlers.js';

interface Entry {
  index: number;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  type: string;
  id?: string;
  criteria?: [string, string][];
  resource?: Json;
  fullUrl?: string;
  ifMatch?: string;
  ifNoneExist?: string;
}

const ORDER: Record<Entry['method'], number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 3 };
const ACTION = { POST: 'C', PUT: 'U', PATCH: 'U', DELETE: 'D' } as const;

function parseEntries(bundle: Json): Entry[] {
  return ((bundle.entry ?? []) as Json[]).map((e, index) => {
    const method = String(e?.request?.method ?? '').toUpperCase();
    const url = String(e?.request?.url ?? '');
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw new FhirError(400, 'not-supported', `entry ${index}: request.method '${method}' is not supported`, [`Bundle.entry[${index}].request.method`]);
    const m = /^([A-Z][A-Za-z]+)(?:\/([A-Za-z0-9\-.]{1,64}))?(?:\?(.*))?$/.exec(url);
    if (!m) throw new FhirError(400, 'invalid', `entry ${index}: request.url '${url}' is not [type], [type]/[id] or [type]?criteria`, [`Bundle.entry[${index}].request.url`]);
    return {
      index, method: method as Entry['method'], type: m[1], id: m[2],
      criteria: m[3] !== undefined ? [...new URLSearchParams(m[3]).entries()] : undefined,
      resource: e.resource, fullUrl: e.fullUrl, ifMatch: e.request.ifMatch, ifNoneExist: e.request.ifNoneExist,
    };
  });
}

/** Replaces every `reference` equal to a key of `ids` (urn:uuid of a created entry) by Type/id. */
function resolveReferences(node: unknown, ids: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((x) => resolveReferences(x, ids));
  if (node && typeof node === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'reference' && typeof v === 'string' && ids.has(v) ? ids.get(v) : resolveReferences(v, ids);
    return out;
  }
  return node;
}

async function findOne(tx: StoreTx, type: string, criteria: [string, string][]): Promise<string[]> {
  const parsed = parseSearch(type, criteria, { profile: 1, lenient: false });
  return (await tx.search({ ...parsed.query, count: 2, total: false, sort: [] })).rows.map((r) => r.id);
}

async function planOf(tx: StoreTx, ctx: WriteContext, e: Entry, assigned: Map<number, string>): Promise<ChangePlan | { existing: string }> {
  switch (e.method) {
    case 'POST': {
      if (!e.resource) throw new FhirError(400, 'required', `entry ${e.index}: POST needs a resource`);
      if (e.ifNoneExist) {
        const ids = await findOne(tx, e.type, [...new URLSearchParams(e.ifNoneExist.replace(/^[^?]*\?/, '')).entries()]);
        if (ids.length > 1) throw new FhirError(412, 'multiple-matches', `entry ${e.index}: several ${e.type} match ifNoneExist`);
        if (ids.length === 1) return { existing: ids[0] };
      }
      return createPlan(ctx, e.type, e.resource, assigned.get(e.index)!);
    }
    case 'PUT': {
      let id = e.id;
      if (!id) {
        const ids = await findOne(tx, e.type, e.criteria ?? []);
        if (ids.length > 1) throw new FhirError(412, 'multiple-matches', `entry ${e.index}: several ${e.type} match the criteria`);
        id = ids[0] ?? (e.resource?.id as string | undefined) ?? randomUUID();
      }
      return updatePlan(ctx, e.type, id, { ...(e.resource ?? {}), id }, e.ifMatch);
    }
    case 'PATCH':
      if (!e.id) throw new FhirError(400, 'invalid', `entry ${e.index}: PATCH needs [type]/[id]`);
      return patchPlan(ctx, e.type, e.id, e.resource, 'fhirpath-patch', e.ifMatch);
    case 'DELETE':
      if (!e.id) throw new FhirError(400, 'invalid', `entry ${e.index}: DELETE needs [type]/[id]`);
      return deletePlan(e.type, e.id, e.ifMatch);
  }
}

async function runEntry(tx: StoreTx, ctx: WriteContext, e: Entry, assigned: Map<number, string>): Promise<{ outcome: ChangeOutcome; status: string }> {
  const plan = await planOf(tx, ctx, e, assigned);
  if ('existing' in plan) {
    const stored = await tx.readResource(e.type, plan.existing);
    const view = await tx.readView(e.type, plan.existing, ctx.caller.profile);
    return { outcome: { type: e.type, id: plan.existing, created: false, deleted: false, version: stored?.version ?? 0, view: view?.body ? view : null }, status: '200 OK' };
  }
  const outcome = await applyChange(tx, ctx, plan);
  return { outcome, status: outcome.deleted ? '204 No Content' : outcome.created ? '201 Created' : '200 OK' };
}

function responseEntry(ctx: WriteContext, r: { outcome: ChangeOutcome; status: string }): string {
  const o = r.outcome;
  const response: Json = { status: r.status, location: `${o.type}/${o.id}/_history/${o.view?.version ?? o.version}` };
  if (o.view) {
    response.etag = `W/"${o.view.version}"`;
    response.lastModified = new Date(o.view.lastUpdated).toISOString();
  }
  return `{"fullUrl":${JSON.stringify(`${ctx.base}/${o.type}/${o.id}`)}${o.view?.body ? `,"resource":${o.view.body}` : ''},"response":${JSON.stringify(response)}}`;
}

const errorEntry = (e: unknown): string => {
  const err = e instanceof FhirError ? e : new FhirError(500, 'exception', 'Internal error');
  const outcome: OperationOutcome = err.toOutcome();
  return `{"response":{"status":"${err.status}","outcome":${JSON.stringify(outcome)}}}`;
};

export async function processBundle(ctx: WriteContext, body: unknown): Promise<FhirResponse> {
  if (!ctx.caller.operator) throw new FhirError(403, 'forbidden', 'Transaction and batch Bundles are reserved to the directory operator');
  const bundle = body as Json;
  if (bundle?.resourceType !== 'Bundle' || (bundle.type !== 'transaction' && bundle.type !== 'batch')) {
    throw new FhirError(400, 'invalid', 'POST [base] takes a Bundle of type transaction or batch');
  }
  const entries = parseEntries(bundle);
  const assigned = new Map<number, string>();
  const uuids = new Map<string, string>();
  for (const e of entries) {
    if (e.method !== 'POST') continue;
    const id = randomUUID();
    assigned.set(e.index, id);
    if (e.fullUrl?.startsWith('urn:uuid:')) uuids.set(e.fullUrl, `${e.type}/${id}`);
  }
  for (const e of entries) if (e.resource) e.resource = resolveReferences(e.resource, uuids) as Json;
  const entities = entries.map((e) => ({ type: e.type, id: e.id ?? assigned.get(e.index) ?? null }));
  const type = bundle.type as 'transaction' | 'batch';
  const results: string[] = new Array(entries.length);

  if (type === 'transaction') {
    const ordered = [...entries].sort((a, b) => ORDER[a.method] - ORDER[b.method] || a.index - b.index);
    const seen = new Set<string>();
    for (const e of entries) {
      const key = e.id ? `${e.type}/${e.id}` : null;
      if (key && seen.has(key)) throw new FhirError(400, 'invalid', `The transaction changes ${key} twice`);
      if (key) seen.add(key);
    }
    await ctx.store.transaction(async (tx) => {
      for (const e of ordered) {
        try {
          results[e.index] = responseEntry(ctx, await runEntry(tx, ctx, e, assigned));
        } catch (err) {
          if (err instanceof FhirError) {
            const wrapped = FhirError.withIssues(err.status, err.issues.map((i) => ({ ...i, diagnostics: `entry ${e.index}: ${i.diagnostics}` })));
            throw wrapped;
          }
          throw err;
        }
      }
      await tx.appendAudit([writeAudit(ctx, { interaction: 'transaction', action: 'E', entities, status: 200 })]);
    });
    ctx.audit.audited = true;
  } else {
    for (const e of entries) {
      try {
        results[e.index] = await ctx.store.transaction(async (tx) => {
          const r = await runEntry(tx, ctx, e, assigned);
          await tx.appendAudit([writeAudit(ctx, { interaction: 'batch', action: ACTION[e.method], entities: [{ type: e.type, id: r.outcome.id }], status: Number(r.status.slice(0, 3)) })]);
          return responseEntry(ctx, r);
        });
      } catch (err) {
        results[e.index] = errorEntry(err);
      }
    }
  }
  const text = `{"resourceType":"Bundle","id":"${randomUUID()}","type":"${type}-response","entry":[${results.join(',')}]}`;
  return { status: 200, headers: { 'content-type': FHIR_JSON }, body: text };
}
