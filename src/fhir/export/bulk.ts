// Bulk Data export ($export, FHIR Bulk Data Access 2.0, the IG's asynchronous extraction): the files hold
// the caller's views only, exactly what its searches would return. The job is stateless: its id encodes
// what to export, and every status or file request is re-authorised against the calling client and
// profile, so any instance behind a load balancer can serve it and a job id is useless to another client.

import type { Store } from '../../store/contract.js';
import type { Predicate } from '../../store/query.js';
import { DIRECTORY_TYPES, isStoredType } from '../resource-types.js';
import { FhirError } from '../errors.js';
import type { Caller } from '../rest/types.js';

export interface ExportJob {
  client: string;
  profile: number;
  types: string[];
  since?: number;
  /** Transaction time: resources updated (in the caller's view) after it are left to the next export. */
  at: number;
}

const PAGE = 1000;
const FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);

export function encodeJob(job: ExportJob): string {
  return Buffer.from(JSON.stringify(job), 'utf8').toString('base64url');
}

/** The job named by an id, if it belongs to this caller; 404 otherwise (never a hint about others' jobs). */
export function decodeJob(id: string, caller: Caller): ExportJob {
  let job: ExportJob | undefined;
  try {
    job = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as ExportJob;
  } catch {
    job = undefined;
  }
  if (!job || job.client !== caller.clientId || job.profile !== caller.profile || !Array.isArray(job.types)) {
    throw new FhirError(404, 'not-found', 'No such export job');
  }
  return job;
}

/** Kick-off: validates the request and returns the job to run. */
export function kickOff(caller: Caller, params: [string, string][], prefer: string | undefined, now: number): ExportJob {
  if (!/respond-async/i.test(prefer ?? '')) throw new FhirError(400, 'invalid', '$export needs the header Prefer: respond-async');
  const allowed = caller.operator ? [...DIRECTORY_TYPES, 'Task'] : [...DIRECTORY_TYPES];
  let types = [...DIRECTORY_TYPES] as string[];
  let since: number | undefined;
  for (const [k, v] of params) {
    if (k === '_type') {
      types = v.split(',').map((t) => t.trim()).filter(Boolean);
      for (const t of types) {
        if (!isStoredType(t) || !allowed.includes(t)) throw new FhirError(400, 'not-supported', `_type: '${t}' cannot be exported`);
      }
    } else if (k === '_since') {
      since = Date.parse(v);
      if (Number.isNaN(since)) throw new FhirError(400, 'invalid', `_since must be an instant, got '${v}'`);
    } else if (k === '_outputFormat') {
      if (!FORMATS.has(v)) throw new FhirError(400, 'not-supported', `_outputFormat '${v}' is not supported (application/fhir+ndjson)`);
    } else {
      throw new FhirError(400, 'not-supported', `Parameter '${k}' is not supported by $export`);
    }
  }
  return { client: caller.clientId, profile: caller.profile, types, since, at: now };
}

export function manifest(job: ExportJob, jobId: string, base: string, request: string): Record<string, unknown> {
  return {
    transactionTime: new Date(job.at).toISOString(),
    request,
    requiresAccessToken: true,
    output: job.types.map((type) => ({ type, url: `${base}/$export-file/${jobId}/${type}` })),
    error: [],
  };
}

/** The NDJSON lines of one type of a job: the caller's current views, paged through the index by id. */
export async function* exportLines(store: Store, job: ExportJob, type: string): AsyncGenerator<string> {
  if (!job.types.includes(type)) throw new FhirError(404, 'not-found', `This export has no ${type} file`);
  const where: Predicate[] = [{ op: 'lastUpdated', cmp: 'le', low: job.at, high: job.at }];
  if (job.since !== undefined) where.push({ op: 'lastUpdated', cmp: 'ge', low: job.since, high: job.since });
  let after: { values: (string | number | null)[]; id: string } | undefined;
  for (;;) {
    const page = await store.search({ type, profile: job.profile, where, sort: [], count: PAGE, total: false, after });
    if (page.rows.length === 0) return;
    const views = new Map((await store.readViews(type, page.rows.map((r) => r.id), job.profile)).map((v) => [v.id, v.view]));
    for (const row of page.rows) {
      const body = views.get(row.id)?.body;
      if (body) yield `${body}\n`;
    }
    if (!page.more) return;
    const last = page.rows[page.rows.length - 1];
    after = { values: last.sortValues, id: last.id };
  }
}
