// Bundle assembly by string concatenation: stored view bodies are already JSON text, so a search or
// history page never parses and re-serialises the resources it serves.

import { randomUUID } from 'node:crypto';
import type { StoredView } from '../../store/contract.js';
import { FHIR_JSON, type FhirResponse } from './types.js';

export interface BundleEntry {
  fullUrl: string;
  /** Resource JSON text. */
  resource: string;
  mode: 'match' | 'include' | 'outcome';
}

export function searchBundle(opts: { self: string; next?: string; total?: number; entries: BundleEntry[]; outcome?: unknown }): FhirResponse {
  const parts: string[] = [];
  parts.push(`{"resourceType":"Bundle","id":"${randomUUID()}","meta":{"lastUpdated":"${new Date().toISOString()}"},"type":"searchset"`);
  if (opts.total !== undefined) parts.push(`,"total":${opts.total}`);
  parts.push(`,"link":[{"relation":"self","url":${JSON.stringify(opts.self)}}`);
  if (opts.next) parts.push(`,{"relation":"next","url":${JSON.stringify(opts.next)}}`);
  parts.push('],"entry":[');
  const entries = opts.entries.map(
    (e) => `{"fullUrl":${JSON.stringify(e.fullUrl)},"resource":${e.resource},"search":{"mode":"${e.mode}"}}`,
  );
  if (opts.outcome) entries.push(`{"resource":${JSON.stringify(opts.outcome)},"search":{"mode":"outcome"}}`);
  parts.push(entries.join(','), ']}');
  return { status: 200, headers: { 'content-type': FHIR_JSON }, body: parts.join('') };
}

export function historyBundle(base: string, type: string, id: string, versions: StoredView[], self: string, next?: string): FhirResponse {
  const entries = versions.map((v) => {
    const url = `${type}/${id}`;
    const response = `"response":{"status":"${v.body ? (v.version === 1 ? '201 Created' : '200 OK') : '204 No Content'}","etag":"W/\\"${v.version}\\"","lastModified":"${new Date(v.lastUpdated).toISOString()}"}`;
    if (v.body === null) return `{"fullUrl":"${base}/${url}","request":{"method":"DELETE","url":"${url}"},${response}}`;
    return `{"fullUrl":"${base}/${url}","resource":${v.body},"request":{"method":"${v.version === 1 ? 'POST' : 'PUT'}","url":"${v.version === 1 ? type : url}"},${response}}`;
  });
  const links = [`{"relation":"self","url":${JSON.stringify(self)}}`];
  if (next) links.push(`{"relation":"next","url":${JSON.stringify(next)}}`);
  const body = `{"resourceType":"Bundle","id":"${randomUUID()}","type":"history","link":[${links.join(',')}],"entry":[${entries.join(',')}]}`;
  return { status: 200, headers: { 'content-type': FHIR_JSON }, body };
}
