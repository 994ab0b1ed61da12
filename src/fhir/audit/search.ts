// GET /fhir/AuditEvent and GET /fhir/AuditEvent/{id}, for the operator only: a few search parameters
// (date, agent, entity, entity-type, action, outcome, subtype), newest first, paged by sequence number.

import type { AuditQuery, Store } from '../../store/contract.js';
import { FhirError, notFound } from '../errors.js';
import { searchBundle } from '../rest/bundle.js';
import { FHIR_JSON, type FhirResponse } from '../rest/types.js';
import { CLIENT_SYSTEM, renderAuditEvent } from './event.js';

const MAX_COUNT = 200;
const PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.+)$/;

/** [low, high] in epoch ms of a date/dateTime of any precision. */
function dateRange(text: string): [number, number] {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(text);
  if (!m) throw new FhirError(400, 'invalid', `'${text}' is not a date`);
  const [, y, mo, d, h, mi] = m;
  const low = Date.parse(m[4] ? text : `${y}-${mo ?? '01'}-${d ?? '01'}T00:00:00Z`);
  if (Number.isNaN(low)) throw new FhirError(400, 'invalid', `'${text}' is not a date`);
  let high: number;
  if (m[4]) high = low + (m[6] ? 999 : mi ? 59_999 : 3_599_999);
  else if (d) high = low + 86_399_999;
  else if (mo) high = Date.UTC(Number(y), Number(mo), 1) - 1;
  else high = Date.UTC(Number(y) + 1, 0, 1) - 1;
  void h;
  return [low, high];
}

const ID = /^[1-9][0-9]{0,15}$/;

export function parseAuditSearch(params: [string, string][]): AuditQuery {
  const q: AuditQuery = { count: 50 };
  for (const [k, v] of params) {
    switch (k) {
      case 'date': {
        const [, prefix = 'eq', value] = PREFIX.exec(v)!;
        const [low, high] = dateRange(value);
        if (prefix === 'ge' || prefix === 'sa' || prefix === 'gt') q.since = Math.max(q.since ?? -Infinity, prefix === 'ge' ? low : high + 1);
        else if (prefix === 'le' || prefix === 'eb' || prefix === 'lt') q.until = Math.min(q.until ?? Infinity, prefix === 'le' ? high : low - 1);
        else if (prefix === 'eq') {
          q.since = Math.max(q.since ?? -Infinity, low);
          q.until = Math.min(q.until ?? Infinity, high);
        } else throw new FhirError(400, 'not-supported', `date prefix '${prefix}' is not supported on AuditEvent`);
        break;
      }
      case 'agent':
      case 'agent-identifier':
      case 'client': {
        const i = v.indexOf('|');
        if (i >= 0 && v.slice(0, i) !== CLIENT_SYSTEM) throw new FhirError(400, 'invalid', `agent identifiers have the system ${CLIENT_SYSTEM}`);
        q.clientId = i >= 0 ? v.slice(i + 1) : v;
        break;
      }
      case 'entity': {
        const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(v);
        if (!m) throw new FhirError(400, 'invalid', `entity must be Type/id, got '${v}'`);
        q.entityType = m[1];
        q.entityId = m[2];
        break;
      }
      case 'entity-type':
        q.entityType = v;
        break;
      case 'action':
        if (!/^[CRUDE]$/.test(v)) throw new FhirError(400, 'invalid', `action must be one of C, R, U, D, E`);
        q.action = v;
        break;
      case 'outcome':
        if (!/^(0|4|8|12)$/.test(v)) throw new FhirError(400, 'invalid', `outcome must be 0, 4, 8 or 12`);
        q.outcome = Number(v);
        break;
      case 'subtype':
        q.interaction = v.includes('|') ? v.slice(v.indexOf('|') + 1) : v;
        break;
      case '_count': {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new FhirError(400, 'invalid', `_count must be a positive integer, got '${v}'`);
        q.count = Math.min(n, MAX_COUNT);
        break;
      }
      case '_page_before':
        if (!ID.test(v)) throw new FhirError(400, 'invalid', `bad paging cursor '${v}'`);
        q.beforeSeq = Number(v);
        break;
      case '_format':
      case '_pretty':
        break;
      default:
        throw new FhirError(400, 'not-supported', `Parameter '${k}' is not supported on AuditEvent`);
    }
  }
  return q;
}

const withId = renderAuditEvent;

export async function searchAuditEvents(store: Store, params: [string, string][], base: string): Promise<FhirResponse> {
  const query = parseAuditSearch(params);
  const rows = await store.searchAudit({ ...query, count: query.count + 1 });
  const page = rows.slice(0, query.count);
  const kept = params.filter(([k]) => k !== '_page_before');
  const link = (extra: [string, string][]) => `${base}/AuditEvent${kept.length + extra.length ? `?${new URLSearchParams([...kept, ...extra])}` : ''}`;
  const next = rows.length > query.count ? link([['_page_before', String(page[page.length - 1].seq)]]) : undefined;
  return searchBundle({
    self: link(params.filter(([k]) => k === '_page_before')),
    next,
    entries: page.map((r) => ({ fullUrl: `${base}/AuditEvent/${r.seq}`, resource: withId(r.seq, r.body), mode: 'match' })),
  });
}

export async function readAuditEvent(store: Store, id: string): Promise<FhirResponse> {
  if (!ID.test(id)) throw new FhirError(400, 'invalid', `'${id}' is not an AuditEvent id`);
  const seq = Number(id);
  const [row] = await store.searchAudit({ beforeSeq: seq + 1, count: 1 });
  if (!row || row.seq !== seq) throw notFound(`AuditEvent/${id} is not known`);
  return { status: 200, headers: { 'content-type': FHIR_JSON }, body: withId(row.seq, row.body) };
}
