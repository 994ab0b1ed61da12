// One change of one resource inside a store transaction, through the ingest machinery: the current raw
// resource is read INSIDE the transaction (writers are serialised, so concurrent patches of one resource
// apply one after the other and never lose an update), If-Match is checked against the raw resource
// version, the new version is built, validated and ingested (raw version, per-profile views, index,
// neighbours), and the caller's view is read back for the response.

import type { Resource } from '../../policy/types.js';
import type { Store, StoredResource, StoredView, StoreTx } from '../../store/contract.js';
import { auditRecord, type AuditFacts } from '../audit/event.js';
import { FhirError, notFound } from '../errors.js';
import { openIngestSession } from '../ingest.js';
import { parseStored } from '../parsed-bodies.js';
import { checkTypeAndId } from '../rest/read.js';
import { FHIR_JSON, type Caller, type FhirResponse } from '../rest/types.js';
import { structuralErrors } from '../validate/index.js';
import type { TxRunner } from './group-commit.js';
import { RawReads } from './raw-reads.js';
import type { NationalIds } from './national-ids.js';
import { changedElements } from '../changed-elements.js';
import { SUPPORTED_CAPACITY_URL } from './capacity-rules.js';

export type Json = Record<string, any>;

/** The audit facts of the current request; `audited` is set once its event is committed with the change. */
export interface AuditSlot {
  facts: Partial<AuditFacts>;
  audited: boolean;
}

export interface WriteContext {
  store: Store;
  caller: Caller;
  /** Base URL of the FHIR endpoint. */
  base: string;
  audit: AuditSlot;
  now?: () => number;
  /** Runs a single-resource write in a transaction (default: its own store transaction; the server
   * passes a GroupCommitter's run, which shares one commit between concurrent writes). */
  run?: TxRunner;
  /** The Locations of national identifiers, remembered between transactions: only where every write of
   * the store goes through these handlers (the server's write thread). */
  nationalIds?: NationalIds;
}

/** The transaction runner of a context. */
export const runnerOf = (ctx: WriteContext): TxRunner => ctx.run ?? ((fn) => ctx.store.transaction(fn));

export type Interaction = 'create' | 'update' | 'patch' | 'delete';

export interface ChangePlan {
  type: string;
  id: string;
  interaction: Interaction;
  /** Raw If-Match header value. */
  ifMatch?: string;
  /** Whether the change may create the resource (create, update-as-create). */
  mayCreate: boolean;
  /** The new content (null: delete) from the current raw one (null: absent or deleted). Throws to refuse.
   * `raws`: where the checks read other raw resources, so that rendering does not read them again. */
  build(tx: StoreTx, current: Json | null, raws: RawReads): Promise<Json | null>;
  /** The current stored version and its parsed body, when the caller has just read them in the same
   * transaction (not read again; the body is never mutated). */
  known?: { stored: StoredResource; current: Json };
  /** Raw resources the caller has already read in the same transaction. */
  raws?: RawReads;
}

export interface ChangeOutcome {
  type: string;
  id: string;
  created: boolean;
  deleted: boolean;
  /** Raw resource version after the change. */
  version: number;
  /** The caller's view after the change (null: none). */
  view: StoredView | null;
}

const SERVER_META = ['versionId', 'lastUpdated'];

/** The version an If-Match header names: W/"n" or "n". */
export function ifMatchVersion(header: string): number {
  const m = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(header);
  if (!m) throw new FhirError(400, 'invalid', `If-Match must be an ETag W/"<version>", got '${header}'`);
  return Number(m[1]);
}

function cleaned(resource: Json, type: string, id: string): Json {
  if (resource.resourceType !== type) throw new FhirError(400, 'invalid', `The resource must be a ${type}, got ${String(resource.resourceType)}`, ['resourceType']);
  if (resource.id !== undefined && resource.id !== id) throw new FhirError(400, 'invalid', `The resource id '${String(resource.id)}' does not match '${id}'`, [`${type}.id`]);
  // already clean (a patched stored version): the same object, so that what was computed about it (its
  // changed elements, for the guard) is found again by the index scope
  const meta = resource.meta as Json | undefined;
  if (resource.id === id && (meta === undefined || SERVER_META.every((k) => !(k in meta)))) return resource;
  const out: Json = { ...resource, id };
  if (out.meta) {
    const meta = Object.fromEntries(Object.entries(out.meta as Json).filter(([k]) => !SERVER_META.includes(k)));
    if (Object.keys(meta).length) out.meta = meta;
    else delete out.meta;
  }
  return out;
}

function validated(resource: Json): void {
  const errors = structuralErrors(resource);
  if (errors.length) throw FhirError.withIssues(400, errors);
}

/** Whether a change only touches the capacity indicators of an existing Location (which no national
 * identifier resolution reads). */
function onlyCapacities(type: string, current: Json | null, next: Json | null): boolean {
  return type === 'Location' && current !== null && next !== null && changedElements(current, next).every((c) => c.url === SUPPORTED_CAPACITY_URL);
}

