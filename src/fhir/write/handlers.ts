// The write interactions, transport-free: create, update, patch (JSON Patch, FHIRPath Patch, the national
// capacity PATCH), delete, conditional create / update / patch. Who may do what:
// - the operator: everything, on every type;
// - write profile A: capacity indicators of Locations and the offer↔location link, only for the EGs the
//   tool is registered for (guard derived from the policy's WRITE_PROFILES);
// - write profile B: Task create, and businessStatus changes of its own reports;
// - anything else: 403. A resource the tool cannot see is 404 before any other check, like an unknown one.

import { randomUUID } from 'node:crypto';
import type { StoreTx } from '../../store/contract.js';
import { FhirError, notFound } from '../errors.js';
import { parseReference } from '../resource-types.js';
import { checkTypeAndId } from '../rest/read.js';
import type { FhirResponse } from '../rest/types.js';
import { parseSearch } from '../search/index.js';
import { checkIndicators, patchCapacities } from './capacity.js';
import { applyChange, changeResponse, commitChange, runnerOf, writeAudit, type ChangePlan, type Json, type WriteContext } from './commit.js';
import { assertEstablishment, resolveNationalLocation, type NationalMatch } from './establishment.js';
import { applyFhirPathPatch, parseFhirPathPatch } from './fhirpath-patch.js';
import { changedElements } from '../changed-elements.js';
import { assertHolds, assertToolMayChange } from './guard.js';
import { applyJsonPatch } from './json-patch.js';
import { RawReads } from './raw-reads.js';
import { assertFocusVisible, checkTaskChange, keepReporter, maySeeTask, ownTasksParam, prepareNewTask } from './task.js';

export type PatchFormat = 'json-patch' | 'fhirpath-patch';

const operatorOnly = (ctx: WriteContext, what: string) => {
  if (!ctx.caller.operator) throw new FhirError(403, 'forbidden', `${what} is reserved to the directory operator`);
};

/** The patch format from the request's content type. */
export function patchFormat(contentType: string | undefined): PatchFormat {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('application/json-patch+json')) return 'json-patch';
  if (ct.startsWith('application/fhir+json') || ct.startsWith('application/json')) return 'fhirpath-patch';
  throw new FhirError(415, 'not-supported', 'PATCH takes application/json-patch+json (JSON Patch) or application/fhir+json (FHIRPath Patch Parameters)');
}

function patcher(type: string, body: unknown, format: PatchFormat): (current: Json) => Json {
  if (format === 'json-patch') return (current) => applyJsonPatch(current, body);
  const ops = parseFhirPathPatch(body);
  // on Locations, the national capacity protocol (replace-then-add, add replaces the same indicator)
  return type === 'Location' ? (current) => patchCapacities(current, ops) : (current) => applyFhirPathPatch(current, ops);
}

/** What a tool (not the operator) may change, checked on the whole change before it is stored.
 * `keys`: the establishment keys of the resource, when already known in this transaction. */
async function guardToolChange(tx: StoreTx, ctx: WriteContext, type: string, id: string, before: Json, after: Json, raws: RawReads, keys?: Set<string>): Promise<void> {
  const caller = ctx.caller;
  const changes = changedElements(before, after);
  if (changes.length === 0) return;
  if (type === 'Task') {
    assertHolds(caller, 'B');
    // profile B changes a report's status only (WRITE_PROFILES: « status change (businessStatus) »)
    const other = changes.filter((c) => c.path !== 'businessStatus');
    if (other.length) throw new FhirError(403, 'forbidden', `A report's ${other.map((c) => `Task.${c.path}`).join(', ')} cannot be changed; only Task.businessStatus`, other.map((c) => `Task.${c.path}`));
    return;
  }
  assertToolMayChange(caller, type, changes);
  await assertEstablishment(tx, caller, type, id, before, keys, raws);
  if (type === 'HealthcareService') {
    // every newly linked Location must exist for the caller and belong to one of its EGs too
    const had = new Set(((before.location ?? []) as Json[]).map((l) => l?.reference));
    for (const l of (after.location ?? []) as Json[]) {
      if (had.has(l?.reference)) continue;
      const ref = parseReference(l?.reference);
      if (!ref || ref.type !== 'Location') throw new FhirError(400, 'invalid', `HealthcareService.location must reference a Location, got '${String(l?.reference)}'`, ['HealthcareService.location']);
      const view = await tx.readView('Location', ref.id, caller.profile);
      if (!view?.body) throw notFound(`Location/${ref.id} is not known`);
      await assertEstablishment(tx, caller, 'Location', ref.id, await raws.get(tx, 'Location', ref.id), undefined, raws);
    }
  }
}

/** 404 unless the (non-operator) caller can see the resource: its view exists, and a Task is its own. */
async function assertVisible(tx: StoreTx, ctx: WriteContext, type: string, id: string, current: Json | null, raws: RawReads): Promise<void> {
  if (ctx.caller.operator) return;
  // the view's state is enough (its body is not read); the change's rendering reuses the states read
  const visible = current !== null && (await raws.viewStates(tx, type, id)).some((v) => v.profile === ctx.caller.profile && v.body !== null);
  if (!visible || (type === 'Task' && !maySeeTask(ctx.caller, current))) throw notFound(`${type}/${id} is not known`);
}

