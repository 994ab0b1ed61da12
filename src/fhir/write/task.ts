// Anomaly reports (RORTask, write profile B). The reporting client is recorded as a server-managed
// meta.tag (system REPORTER_SYSTEM), so it is indexed like any tag: a tool's Task searches carry the
// predicate `_tag=REPORTER_SYSTEM|<its client id>` and its reads check the stored tag; the operator sees
// all. The focus must be a directory resource the caller can see (else 404, exactly as an unknown one).
// businessStatus (TRE_R352) changes follow TASK_TRANSITIONS.

import type { StoreReader } from '../../store/contract.js';
import { FhirError, notFound } from '../errors.js';
import { DIRECTORY_TYPES, parseReference } from '../resource-types.js';
import type { Caller } from '../rest/types.js';

type Json = Record<string, any>;

export const REPORTER_SYSTEM = 'urn:ror:task-reporter';
export const BUSINESS_STATUS_SYSTEM = 'https://mos.esante.gouv.fr/NOS/TRE_R352-StatutMetierAnomalie/FHIR/TRE-R352-StatutMetierAnomalie';
/** Initial businessStatus of a report: 02 « À traiter ». */
export const INITIAL_STATUS = '02';

/**
 * businessStatus transitions (TRE_R352 codes known from the IG: 02 À traiter, 03 Annulé, 08 Corrigé).
 * The reporter may cancel or mark corrected a report still to be handled; the operator may also reopen.
 */
export const TASK_TRANSITIONS: Readonly<Record<'reporter' | 'operator', Readonly<Record<string, readonly string[]>>>> = {
  reporter: { '02': ['03', '08'] },
  operator: { '02': ['03', '08'], '03': ['02'], '08': ['02'] },
};
const KNOWN_STATUSES = new Set(['02', '03', '08']);
const DISPLAY: Record<string, string> = { '02': 'À traiter', '03': 'Annulé', '08': 'Corrigé' };

/** The parameter pair that restricts a Task search to a tool's own reports. */
export const ownTasksParam = (clientId: string): [string, string] => ['_tag', `${REPORTER_SYSTEM}|${clientId}`];

export function reporterOf(task: Json | null): string | null {
  const tag = ((task?.meta?.tag ?? []) as Json[]).find((t) => t?.system === REPORTER_SYSTEM);
  return typeof tag?.code === 'string' ? tag.code : null;
}

/** Whether the caller may see this stored Task: the operator always, a tool only its own reports. */
export const maySeeTask = (caller: Caller, task: Json | null): boolean => caller.operator || (task !== null && reporterOf(task) === caller.clientId);

const businessStatus = (task: Json): string | null => {
  const c = ((task.businessStatus?.coding ?? []) as Json[]).find((x) => !x.system || x.system === BUSINESS_STATUS_SYSTEM);
  return typeof c?.code === 'string' ? c.code : null;
};

/** The stored form of a changed Task: its reporter stays the original one, whoever changes it. */
export function keepReporter(before: Json | null, after: Json, caller: Caller): Json {
  return withReporter(after, reporterOf(before) ?? caller.clientId);
}

function withReporter(task: Json, reporter: string): Json {
  const meta = { ...(task.meta ?? {}) };
  meta.tag = [...((meta.tag ?? []) as Json[]).filter((t) => t?.system !== REPORTER_SYSTEM), { system: REPORTER_SYSTEM, code: reporter }];
  return { ...task, meta };
}

/** 404 unless every focus is a directory resource that exists for the caller's profile. */
export async function assertFocusVisible(reader: StoreReader, caller: Caller, task: Json): Promise<void> {
  const focus = task.focus as Json | undefined;
  if (!focus) throw new FhirError(400, 'required', 'A RORTask needs a focus (the resource in anomaly)', ['Task.focus']);
  const ref = parseReference(focus.reference);
  if (focus.reference !== undefined) {
    if (!ref || !(DIRECTORY_TYPES as readonly string[]).includes(ref.type)) throw notFound(`The focus ${String(focus.reference)} is not known`);
    const view = await reader.readView(ref.type, ref.id, caller.profile);
    if (!view?.body) throw notFound(`The focus ${ref.type}/${ref.id} is not known`);
    return;
  }
  // a logical reference {type, identifier}: it must name exactly one resource the caller can see
  const type = focus.type as string | undefined;
  const value = focus.identifier?.value as string | undefined;
  if (!type || !value || !(DIRECTORY_TYPES as readonly string[]).includes(type)) {
    throw new FhirError(400, 'invalid', 'Task.focus must be a reference Type/id or a logical reference {type, identifier}', ['Task.focus']);
  }
  const system = focus.identifier?.system as string | undefined;
  const found = await reader.search({ type, profile: caller.profile, where: [{ op: 'token', param: 'identifier', code: value, ...(system ? { system } : {}) }], sort: [], count: 2, total: false });
  if (found.rows.length === 0) throw notFound(`The focus ${type} with identifier '${value}' is not known`);
  if (found.rows.length > 1) throw new FhirError(412, 'multiple-matches', `The focus identifier '${value}' names several ${type} resources`, ['Task.focus']);
}

