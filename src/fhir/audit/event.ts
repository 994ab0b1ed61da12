// What happened, as a FHIR R4 AuditEvent: who (client, its finalité CU code, the end user's Ror-* headers),
// with which effective profile (read profile, write profile), what (REST interaction, action), on which
// resources, and the outcome. Built once per request, stored as JSON text (serialised with its batch).

import type { AuditRecord } from '../../store/contract.js';
import type { Caller } from '../rest/types.js';
import { jsonOfFrequent, jsonOfId } from '../../json-literal.js';

export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

export interface AuditFacts {
  /** Absent when the caller could not be authenticated. */
  caller?: Caller;
  /** REST interaction (http://hl7.org/fhir/restful-interaction): read, vread, history-instance, search-type, create, update, patch, delete, transaction, batch. */
  interaction: string;
  action: AuditAction;
  entities: { type: string; id: string | null }[];
  /** The query string of a search (without the leading '?'). */
  query?: string;
  /** HTTP status of the response. */
  status: number;
  /** Write profile under which a write was accepted or refused ('A', 'B', 'operator'). */
  writeProfile?: string;
  at: number;
}

export const CLIENT_SYSTEM = 'urn:ror:client';
export const PROFILE_POLICY = 'urn:ror:read-profile:';
export const WRITE_POLICY = 'urn:ror:write-profile:';
const CU_SYSTEM = 'https://mos.esante.gouv.fr/NOS/TRE_R78-ProfilAccesReferentiel/FHIR/TRE-R78-ProfilAccesReferentiel';
const INTERACTION_SYSTEM = 'http://hl7.org/fhir/restful-interaction';

/** AuditEvent.outcome from an HTTP status: 0 success, 4 minor failure (refused request), 8 serious failure. */
export const outcomeOf = (status: number): number => (status < 400 ? 0 : status < 500 ? 4 : 8);

export function auditEvent(f: AuditFacts): Record<string, unknown> {
  const c = f.caller;
  const agents: Record<string, unknown>[] = [
    {
      type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }] },
      who: c ? { identifier: { system: CLIENT_SYSTEM, value: c.clientId } } : { display: 'unauthenticated' },
      requestor: true,
      ...(c ? { role: [{ coding: [{ system: CU_SYSTEM, code: c.cu }] }] } : {}),
      ...(c ? { policy: [`${PROFILE_POLICY}${c.profile}`, ...(c.operator ? [`${WRITE_POLICY}operator`] : []), ...(f.writeProfile && f.writeProfile !== 'operator' ? [`${WRITE_POLICY}${f.writeProfile}`] : [])] } : {}),
    },
  ];
  if (c?.userProfileCode || c?.userRoleCode) {
    agents.push({
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'humanuser', display: 'human user' }] },
      requestor: false,
      role: [
        ...(c.userProfileCode ? [{ coding: [{ system: CU_SYSTEM, code: c.userProfileCode }], text: 'Ror-Profil-Utilisateur-Code' }] : []),
        ...(c.userRoleCode ? [{ coding: [{ code: c.userRoleCode }], text: 'Ror-Role-Metier-Code' }] : []),
      ],
    });
  }
  const entities: Record<string, unknown>[] = f.entities.map((e) =>
    e.id ? { what: { reference: `${e.type}/${e.id}` } } : { what: { type: e.type }, ...(f.query !== undefined ? { query: Buffer.from(f.query, 'utf8').toString('base64') } : {}) },
  );
  return {
    resourceType: 'AuditEvent',
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: INTERACTION_SYSTEM, code: f.interaction }],
    action: f.action,
    recorded: new Date(f.at).toISOString(),
    outcome: String(outcomeOf(f.status)),
    outcomeDesc: `HTTP ${f.status}`,
    agent: agents,
    source: { observer: { display: 'ror' }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '3', display: 'Web Server' }] },
    ...(entities.length ? { entity: entities } : {}),
  };
}

/** Stored form of an event: its facts, compact (the AuditEvent is rendered when the trail is read, so
 * the request path only writes this short JSON text). */
type StoredFacts = {
  c?: [string, string, number, boolean, string?, string?];
  i: string;
  a: AuditAction;
  e: [string, string | null][];
  q?: string;
  s: number;
  w?: string;
  t: number;
};

const json = JSON.stringify;

// The caller's part of a stored event, remembered per Caller: the server shares one frozen Caller between
// the requests of a client (server/auth/caller.ts), so a read does not serialise it again.
const callerFragments = new WeakMap<Caller, string>();

function callerFragment(c: Caller): string {
  let text = callerFragments.get(c);
  if (text === undefined) {
    text = `,"c":[${json(c.clientId)},${json(c.cu)},${c.profile},${c.operator},${c.userProfileCode === undefined ? 'null' : json(c.userProfileCode)},${c.userRoleCode === undefined ? 'null' : json(c.userRoleCode)}]`;
    callerFragments.set(c, text);
  }
  return text;
}

/**
 * The stored record of an event. Called for every request: its body is written as text at once (a
 * template, JSON.stringify on strings only), so that no object of the event outlives the request while
 * the batched audit waits: objects kept for a second are promoted to the old generation, whose
 * collection then costs more than the audit itself.
 */
export function auditRecord(f: AuditFacts): AuditRecord {
  const c = f.caller;
  const entities = f.entities;
  let e = '';
  for (let k = 0; k < entities.length; k++) {
    const id = entities[k].id;
    e += `${k ? ',' : ''}[${jsonOfFrequent(entities[k].type)},${id === null ? 'null' : jsonOfId(id)}]`;
  }
  let body = `{"i":${jsonOfFrequent(f.interaction)},"a":${jsonOfFrequent(f.action)},"e":[${e}],"s":${f.status},"t":${f.at}`;
  if (c) body += callerFragment(c);
  if (f.query !== undefined) body += `,"q":${json(f.query)}`;
  if (f.writeProfile) body += `,"w":${json(f.writeProfile)}`;
  return {
    recorded: f.at,
    clientId: c?.clientId ?? null,
    action: f.action,
    interaction: f.interaction,
    outcome: outcomeOf(f.status),
    entities,
    body: `${body}}`,
    // literals of JSON.stringify, numbers and the templates above: no raw newline
    bodyIsLine: true,
  };
}

/** The AuditEvent (JSON text, with its id) of a stored event. */
export function renderAuditEvent(seq: number, body: string): string {
  const s = JSON.parse(body) as StoredFacts;
  const caller = s.c
    ? { clientId: s.c[0], cu: s.c[1], profile: s.c[2], operator: s.c[3], userProfileCode: s.c[4] ?? undefined, userRoleCode: s.c[5] ?? undefined, write: [], egs: [] }
    : undefined;
  const event = auditEvent({
    caller: caller as AuditFacts['caller'], interaction: s.i, action: s.a, entities: s.e.map(([type, id]) => ({ type, id })),
    query: s.q, status: s.s, writeProfile: s.w, at: s.t,
  });
  return JSON.stringify({ resourceType: 'AuditEvent', id: String(seq), ...event });
}
