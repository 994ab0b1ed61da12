import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, directoryFixture } from '../fixtures/directory.js';
import { CLIENT_OF_PROFILE, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(directoryFixture());
});
afterAll(async () => s?.close());

const ids = (bundle: any, mode = 'match') => (bundle.entry ?? []).filter((e: any) => e.search?.mode === mode).map((e: any) => `${e.resource.resourceType}/${e.resource.id}`).sort();
const get = (client: string, q: string) => s.request(client, `/fhir/${q}`);

describe('search basics', () => {
  it('returns a searchset Bundle with total and self link', async () => {
    const r = await get('demo-samu', 'Organization');
    expect(r.status).toBe(200);
    expect(r.body.resourceType).toBe('Bundle');
    expect(r.body.type).toBe('searchset');
    expect(r.body.total).toBe(5);
    expect(r.body.link[0].relation).toBe('self');
  });

  it('token: type, identifier with and without system, :not, :missing', async () => {
    expect(ids((await get('demo-samu', 'Organization?type=355')).body)).toEqual(['Organization/eg-chu']);
    expect(ids((await get('demo-samu', 'Organization?identifier=https://finess.esante.gouv.fr|350000741')).body)).toEqual(['Organization/eg-chu']);
    expect(ids((await get('demo-samu', 'Organization?identifier=350000741')).body)).toEqual(['Organization/eg-chu']);
    expect(ids((await get('demo-samu', 'Organization?identifier=http://other|350000741')).body)).toEqual([]);
    expect((await get('demo-samu', 'Organization?type:not=355')).body.total).toBe(4);
    expect(ids((await get('demo-samu', 'Organization?partof:missing=true')).body)).toEqual(['Organization/eg-msp', 'Organization/ej-chu', 'Organization/ej-ehpad']);
  });

  it('string: default prefix, :exact, :contains, accents ignored', async () => {
    expect(ids((await get('demo-samu', 'Organization?name=hopital')).body)).toEqual(['Organization/eg-chu']);
    expect(ids((await get('demo-samu', 'Organization?name:exact=EHPAD Les Tilleuls')).body)).toEqual(['Organization/eg-ehpad']);
    expect(ids((await get('demo-samu', 'Organization?name:exact=EHPAD Les')).body)).toEqual([]);
    expect(ids((await get('demo-samu', 'Organization?name:contains=tilleul')).body)).toEqual(['Organization/eg-ehpad', 'Organization/ej-ehpad']);
  });

  it('reference, chain, :above/:below hierarchy, _has', async () => {
    expect(ids((await get('demo-samu', 'HealthcareService?organization=Organization/eg-ehpad')).body)).toEqual(['HealthcareService/hcs-ehpad']);
    expect(ids((await get('demo-samu', 'HealthcareService?organization.identifier=350012345')).body)).toEqual(['HealthcareService/hcs-ehpad']);
    expect(ids((await get('demo-samu', 'Organization?partof:below=ej-chu')).body)).toEqual(['Organization/eg-chu']);
    expect(ids((await get('demo-samu', 'Location?_has:HealthcareService:location:identifier=UE-hcs-ehpad')).body)).toEqual(['Location/loc-ehpad']);
  });

  it('number and prefixes on capacities (ROR parameters, corrected expressions)', async () => {
    expect(ids((await get('demo-samu', 'Location?capacity-status=02')).body)).toEqual(['Location/loc-cardio', 'Location/loc-ehpad']);
    expect(ids((await get('demo-samu', 'Location?nb-capacity=gt50')).body)).toEqual(['Location/loc-ehpad']);
    expect(ids((await get('demo-samu', 'Location?nb-capacity=le4&capacity-status=02')).body)).toEqual(['Location/loc-cardio', 'Location/loc-ehpad']);
    expect(ids((await get('demo-samu', 'Location?crisis-type=02')).body)).toEqual(['Location/loc-cardio']);
  });

  it('date prefixes on _lastUpdated', async () => {
    expect((await get('demo-samu', 'Organization?_lastUpdated=gt2000-01-01')).body.total).toBe(5);
    expect((await get('demo-samu', 'Organization?_lastUpdated=lt2000-01-01')).body.total).toBe(0);
  });

  it('near (lat|long|distance|unit) and near-insee-code', async () => {
    expect((await get('demo-samu', 'Location?near=48.11|-1.68|5|km')).body.total).toBeGreaterThan(0);
    expect((await get('demo-samu', 'Location?near=43.30|5.37|5|km')).body.total).toBe(0);
    expect((await get('demo-samu', 'Location?near-insee-code=35238')).body.total).toBeGreaterThan(0);
  });

  it('_sort, _count, paging with next links', async () => {
    const asc = await get('demo-samu', 'Organization?_sort=name&_count=2');
    expect(asc.body.entry).toHaveLength(2);
    const names: string[] = asc.body.entry.map((e: any) => e.resource.name);
    let next = asc.body.link.find((l: any) => l.relation === 'next')?.url;
    while (next) {
      const page = await s.request('demo-samu', next.replace(s.url, ''));
      names.push(...page.body.entry.map((e: any) => e.resource.name));
      next = page.body.link.find((l: any) => l.relation === 'next')?.url;
    }
    expect(names).toHaveLength(5);
    expect([...names].sort((a, b) => a.localeCompare(b, 'fr', { sensitivity: 'base' }))).toEqual(names);
    const desc = await get('demo-samu', 'Organization?_sort=-name&_count=5');
    expect(desc.body.entry.map((e: any) => e.resource.name)).toEqual([...names].reverse());
  });

  it('_include and _revinclude (with :iterate)', async () => {
    const r = await get('demo-samu', 'HealthcareService?_id=hcs-ehpad&_include=HealthcareService:organization&_include=HealthcareService:location');
    expect(ids(r.body)).toEqual(['HealthcareService/hcs-ehpad']);
    expect(ids(r.body, 'include')).toEqual(['Location/loc-ehpad', 'Organization/eg-ehpad']);
    const it2 = await get('demo-samu', 'HealthcareService?_id=hcs-ehpad&_include=HealthcareService:organization&_include:iterate=Organization:partof');
    expect(ids(it2.body, 'include')).toEqual(['Organization/eg-ehpad', 'Organization/ej-ehpad']);
    const rev = await get('demo-samu', 'Location?_id=loc-ehpad&_revinclude=HealthcareService:location');
    expect(ids(rev.body, 'include')).toEqual(['HealthcareService/hcs-ehpad']);
  });

  it('_elements and _summary subset the view and mark it SUBSETTED', async () => {
    const r = await get('demo-samu', 'Organization?_id=eg-chu&_elements=name');
    const org = r.body.entry[0].resource;
    expect(org.name).toBe('Hôpital Pontchaillou');
    expect(org.address).toBeUndefined();
    expect(org.meta.tag.some((t: any) => t.code === 'SUBSETTED')).toBe(true);
    const count = await get('demo-samu', 'Organization?_summary=count');
    expect(count.body.total).toBe(5);
    expect(count.body.entry ?? []).toHaveLength(0);
  });

  it('POST _search takes a form body', async () => {
    const r = await s.request('demo-samu', '/fhir/Organization/_search', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'type=355',
    });
    expect(r.status).toBe(200);
    expect(ids(r.body)).toEqual(['Organization/eg-chu']);
  });
});