/** A new report as stored: reporter stamped, workflow fields set by the server when absent. */
export function prepareNewTask(task: Json, caller: Caller, now: number): Json {
  if (task.resourceType !== 'Task') throw new FhirError(400, 'invalid', 'The body must be a Task');
  const status = businessStatus(task);
  const at = new Date(now).toISOString();
  if (!caller.operator && status !== null && status !== INITIAL_STATUS) {
    throw new FhirError(400, 'business-rule', `A new report starts with businessStatus ${INITIAL_STATUS} (${DISPLAY[INITIAL_STATUS]})`, ['Task.businessStatus']);
  }
  if (status !== null && !KNOWN_STATUSES.has(status)) throw new FhirError(400, 'invalid', `Unknown businessStatus '${status}' (TRE_R352)`, ['Task.businessStatus']);
  const out: Json = {
    ...task,
    status: task.status ?? 'requested',
    intent: task.intent ?? 'order',
    businessStatus: task.businessStatus ?? { coding: [{ system: BUSINESS_STATUS_SYSTEM, code: INITIAL_STATUS, display: DISPLAY[INITIAL_STATUS] }] },
    authoredOn: caller.operator && task.authoredOn ? task.authoredOn : at,
    lastModified: at,
  };
  // the reporter of an existing report never changes; a new one is the caller
  return withReporter(out, caller.clientId);
}

/** A change of a report by a tool: only businessStatus, along TASK_TRANSITIONS. Returns the stored Task. */
export function checkTaskChange(before: Json, after: Json, caller: Caller, now: number): Json {
  const from = businessStatus(before);
  const to = businessStatus(after);
  if (to === null || !KNOWN_STATUSES.has(to)) throw new FhirError(400, 'invalid', `Unknown or missing businessStatus '${to ?? ''}' (TRE_R352)`, ['Task.businessStatus']);
  if (from !== to) {
    const allowed = TASK_TRANSITIONS[caller.operator ? 'operator' : 'reporter'][from ?? ''] ?? [];
    if (!allowed.includes(to)) {
      throw new FhirError(400, 'business-rule', `businessStatus cannot go from ${from ?? 'none'} to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`, ['Task.businessStatus']);
    }
  }
  const reporter = reporterOf(before) ?? caller.clientId;
  return withReporter({ ...after, lastModified: new Date(now).toISOString() }, reporter);
}

const TASK_TO_TASK = /^(part-of|based-on)([.:]|$)/;

/**
 * The parameters of a tool's search, guarded: a Task search gets the own-reports predicate; any way to
 * reach Tasks from another search (_has:Task, _revinclude=Task:…, a chain or _include ending on Task) is
 * refused, since it would reach other tools' reports. The operator's searches are unchanged.
 */
export function guardSearchParams(caller: Caller, type: string, params: [string, string][]): [string, string][] {
  if (caller.operator) return params;
  for (const [k, v] of params) {
    const key = k.startsWith('_include') ? '_include' : k.startsWith('_revinclude') ? '_revinclude' : k;
    const reachesTask =
      k.startsWith('_has:Task:') ||
      k.includes(':Task.') ||
      k.endsWith(':Task') ||
      (type === 'Task' && TASK_TO_TASK.test(k)) ||
      (key === '_revinclude' && (v.startsWith('Task:') || v === '*')) ||
      (key === '_include' && (v.endsWith(':Task') || /^Task:(part-of|based-on)$/.test(v) || v === '*'));
    if (reachesTask) throw new FhirError(403, 'forbidden', `Anomaly reports are reachable only through GET /fhir/Task (parameter '${k}')`);
  }
  return type === 'Task' ? [...params, ownTasksParam(caller.clientId)] : params;
}
