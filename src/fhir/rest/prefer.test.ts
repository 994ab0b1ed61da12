import { describe, expect, it } from 'vitest';
import { answerAsPreferred, returnPreference } from './prefer.js';
import { FHIR_JSON, type FhirResponse } from './types.js';

describe('the return preference of a write', () => {
  it('reads return= among other preferences, in any case; anything else is representation', () => {
    expect(returnPreference('return=minimal')).toBe('minimal');
    expect(returnPreference('handling=lenient, return="OperationOutcome"')).toBe('OperationOutcome');
    expect(returnPreference('respond-async; return=operationoutcome')).toBe('OperationOutcome');
    expect(returnPreference('RETURN = Minimal')).toBe('minimal');
    for (const h of [undefined, '', 'handling=strict', 'return=everything', 'return=minimalist']) expect(returnPreference(h)).toBe('representation');
  });

  const created: FhirResponse = { status: 201, headers: { 'content-type': FHIR_JSON, etag: 'W/"1"', location: 'http://x/fhir/Task/t1/_history/1' }, body: '{"resourceType":"Task"}' };

  it('minimal: the status and headers of the success, no body', () => {
    expect(answerAsPreferred(created, 'minimal')).toEqual({ status: 201, headers: { etag: 'W/"1"', location: 'http://x/fhir/Task/t1/_history/1' }, body: '' });
  });

  it('OperationOutcome: an informational outcome instead of the resource, the headers kept', () => {
    const r = answerAsPreferred(created, 'OperationOutcome');
    expect(r.headers).toEqual({ ...created.headers });
    expect(JSON.parse(r.body as string)).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: 'Created (HTTP 201): http://x/fhir/Task/t1/_history/1' }] });
  });

  it('leaves the default, errors and empty answers alone', () => {
    expect(answerAsPreferred(created, 'representation')).toBe(created);
    const refused: FhirResponse = { status: 412, headers: { 'content-type': FHIR_JSON }, body: '{"resourceType":"OperationOutcome"}' };
    expect(answerAsPreferred(refused, 'minimal')).toBe(refused);
    const deleted: FhirResponse = { status: 204, headers: {}, body: '' };
    expect(answerAsPreferred(deleted, 'OperationOutcome')).toBe(deleted);
  });
});
