// One test per side channel of the access policy: totals, ordering, versions, timestamps (_lastUpdated
// search and history), error messages, includes. Each compares a profile that may see a value with one
// that may not, on data where the hidden value would change the answer.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '../../src/policy/types.js';
import { directoryFixture } from '../fixtures/directory.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SD = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
const NOS = (name: string) => `https://mos.esante.gouv.fr/NOS/${name}/FHIR/${name.replace('_', '-')}`;
const indicator = (status: string, nb: number) => ({
  url: SD + 'ror-location-supported-capacity',
  extension: [
    { url: 'capacityType', valueCodeableConcept: { coding: [{ system: NOS('TRE_R329-NatureCapacite'), code: '01' }] } },
    { url: 'capacityStatus', valueCodeableConcept: { coding: [{ system: NOS('TRE_R330-TypeStatutCapacite'), code: status }] } },
    { url: 'temporalityCapacity', valueCodeableConcept: { coding: [{ system: NOS('TRE_R331-TemporaliteCapacite'), code: '01' }] } },
    { url: 'nbCapacity', valueInteger: nb },
    { url: 'temporaryAssignement', valueCodeableConcept: { coding: [{ system: NOS('TRE_R337-AffectationTemporaire'), code: '01' }] } },
  ],
});
const place = (id: string, installed: number, available: number): Resource => ({
  resourceType: 'Location',
  id,
  name: `Lieu ${id}`,
  extension: [indicator('01', installed), indicator('02', available)],
  managingOrganization: { reference: 'Organization/eg-chu' },
});

let s: TestServer;
beforeAll(async () => {
  // a-loc: few installed beds, many available; b-loc: the reverse. Profile 0 sees installed beds only.
  s = await startTestServer([...directoryFixture(), place('a-loc', 10, 50), place('b-loc', 20, 1)]);
});
afterAll(async () => s?.close());

const ids = (b: any) => (b.entry ?? []).filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource.id);

describe('side channels', () => {
  it('totals: a hidden value does not count', async () => {
    const p0 = await s.request('demo-public', '/fhir/Location?_id=a-loc,b-loc&nb-capacity=gt40');
    const p1 = await s.request('demo-samu', '/fhir/Location?_id=a-loc,b-loc&nb-capacity=gt40');
    expect(p1.body.total).toBe(1);
    expect(p0.body.total).toBe(0);
  });

  it('ordering: a hidden value does not order', async () => {
    const p1 = await s.request('demo-samu', '/fhir/Location?_id=a-loc,b-loc&_sort=-nb-capacity');
    const p0 = await s.request('demo-public', '/fhir/Location?_id=a-loc,b-loc&_sort=-nb-capacity');
    expect(ids(p1.body)).toEqual(['a-loc', 'b-loc']); // 50 available beds first
    expect(ids(p0.body)).toEqual(['b-loc', 'a-loc']); // only installed beds: 20 before 10
  });

  it('versions, ETags and timestamps: a hidden change is invisible (read, _lastUpdated search, history)', async () => {
    const before0 = await s.request('demo-public', '/fhir/Location/a-loc');
    const before1 = await s.request('demo-samu', '/fhir/Location/a-loc');
    const mark = new Date(Date.now() + 1).toISOString();
    await new Promise((r) => setTimeout(r, 10));
    await s.ingest([place('a-loc', 10, 49)]);
    const after0 = await s.request('demo-public', '/fhir/Location/a-loc');
    const after1 = await s.request('demo-samu', '/fhir/Location/a-loc');
    expect(after1.headers.get('etag')).not.toBe(before1.headers.get('etag'));
    expect(after0.headers.get('etag')).toBe(before0.headers.get('etag'));
    expect(after0.headers.get('last-modified')).toBe(before0.headers.get('last-modified'));
    expect(after0.text).toBe(before0.text);
    const since = encodeURIComponent(`gt${mark}`);
    expect(ids((await s.request('demo-samu', `/fhir/Location?_lastUpdated=${since}`)).body)).toEqual(['a-loc']);
    expect(ids((await s.request('demo-public', `/fhir/Location?_lastUpdated=${since}`)).body)).toEqual([]);
    expect((await s.request('demo-public', '/fhir/Location/a-loc/_history')).body.entry).toHaveLength(1);
    expect((await s.request('demo-samu', '/fhir/Location/a-loc/_history')).body.entry).toHaveLength(2);
    expect((await s.request('demo-public', `/fhir/Location/a-loc/_history?_since=${encodeURIComponent(mark)}`)).body.entry ?? []).toHaveLength(0);
  });

  it('error messages: a hidden resource is reported exactly like one that never existed', async () => {
    const hidden = await s.request('demo-public', '/fhir/HealthcareService/hcs-uhsi');
    const never = await s.request('demo-public', '/fhir/HealthcareService/hcs-nope');
    expect(hidden.status).toBe(never.status);
    expect(hidden.text.replace('hcs-uhsi', 'ID')).toBe(never.text.replace('hcs-nope', 'ID'));
    const vHidden = await s.request('demo-public', '/fhir/HealthcareService/hcs-uhsi/_history/1');
    const vNever = await s.request('demo-public', '/fhir/HealthcareService/hcs-nope/_history/1');
    expect(vHidden.text.replace('hcs-uhsi', 'ID')).toBe(vNever.text.replace('hcs-nope', 'ID'));
  });

  it('includes: a hidden target or source is never included', async () => {
    const inc = await s.request('demo-public', '/fhir/HealthcareService?_id=hcs-cardio&_include=HealthcareService:location');
    expect(inc.text).not.toContain('loc-shared');
    const rev = await s.request('demo-public', '/fhir/Organization?_id=eg-chu&_revinclude=HealthcareService:organization');
    expect(rev.text).not.toContain('hcs-uhsi');
    const rev1 = await s.request('demo-samu', '/fhir/Organization?_id=eg-chu&_revinclude=HealthcareService:organization');
    expect(rev1.text).toContain('hcs-uhsi');
  });

  it('chains and _has: a hidden value or resource never satisfies them', async () => {
    const has0 = await s.request('demo-public', '/fhir/Location?_has:HealthcareService:location:name=CANARY');
    const has1 = await s.request('demo-samu', '/fhir/Location?_has:HealthcareService:location:name=CANARY');
    expect(has1.body.total).toBeGreaterThan(0);
    expect(has0.body.total).toBe(0);
    const chain0 = await s.request('demo-public', '/fhir/HealthcareService?location.capacity-status=02');
    const chain1 = await s.request('demo-samu', '/fhir/HealthcareService?location.capacity-status=02');
    expect(chain1.body.total).toBeGreaterThan(0);
    expect(chain0.body.total).toBe(0);
  });
});
