import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFixture } from '../fixtures/directory.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(directoryFixture());
});
afterAll(async () => s?.close());

describe('metadata', () => {
  it('is a CapabilityStatement generated from what is supported, without a token', async () => {
    const r = await s.request(null, '/fhir/metadata');
    expect(r.status).toBe(200);
    expect(r.body.resourceType).toBe('CapabilityStatement');
    expect(r.body.fhirVersion).toBe('4.0.1');
    const location = r.body.rest[0].resource.find((x: any) => x.type === 'Location');
    const names = location.searchParam.map((p: any) => p.name);
    for (const n of ['identifier', 'near', 'address-postalcode', 'capacity-status', 'nb-capacity', 'near-insee-code', '_id', '_lastUpdated', '_tag']) expect(names).toContain(n);
    expect(location.interaction.map((i: any) => i.code)).toEqual(expect.arrayContaining(['read', 'vread', 'history-instance', 'search-type']));
    expect(location.searchRevInclude).toContain('HealthcareService:location');
  });
});

describe('bad input always gets an OperationOutcome with the right status', () => {
  it('unknown route: 404', async () => {
    const r = await s.request('demo-samu', '/nothing/here');
    expect(r.status).toBe(404);
    expect(r.body.resourceType).toBe('OperationOutcome');
  });

  it('wrong media type on POST _search: 415', async () => {
    const r = await s.request('demo-samu', '/fhir/Organization/_search', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'name=x' });
    expect(r.status).toBe(415);
    expect(r.body.resourceType).toBe('OperationOutcome');
  });

  it('malformed JSON body: 400', async () => {
    const r = await s.request('demo-samu', '/fhir/Organization/_search', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: '{nope' });
    expect([400, 415]).toContain(r.status);
    expect(r.body.resourceType).toBe('OperationOutcome');
  });

  it('oversized body: 413', async () => {
    const r = await s.request('demo-samu', '/fhir/Organization/_search', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `name=${'x'.repeat(11 * 1024 * 1024)}`,
    });
    expect(r.status).toBe(413);
    expect(r.body.resourceType).toBe('OperationOutcome');
  });

  it('type-level history is refused clearly', async () => {
    const r = await s.request('demo-samu', '/fhir/Organization/_history');
    expect(r.status).toBe(400);
    expect(r.body.issue[0].diagnostics).toMatch(/history/);
  });

  it('never returns a stack trace', async () => {
    for (const path of ['/fhir/Organization?_count=%', '/fhir/%E0%A4%A', '/fhir/Organization/eg-chu/_history/99999999999999999999']) {
      const r = await s.request('demo-samu', path);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });
});

describe('policy explanation endpoint', () => {
  it('tells the operator what each profile sees of a resource and why', async () => {
    const r = await s.request('demo-operator', '/fhir/Organization/eg-chu/$explain');
    expect(r.status).toBe(200);
    expect(r.body.resourceType).toBe('Parameters');
    const profiles = r.body.parameter.filter((p: any) => p.name === 'profile');
    expect(profiles).toHaveLength(6);
    const p0 = profiles.find((p: any) => p.part[0].valueInteger === 0);
    const hidden = p0.part.filter((x: any) => x.name === 'hidden').map((h: any) => h.part.find((y: any) => y.name === 'group').valueString);
    expect(hidden.length).toBeGreaterThan(0);
    expect(r.body.parameter.find((p: any) => p.name === 'sectors').valueString).toBe('sanitaire');
  });

  it('is refused to tools, before any lookup', async () => {
    const known = await s.request('demo-samu', '/fhir/Organization/eg-chu/$explain');
    const unknown = await s.request('demo-samu', '/fhir/Organization/nope/$explain');
    expect(known.status).toBe(403);
    expect(unknown.text).toBe(known.text);
  });
});
