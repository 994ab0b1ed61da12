// The `return` preference of a write (FHIR R4 RESTful API, create / update / patch): what a successful write
// answers with. A bed-management tool pushing capacity all day has no use for the 13.5 KB Location it
// just changed: `Prefer: return=minimal` answers the status and headers (ETag, Last-Modified, Location)
// only; `return=OperationOutcome` an outcome saying what was done; `return=representation` (the default)
// the caller's view of the resource.
import { FHIR_JSON, type FhirResponse } from './types.js';

export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

const PREFERENCES = new Map<string, ReturnPreference>([['minimal', 'minimal'], ['representation', 'representation'], ['operationoutcome', 'OperationOutcome']]);

/** The return preference of a Prefer header (preferences separated by commas or semicolons); an absent
 * or unknown one is the default, representation (RFC 7240: a preference a server does not know is ignored). */
export function returnPreference(header: string | undefined): ReturnPreference {
  for (const part of (header ?? '').split(/[,;]/)) {
    const m = /^\s*return\s*=\s*"?([A-Za-z]+)"?\s*$/i.exec(part);
    const found = m ? PREFERENCES.get(m[1].toLowerCase()) : undefined;
    if (found) return found;
  }
  return 'representation';
}

/** A write's answer under a return preference. Only a success that carries a body changes; errors keep
 * their OperationOutcome. */
export function answerAsPreferred(res: FhirResponse, preference: ReturnPreference): FhirResponse {
  if (preference === 'representation' || res.status < 200 || res.status >= 300 || res.status === 204) return res;
  const { 'content-type': _type, ...headers } = res.headers;
  if (preference === 'minimal') return { status: res.status, headers, body: '' };
  const where = headers.location ? `: ${headers.location}` : '';
  const outcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics: `${res.status === 201 ? 'Created' : 'Done'} (HTTP ${res.status})${where}` }],
  };
  return { status: res.status, headers: { ...headers, 'content-type': FHIR_JSON }, body: JSON.stringify(outcome) };
}