/** `national`: the Location the national identifier resolved to in this transaction (read once). */
function patchPlan(ctx: WriteContext, type: string, id: string, body: unknown, format: PatchFormat, ifMatch?: string, national?: NationalMatch): ChangePlan {
  const apply = patcher(type, body, format);
  const now = ctx.now ?? Date.now;
  return {
    type, id, interaction: 'patch', ifMatch, mayCreate: false,
    ...(national ? { known: { stored: national.stored, current: national.resource }, raws: national.raws } : {}),
    async build(tx, current, raws) {
      await assertVisible(tx, ctx, type, id, current, raws);
      if (!ctx.caller.operator && !['Location', 'HealthcareService', 'Task'].includes(type)) {
        throw new FhirError(403, 'forbidden', `This client's write profiles may not change a ${type}`);
      }
      if (!ctx.caller.operator && type === 'Task') assertHolds(ctx.caller, 'B');
      if (!ctx.caller.operator && type !== 'Task') assertHolds(ctx.caller, 'A');
      let after = apply(current!);
      if (!ctx.caller.operator) await guardToolChange(tx, ctx, type, id, current!, after, raws, national?.keys);
      if (type === 'Location') checkIndicators(current, after);
      if (type === 'Task') after = ctx.caller.operator ? keepReporter(current, after, ctx.caller) : checkTaskChange(current!, after, ctx.caller, now());
      return after;
    },
  };
}

export async function patchResource(ctx: WriteContext, type: string, id: string, body: unknown, contentType: string | undefined, ifMatch?: string): Promise<FhirResponse> {
  checkTypeAndId(type, id);
  return commitChange(ctx, patchPlan(ctx, type, id, body, patchFormat(contentType), ifMatch));
}

/** The one resource a conditional interaction names: searched inside the transaction, over everything. */
async function conditionalTarget(tx: StoreTx, type: string, params: [string, string][]): Promise<string[]> {
  const parsed = parseSearch(type, params, { profile: 1, lenient: false });
  const query = { ...parsed.query, count: 2, total: false, sort: [] };
  return (await tx.search(query)).rows.map((r) => r.id);
}

/** PATCH [type]?criteria: the national capacity PATCH (Location?identifier={idNatStruct}/{idExterneSynchro},
 * profile A or operator), or a conditional patch (operator). */
export async function conditionalPatch(ctx: WriteContext, type: string, params: [string, string][], body: unknown, contentType: string | undefined, ifMatch?: string): Promise<FhirResponse> {
  checkTypeAndId(type);
  const format = patchFormat(contentType);
  const criteria = params.filter(([k]) => k !== '_format');
  const national = type === 'Location' && criteria.length === 1 && criteria[0][0] === 'identifier' && criteria[0][1].includes('/');
  if (criteria.length === 0) throw new FhirError(400, 'invalid', 'A conditional PATCH needs search criteria');
  if (national) assertHolds(ctx.caller, 'A');
  else operatorOnly(ctx, 'A conditional PATCH');
  let id = '';
  const response = await runnerOf(ctx)(async (tx) => {
    let match: NationalMatch | undefined;
    if (national) {
      match = await resolveNationalLocation(tx, criteria[0][1], new RawReads(), ctx.nationalIds);
      id = match.id;
    } else {
      const ids = await conditionalTarget(tx, type, criteria);
      if (ids.length === 0) throw notFound(`No ${type} matches the criteria`);
      if (ids.length > 1) throw new FhirError(412, 'multiple-matches', `Several ${type} resources match the criteria`);
      id = ids[0];
    }
    const outcome = await applyChange(tx, ctx, patchPlan(ctx, type, id, body, format, ifMatch, match));
    const res = changeResponse(ctx, outcome);
    await tx.appendAudit([writeAudit(ctx, { interaction: 'patch', action: 'U', entities: [{ type, id }], status: res.status })]);
    return res;
  });
  ctx.audit.audited = true;
  return response;
}

function createPlan(ctx: WriteContext, type: string, body: Json, id: string): ChangePlan {
  const now = ctx.now ?? Date.now;
  return {
    type, id, interaction: 'create', mayCreate: true,
    async build(tx, current) {
      if (current) throw new FhirError(409, 'duplicate', `${type}/${id} already exists`);
      if (body?.resourceType !== type) throw new FhirError(400, 'invalid', `The body must be a ${type}`);
      if (type !== 'Task') return body;
      const task = prepareNewTask({ ...body, id }, ctx.caller, now());
      await assertFocusVisible(tx, ctx.caller, task);
      return task;
    },
  };
}

function assertMayCreate(ctx: WriteContext, type: string): void {
  if (type === 'Task') assertHolds(ctx.caller, 'B');
  else operatorOnly(ctx, `Creating a ${type}`);
}

