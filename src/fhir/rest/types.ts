// Transport-free FHIR requests and responses: the server adapts HTTP to these.

import type { Profile } from '../../policy/index.js';

/** Who is calling and with which effective read profile (already narrowed to the end user's). */
export interface Caller {
  clientId: string;
  cu: string;
  profile: Profile;
  operator: boolean;
  write: string[];
  egs: string[];
  /** End-user headers as received, for the audit. */
  userProfileCode?: string;
  userRoleCode?: string;
}

export interface FhirResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON of the body (a resource, Bundle or OperationOutcome), as text or UTF-8 bytes, or as the parts
   * of a large answer (sent one after the other). */
  body: string | Buffer | ChunkedBody;
}

/** The UTF-8 bytes of a large answer in parts, never joined into one buffer. */
export interface ChunkedBody {
  chunks: Buffer[];
  length: number;
}

export interface SearchRequest {
  type: string;
  params: [string, string][];
  lenient: boolean;
  /** Base URL of the FHIR endpoint, e.g. http://127.0.0.1:8080/fhir */
  base: string;
}

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): FhirResponse {
  return { status, headers: { 'content-type': FHIR_JSON, ...headers }, body: JSON.stringify(body) };
}
