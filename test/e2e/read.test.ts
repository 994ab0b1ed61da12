import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, directoryFixture } from '../fixtures/directory.js';
import { CLIENT_OF_PROFILE, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(directoryFixture());
});
afterAll(async () => s?.close());

describe('read', () => {
  it('serves a resource as application/fhir+json with its view version as ETag', async () => {
    const r = await s.request('demo-samu', '/fhir/Organization/eg-chu');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(r.body.resourceType).toBe('Organization');
    expect(r.body.id).toBe('eg-chu');
    expect(r.headers.get('etag')).toBe(`W/"${r.body.meta.versionId}"`);
    expect(new Date(r.headers.get('last-modified')!).getTime()).toBe(Math.floor(Date.parse(r.body.meta.lastUpdated) / 1000) * 1000);
  });

  it('answers 404 with an OperationOutcome for an unknown id, 400 for a malformed one, 404 for an unknown type', async () => {
    const unknown = await s.request('demo-samu', '/fhir/Organization/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.issue[0].code).toBe('not-found');
    expect((await s.request('demo-samu', '/fhir/Organization/bad$id')).status).toBe(400);
    const type = await s.request('demo-samu', '/fhir/Patient/1');
    expect(type.status).toBe(404);
    expect(type.body.issue[0].diagnostics).toMatch(/Patient/);
  });

  it('serves each profile only its view: every canary reaches exactly its profiles', async () => {
    const paths = ['Organization/eg-chu', 'Organization/eg-ehpad', 'Location/loc-cardio', 'PractitionerRole/role-hosp', 'PractitionerRole/role-ville', 'HealthcareService/hcs-uhsi'];
    for (const [p, client] of CLIENT_OF_PROFILE.entries()) {
      const texts = await Promise.all(paths.map((path) => s.request(client, `/fhir/${path}`).then((r) => r.text)));
      const all = texts.join('\n');
      for (const [name, canary] of Object.entries(CANARY)) {
        const allowed = (canary.profiles as readonly number[]).includes(p);
        expect({ profile: p, name, seen: all.includes(canary.value) }).toEqual({ profile: p, name, seen: allowed });
      }
    }
  });

  it('a sensitive unit does not exist for profiles without très restreint access (404, same as unknown)', async () => {
    for (const [p, client] of CLIENT_OF_PROFILE.entries()) {
      const r = await s.request(client, '/fhir/HealthcareService/hcs-uhsi');
      const unknown = await s.request(client, '/fhir/HealthcareService/never-existed');
      if (p === 1 || p === 4) expect(r.status).toBe(200);
      else {
        expect(r.status).toBe(404);
        expect(r.body.issue[0].diagnostics.replace('hcs-uhsi', 'X')).toBe(unknown.body.issue[0].diagnostics.replace('never-existed', 'X'));
      }
    }
    // Its exclusive location cascades with it; the shared one too (policy-decisions §4).
    expect((await s.request('demo-public', '/fhir/Location/loc-uhsi')).status).toBe(404);
    expect((await s.request('demo-public', '/fhir/Location/loc-shared')).status).toBe(404);
    expect((await s.request('demo-samu', '/fhir/Location/loc-shared')).status).toBe(200);
  });

  it('removes references to resources that do not exist for the caller', async () => {
    const p0 = await s.request('demo-public', '/fhir/HealthcareService/hcs-cardio');
    const p1 = await s.request('demo-samu', '/fhir/HealthcareService/hcs-cardio');
    expect(p1.body.location.map((l: any) => l.reference)).toEqual(['Location/loc-cardio', 'Location/loc-shared']);
    expect(p0.body.location.map((l: any) => l.reference)).toEqual(['Location/loc-cardio']);
  });

  it('marks redacted views REDACTED and leaves full views unmarked', async () => {
    const p0 = await s.request('demo-public', '/fhir/Organization/eg-chu');
    const p1 = await s.request('demo-samu', '/fhir/Organization/eg-chu');
    const redacted = (r: any) => (r.meta.security ?? []).some((c: any) => c.code === 'REDACTED');
    expect(redacted(p0.body)).toBe(true);
    expect(redacted(p1.body)).toBe(false);
  });

  it('a practitioner of a hospital offer does not exist for profile 0; a ville one does', async () => {
    expect((await s.request('demo-public', '/fhir/PractitionerRole/role-hosp')).status).toBe(404);
    expect((await s.request('demo-public', '/fhir/Practitioner/pr-hosp')).status).toBe(404);
    expect((await s.request('demo-public', '/fhir/PractitionerRole/role-ville')).status).toBe(200);
    expect((await s.request('demo-public', '/fhir/Practitioner/pr-ville')).status).toBe(200);
    // Profile 4 sees the role without the personal data.
    const p4 = await s.request('demo-ars', '/fhir/PractitionerRole/role-hosp');
    expect(p4.status).toBe(200);
    expect(p4.text).not.toContain(CANARY.hospitalDoctorName.value);
  });
});

describe('versions follow the view', () => {
  it('a bed update bumps the version of profiles that see beds only', async () => {
    const before = await Promise.all(CLIENT_OF_PROFILE.map((c) => s.request(c, '/fhir/Location/loc-ehpad')));
    const fixture = directoryFixture().find((r) => r.id === 'loc-ehpad')!;
    const updated = JSON.parse(JSON.stringify(fixture));
    const available = (updated.extension as any[]).filter((e) => e.url.endsWith('ror-location-supported-capacity'))[1];
    available.extension.find((e: any) => e.url === 'nbCapacity').valueInteger = 7;
    await new Promise((r) => setTimeout(r, 5));
    await s.ingest([updated]);
    const after = await Promise.all(CLIENT_OF_PROFILE.map((c) => s.request(c, '/fhir/Location/loc-ehpad')));
    for (const p of [0, 1, 2, 3, 4, 5]) {
      const seesAvailability = [1, 2, 3, 4].includes(p); // EHPAD is médico-social: P3 sees restreint MS data
      const b = before[p].body.meta;
      const a = after[p].body.meta;
      if (seesAvailability) {
        expect({ p, changed: a.versionId !== b.versionId }).toEqual({ p, changed: true });
        expect(after[p].headers.get('etag')).not.toBe(before[p].headers.get('etag'));
      } else {
        expect({ p, versionId: a.versionId, lastUpdated: a.lastUpdated }).toEqual({ p, versionId: b.versionId, lastUpdated: b.lastUpdated });
        expect(after[p].text).toBe(before[p].text);
      }
    }
  });

  it('vread and history list only the versions of the caller’s view', async () => {
    const h0 = await s.request('demo-public', '/fhir/Location/loc-ehpad/_history');
    const h1 = await s.request('demo-samu', '/fhir/Location/loc-ehpad/_history');
    expect(h0.status).toBe(200);
    expect(h0.body.type).toBe('history');
    expect(h0.body.entry).toHaveLength(1);
    expect(h1.body.entry).toHaveLength(2);
    const v1 = await s.request('demo-samu', '/fhir/Location/loc-ehpad/_history/1');
    expect(v1.status).toBe(200);
    expect(v1.body.meta.versionId).toBe('1');
    expect((await s.request('demo-public', '/fhir/Location/loc-ehpad/_history/2')).status).toBe(404);
    expect((await s.request('demo-samu', '/fhir/Location/loc-ehpad/_history/x')).status).toBe(400);
  });

  it('history of a resource hidden from the caller is 404', async () => {
    expect((await s.request('demo-public', '/fhir/HealthcareService/hcs-uhsi/_history')).status).toBe(404);
    expect((await s.request('demo-public', '/fhir/HealthcareService/hcs-uhsi/_history/1')).status).toBe(404);
  });

  it('re-importing identical data changes nothing', async () => {
    const before = await s.request('demo-samu', '/fhir/Organization/eg-chu');
    await s.ingest(directoryFixture().filter((r) => r.resourceType === 'Organization'));
    const after = await s.request('demo-samu', '/fhir/Organization/eg-chu');
    expect(after.text).toBe(before.text);
  });
});
