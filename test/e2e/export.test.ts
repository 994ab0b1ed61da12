// Bulk export ($export): asynchronous kick-off, manifest, NDJSON files holding the caller's views only.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, directoryFixture } from '../fixtures/directory.js';
import { CLIENT_OF_PROFILE, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(directoryFixture());
});
afterAll(async () => s?.close());

async function exportAll(client: string, query = ''): Promise<Map<string, any[]>> {
  const kick = await s.request(client, `/fhir/$export${query}`, { headers: { prefer: 'respond-async' } });
  expect(kick.status).toBe(202);
  const status = await s.request(client, new URL(kick.headers.get('content-location')!).pathname);
  expect(status.status).toBe(200);
  expect(status.body.requiresAccessToken).toBe(true);
  const out = new Map<string, any[]>();
  for (const o of status.body.output) {
    const file = await s.request(client, new URL(o.url).pathname);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/ndjson/);
    out.set(o.type, file.text.split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  }
  return out;
}

describe('$export', () => {
  it('exports every directory type as NDJSON, the caller’s view only', async () => {
    for (const [p, client] of CLIENT_OF_PROFILE.entries()) {
      const files = await exportAll(client);
      expect([...files.keys()].sort()).toEqual(['HealthcareService', 'Location', 'Organization', 'Practitioner', 'PractitionerRole']);
      const text = JSON.stringify([...files.values()]);
      for (const [name, canary] of Object.entries(CANARY)) {
        expect({ p, name, seen: text.includes(canary.value) }).toEqual({ p, name, seen: (canary.profiles as readonly number[]).includes(p) });
      }
      // Exactly what a search returns, resource by resource.
      for (const [type, resources] of files) {
        const search = await s.request(client, `/fhir/${type}?_count=200`);
        expect(resources.map((r) => r.id).sort()).toEqual(search.body.entry.map((e: any) => e.resource.id).sort());
        expect(search.body.total).toBe(resources.length);
      }
    }
  });

  it('_type and _since narrow the export; a job belongs to its client', async () => {
    const only = await exportAll('demo-samu', '?_type=Organization');
    expect([...only.keys()]).toEqual(['Organization']);
    const future = await exportAll('demo-samu', `?_since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect([...future.values()].flat()).toHaveLength(0);
    const kick = await s.request('demo-samu', '/fhir/$export', { headers: { prefer: 'respond-async' } });
    const path = new URL(kick.headers.get('content-location')!).pathname;
    const stolen = await s.request('demo-public', path);
    expect(stolen.status).toBe(404);
    const narrowed = await s.request('demo-samu', path, { headers: { 'Ror-Profil-Utilisateur-Code': 'CU23' } });
    expect(narrowed.status).toBe(404);
  });

  it('refuses a synchronous request, unknown types and parameters', async () => {
    expect((await s.request('demo-samu', '/fhir/$export')).status).toBe(400);
    expect((await s.request('demo-samu', '/fhir/$export?_type=Patient', { headers: { prefer: 'respond-async' } })).status).toBe(400);
    expect((await s.request('demo-samu', '/fhir/$export?_type=Task', { headers: { prefer: 'respond-async' } })).status).toBe(400);
    expect((await s.request('demo-samu', '/fhir/$export?_foo=1', { headers: { prefer: 'respond-async' } })).status).toBe(400);
    expect((await s.request('demo-samu', '/fhir/$export?_outputFormat=text/csv', { headers: { prefer: 'respond-async' } })).status).toBe(400);
  });
});