describe('search over what the caller can see', () => {
  it('a hidden value never matches: profile 0 cannot find a Location by its availability', async () => {
    expect((await get('demo-public', 'Location?capacity-status=02')).body.total).toBe(0);
    expect((await get('demo-orientation', 'Location?capacity-status=02')).body.total).toBe(2);
    // P3 sees médico-social availability only.
    expect(ids((await get('demo-ms', 'Location?capacity-status=02')).body)).toEqual(['Location/loc-ehpad']);
  });

  it('a hidden telecom cannot be searched, even by exact value', async () => {
    const q = `Organization?_has:Organization:partof:_id=x`; // warm-up of _has on an empty set
    expect((await get('demo-public', q)).status).toBe(200);
    for (const [p, client] of CLIENT_OF_PROFILE.entries()) {
      const r = await get(client, `Organization?phone=${encodeURIComponent(CANARY.veryRestrictedPhone.value)}`);
      if (r.status === 400) continue; // parameter not supported is fine: nothing leaks
      expect({ p, total: r.body.total }).toEqual({ p, total: p === 1 ? 1 : 0 });
    }
  });

  it('hidden resources are absent from totals, includes and chains', async () => {
    const p0 = await get('demo-public', 'HealthcareService');
    const p1 = await get('demo-samu', 'HealthcareService');
    expect(p1.body.total).toBe(4);
    expect(p0.body.total).toBe(3);
    expect(p0.text).not.toContain(CANARY.sensitiveOfferName.value);
    const inc = await get('demo-public', 'HealthcareService?_id=hcs-cardio&_include=HealthcareService:location');
    expect(ids(inc.body, 'include')).toEqual(['Location/loc-cardio']);
    const chain = await get('demo-public', 'HealthcareService?location.name=UHSI');
    expect(chain.body.total).toBe(0);
    const rev = await get('demo-public', 'Location?_revinclude=HealthcareService:location');
    expect(rev.text).not.toContain('hcs-uhsi');
  });

  it('sorting never orders by a hidden value', async () => {
    // Sorting on a capacity number for profile 0 must not reveal the order of hidden availabilities:
    // every location ties on the only visible values (installed capacity) or has none.
    const r = await get('demo-public', 'Location?_sort=-nb-capacity');
    if (r.status === 400) return;
    const order = r.body.entry.map((e: any) => e.resource.id);
    const installed = await get('demo-public', 'Location?_sort=-nb-capacity&capacity-status=01');
    expect(order.slice(0, installed.body.entry.length)).toEqual(installed.body.entry.map((e: any) => e.resource.id));
  });
});

