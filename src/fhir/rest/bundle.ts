// Bundle assembly by concatenation: stored view bodies are already JSON (text or UTF-8 bytes), so a search
// or history page never parses and re-serialises the resources it serves.

import { randomUUID } from 'node:crypto';
import type { StoredView } from '../../store/contract.js';
import { FHIR_JSON, type FhirResponse } from './types.js';
import { ByteBuilder } from './bytes.js';

export interface BundleEntry {
  fullUrl: string;
  /** Resource JSON, as text or UTF-8 bytes. */
  resource: string | Buffer;
  mode: 'match' | 'include' | 'outcome';
}

/** The searchset Bundle as UTF-8 bytes: the resources' bytes are copied in, never re-encoded. */
export function searchBundle(opts: { self: string; next?: string; total?: number; entries: BundleEntry[]; outcome?: unknown }): FhirResponse {
  const out = new ByteBuilder();
  out.text(`{"resourceType":"Bundle","id":"${randomUUID()}","meta":{"lastUpdated":"${new Date().toISOString()}"},"type":"searchset"`);
  if (opts.total !== undefined) out.text(`,"total":${opts.total}`);
  out.text(`,"link":[{"relation":"self","url":${JSON.stringify(opts.self)}}`);
  if (opts.next) out.text(`,{"relation":"next","url":${JSON.stringify(opts.next)}}`);
  out.text('],"entry":[');
  opts.entries.forEach((e, i) => {
    out.text(`${i ? ',' : ''}{"fullUrl":${JSON.stringify(e.fullUrl)},"resource":`).append(e.resource).text(`,"search":{"mode":"${e.mode}"}}`);
  });
  if (opts.outcome) out.text(`${opts.entries.length ? ',' : ''}{"resource":${JSON.stringify(opts.outcome)},"search":{"mode":"outcome"}}`);
  out.text(']}');
  return { status: 200, headers: { 'content-type': FHIR_JSON }, body: out.finish() };
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