/** POST [type], with If-None-Exist for a conditional create. */
export async function createResource(ctx: WriteContext, type: string, body: unknown, ifNoneExist?: string): Promise<FhirResponse> {
  checkTypeAndId(type);
  assertMayCreate(ctx, type);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new FhirError(400, 'invalid', `The body must be a ${type}`);
  const id = randomUUID();
  if (ifNoneExist === undefined) return commitChange(ctx, createPlan(ctx, type, body as Json, id));
  const criteria = [...new URLSearchParams(ifNoneExist.replace(/^[^?]*\?/, '')).entries()];
  if (criteria.length === 0) throw new FhirError(400, 'invalid', 'If-None-Exist needs search criteria');
  if (type === 'Task' && !ctx.caller.operator) criteria.push(ownTasksParam(ctx.caller.clientId));
  const response = await runnerOf(ctx)(async (tx) => {
    const ids = await conditionalTarget(tx, type, criteria);
    if (ids.length > 1) throw new FhirError(412, 'multiple-matches', `Several ${type} resources match If-None-Exist`);
    let res: FhirResponse;
    let target: string = id;
    if (ids.length === 1) {
      target = ids[0];
      const stored = await tx.readResource(type, target);
      const view = await tx.readView(type, target, ctx.caller.profile);
      res = changeResponse(ctx, { type, id: target, created: false, deleted: false, version: stored?.version ?? 0, view: view?.body ? view : null });
    } else res = changeResponse(ctx, await applyChange(tx, ctx, createPlan(ctx, type, body as Json, id)));
    await tx.appendAudit([writeAudit(ctx, { interaction: 'create', action: 'C', entities: [{ type, id: target }], status: res.status })]);
    return res;
  });
  ctx.audit.audited = true;
  return response;
}

function updatePlan(ctx: WriteContext, type: string, id: string, body: unknown, ifMatch?: string): ChangePlan {
  return {
    type, id, interaction: 'update', ifMatch, mayCreate: true,
    async build(_tx, current) {
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new FhirError(400, 'invalid', `The body must be a ${type}`);
      const next = body as Json;
      return type === 'Task' ? keepReporter(current, next, ctx.caller) : next;
    },
  };
}

/** PUT [type]/[id] (operator; creates the resource when absent). */
export async function updateResource(ctx: WriteContext, type: string, id: string, body: unknown, ifMatch?: string): Promise<FhirResponse> {
  checkTypeAndId(type, id);
  operatorOnly(ctx, 'Updating a whole resource');
  if ((body as Json)?.id === undefined) throw new FhirError(400, 'invalid', 'An update must carry the resource id', [`${type}.id`]);
  return commitChange(ctx, updatePlan(ctx, type, id, body, ifMatch));
}

/** PUT [type]?criteria (operator): updates the one match, creates when none, 412 when several. */
export async function conditionalUpdate(ctx: WriteContext, type: string, params: [string, string][], body: unknown, ifMatch?: string): Promise<FhirResponse> {
  checkTypeAndId(type);
  operatorOnly(ctx, 'A conditional update');
  if (params.length === 0) throw new FhirError(400, 'invalid', 'A conditional update needs search criteria');
  let target = '';
  const response = await runnerOf(ctx)(async (tx) => {
    const ids = await conditionalTarget(tx, type, params);
    if (ids.length > 1) throw new FhirError(412, 'multiple-matches', `Several ${type} resources match the criteria`);
    const given = (body as Json)?.id as string | undefined;
    if (ids.length === 1 && given !== undefined && given !== ids[0]) throw new FhirError(400, 'invalid', `The body id '${given}' is not the id of the matching resource`);
    target = ids[0] ?? given ?? randomUUID();
    const outcome = await applyChange(tx, ctx, updatePlan(ctx, type, target, { ...(body as Json), id: target }, ifMatch));
    const res = changeResponse(ctx, outcome);
    await tx.appendAudit([writeAudit(ctx, { interaction: 'update', action: outcome.created ? 'C' : 'U', entities: [{ type, id: target }], status: res.status })]);
    return res;
  });
  ctx.audit.audited = true;
  return response;
}

/** DELETE [type]/[id] (operator). Deleting an absent resource is 404; an already deleted one, 204. */
export async function deleteResource(ctx: WriteContext, type: string, id: string, ifMatch?: string): Promise<FhirResponse> {
  checkTypeAndId(type, id);
  operatorOnly(ctx, 'Deleting a resource');
  return commitChange(ctx, deletePlan(type, id, ifMatch));
}

function deletePlan(type: string, id: string, ifMatch?: string): ChangePlan {
  return {
    type, id, interaction: 'delete', ifMatch, mayCreate: true,
    async build(tx, current) {
      if (!current && !(await tx.readResource(type, id))) throw notFound(`${type}/${id} is not known`);
      return null;
    },
  };
}

export { patchPlan, createPlan, updatePlan, deletePlan };