/** Applies one change inside `tx`. */
export async function applyChange(tx: StoreTx, ctx: WriteContext, plan: ChangePlan): Promise<ChangeOutcome> {
  checkTypeAndId(plan.type, plan.id);
  const now = ctx.now ?? Date.now;
  const stored = plan.known ? plan.known.stored : await tx.readResource(plan.type, plan.id);
  const current = plan.known ? plan.known.current : stored?.body ? (parseStored(plan.type, plan.id, stored.body) as Json) : null;
  if (!current && !plan.mayCreate) {
    if (stored && ctx.caller.operator) throw new FhirError(410, 'deleted', `${plan.type}/${plan.id} has been deleted`);
    throw notFound(`${plan.type}/${plan.id} is not known`);
  }
  if (plan.ifMatch !== undefined) {
    const expected = ifMatchVersion(plan.ifMatch);
    if (!stored || stored.version !== expected) {
      throw new FhirError(412, 'conflict', `Version conflict: If-Match names version ${expected}${stored && current ? `, the resource is at version ${stored.version}` : ''}`);
    }
  }
  const raws = plan.raws ?? new RawReads();
  const next = await plan.build(tx, current, raws);
  if (ctx.nationalIds && !onlyCapacities(plan.type, current, next)) ctx.nationalIds.changed(tx);
  // nothing was written since these reads: the session takes them as current versions, parsed (`current`
  // is never mutated: patches copy it)
  const views = raws.knownViewStates(plan.type, plan.id);
  const known = [...(stored ? [{ ...stored, ...(current ? { raw: current as Resource } : {}), ...(views ? { views } : {}) }] : []), ...raws.entries()];
  // the new version is a fresh JSON object (cleaned copy) never mutated afterwards: the session keeps it
  // as the parsed stored body instead of parsing its text again
  const session = openIngestSession(tx, now, { current: known, watch: { type: plan.type, id: plan.id }, keepObjects: true });
  if (next === null) {
    if (current) await session.add([{ delete: { type: plan.type, id: plan.id } }]);
  } else {
    const resource = cleaned(next, plan.type, plan.id);
    validated(resource);
    await session.add([resource as Resource]);
  }
  const stats = await session.finish();
  // every change of the session is this resource's: one new version, or none when nothing changed
  const changed = stats.created + stats.updated + stats.deleted > 0;
  const version = (stored?.version ?? 0) + (changed ? 1 : 0);
  // the caller's view as just rendered, else (unchanged by this write) as stored
  const view = session.writtenView(plan.type, plan.id, ctx.caller.profile) ?? (await tx.readView(plan.type, plan.id, ctx.caller.profile));
  return {
    type: plan.type,
    id: plan.id,
    created: !current && next !== null,
    deleted: next === null,
    version,
    view: view?.body ? view : null,
  };
}

/** The audit record of a committed write. */
export function writeAudit(ctx: WriteContext, facts: Partial<AuditFacts> & Pick<AuditFacts, 'interaction' | 'action' | 'entities' | 'status'>) {
  return auditRecord({ ...ctx.audit.facts, caller: ctx.caller, ...facts, at: (ctx.now ?? Date.now)() } as AuditFacts);
}

const ACTION: Record<Interaction, AuditFacts['action']> = { create: 'C', update: 'U', patch: 'U', delete: 'D' };

export function responseHeaders(o: ChangeOutcome): Record<string, string> {
  const h: Record<string, string> = { 'ror-resource-version': String(o.version) };
  if (o.view) {
    h.etag = `W/"${o.view.version}"`;
    h['last-modified'] = new Date(o.view.lastUpdated).toUTCString();
  }
  return h;
}

export function changeResponse(ctx: WriteContext, o: ChangeOutcome): FhirResponse {
  const headers: Record<string, string> = { 'content-type': FHIR_JSON, ...responseHeaders(o) };
  if (o.deleted) return { status: 204, headers: { 'ror-resource-version': String(o.version) }, body: '' };
  if (o.created && o.view) headers.location = `${ctx.base}/${o.type}/${o.id}/_history/${o.view.version}`;
  const status = o.created ? 201 : 200;
  if (o.view?.body) return { status, headers, body: o.view.body };
  // written, but the caller's read profile has no view of it
  const body = { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: `${o.type}/${o.id} was written; it has no view for your read profile` }] };
  return { status, headers, body: JSON.stringify(body) };
}

/** One change in its own transaction, audited with it. */
export async function commitChange(ctx: WriteContext, plan: ChangePlan): Promise<FhirResponse> {
  const response = await runnerOf(ctx)(async (tx) => {
    const outcome = await applyChange(tx, ctx, plan);
    const res = changeResponse(ctx, outcome);
    await tx.appendAudit([writeAudit(ctx, { interaction: plan.interaction, action: ACTION[plan.interaction], entities: [{ type: plan.type, id: plan.id }], status: res.status })]);
    return res;
  });
  ctx.audit.audited = true;
  return response;
}