describe('search errors', () => {
  it('unknown parameter: 400 naming it; ignored with Prefer: handling=lenient', async () => {
    const strict = await get('demo-samu', 'Organization?foo=bar');
    expect(strict.status).toBe(400);
    expect(strict.body.issue[0].diagnostics).toMatch(/foo/);
    const lenient = await s.request('demo-samu', '/fhir/Organization?foo=bar', { headers: { prefer: 'handling=lenient' } });
    expect(lenient.status).toBe(200);
    expect(lenient.body.total).toBe(5);
  });

  it('bad modifier, bad prefix, malformed date and number, absurd _count, bad cursor', async () => {
    for (const q of ['Organization?name:below=x', 'Location?nb-capacity=xx5', 'Organization?_lastUpdated=2020-13-45', 'Location?nb-capacity=abc', 'Organization?_count=-1', 'Organization?_count=abc', 'Organization?_cursor=zzz', 'Organization?_sort=nosuch']) {
      const r = await get('demo-samu', q);
      expect({ q, status: r.status, type: r.body?.resourceType }).toEqual({ q, status: 400, type: 'OperationOutcome' });
    }
  });

  it('clamps _count to 200', async () => {
    const r = await get('demo-samu', 'Organization?_count=100000');
    expect(r.status).toBe(200);
  });
});

describe('large answers', () => {
  let big: TestServer;
  const ORGS = 150;
  beforeAll(async () => {
    // about 100 KiB of Organizations: beyond the size up to which an answer is joined into one buffer
    big = await startTestServer(Array.from({ length: ORGS }, (_, i) => ({
      resourceType: 'Organization', id: `org-${String(i).padStart(3, '0')}`, name: `Établissement ${i} ${'é'.repeat(300)}`, active: true,
    })) as any);
  });
  afterAll(async () => big?.close());

  it('are sent in parts with their exact length, and arrive whole', async () => {
    const r = await big.request('demo-samu', '/fhir/Organization?_count=200');
    expect(r.status).toBe(200);
    expect(Buffer.byteLength(r.text)).toBeGreaterThan(64 * 1024);
    expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(r.text)));
    expect(r.headers.get('transfer-encoding')).toBeNull();
    expect(r.body.total).toBe(ORGS);
    expect(r.body.entry.map((e: any) => e.resource.id)).toEqual(Array.from({ length: ORGS }, (_, i) => `org-${String(i).padStart(3, '0')}`));
    expect(r.body.entry[7].resource.name).toBe(`Établissement 7 ${'é'.repeat(300)}`);
  });
});
