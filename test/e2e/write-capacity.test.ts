// Write profile A over HTTP: the national capacity PATCH and its errors, PATCH Location/{id}, the
// offer↔location link, EG registration, If-Match, and concurrent patches of one Location.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFixture } from '../fixtures/directory.js';
import { capacityPatch } from '../../src/fhir/write/index.js';
import { CAPACITY_EXPRESSION } from '../../src/fhir/write/capacity-rules.js';
import { indicators, startWriteServer, type WriteServer } from './write-helpers.js';

let s: WriteServer;
const NATIONAL = '/fhir/Location?identifier=350000741/SYNC-loc-cardio';
const SD = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
const extraLocation = (id: string, sync: string) => ({
  resourceType: 'Location', id, name: id,
  extension: [{ url: `${SD}ror-commune-cog`, valueCodeableConcept: { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM', code: '35238' }] } }],
  identifier: [{ type: { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R345-TypeIdentifiantAutre/FHIR/TRE-R345-TypeIdentifiantAutre', code: '26' }] }, value: sync }],
  managingOrganization: { reference: 'Organization/eg-chu' },
});

beforeAll(async () => {
  s = await startWriteServer([...directoryFixture(), extraLocation('loc-dup1', 'SYNC-dup'), extraLocation('loc-dup2', 'SYNC-dup'), extraLocation('loc-free', 'SYNC-free')] as any);
});
afterAll(async () => s?.close());

describe('national capacity PATCH (profile A)', () => {
  it('replaces an indicator and answers the caller\'s view with its ETag and the resource version', async () => {
    const before = await s.call('beds-chu', 'GET', '/fhir/Location/loc-cardio');
    expect(before.headers.get('ror-resource-version')).toBe('1');
    const r = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 7 }));
    expect(r.status).toBe(200);
    expect(r.body.resourceType).toBe('Location');
    expect(indicators(r.body)['02/01/-']).toBe(7);
    expect(r.headers.get('etag')).toBe(`W/"${r.body.meta.versionId}"`);
    expect(r.headers.get('ror-resource-version')).toBe('2');
    // every profile's view follows; history keeps the previous version
    const again = await s.call('reader', 'GET', '/fhir/Location/loc-cardio');
    expect(indicators(again.body)['02/01/-']).toBe(7);
    const hist = await s.call('operator', 'GET', '/fhir/Location/loc-cardio/_history');
    expect(hist.body.entry.length).toBe(2);
  });

  it('Prefer: return=minimal answers the status and the headers only; the change is made all the same', async () => {
    const r = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 11 }), { prefer: 'return=minimal' });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers.get('content-type')).toBeNull();
    const version = r.headers.get('ror-resource-version');
    const read = await s.call('beds-chu', 'GET', '/fhir/Location/loc-cardio');
    expect(indicators(read.body)['02/01/-']).toBe(11);
    expect(r.headers.get('etag')).toBe(`W/"${read.body.meta.versionId}"`);
    expect(read.headers.get('ror-resource-version')).toBe(version);
    // a refusal keeps its OperationOutcome whatever the preference
    const refused = await s.call('beds-chu', 'PATCH', '/fhir/Location?identifier=350000741/SYNC-none', capacityPatch({ status: '02', nb: 1 }), { prefer: 'return=minimal' });
    expect(refused.status).toBe(404);
    expect(refused.body.resourceType).toBe('OperationOutcome');
  });

  it('is served under the national path too', async () => {
    const r = await s.call('beds-chu', 'PATCH', '/ws-synchro-dispo-lits-fhir/Location?identifier=350000741/SYNC-loc-cardio', capacityPatch({ status: '02', nb: 5 }));
    expect(r.status).toBe(200);
    expect(indicators(r.body)['02/01/-']).toBe(5);
  });

  it('replace of a missing indicator is 404 with the indicator expression; add then creates it, once', async () => {
    const spec = { status: '02', temporality: '03', gender: '01', nb: 2 };
    const miss = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch(spec));
    expect(miss.status).toBe(404);
    expect(miss.body.issue[0]).toMatchObject({ code: 'not-found', expression: [CAPACITY_EXPRESSION] });
    const add = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch(spec, 'add'));
    expect(add.status).toBe(200);
    expect(indicators(add.body)['02/03/01']).toBe(2);
    // a second add (two clients racing through replace-then-add) replaces instead of duplicating
    const twice = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ ...spec, nb: 3 }, 'add'));
    expect(twice.status).toBe(200);
    const same = (twice.body.extension as any[]).filter((e) => JSON.stringify(e).includes('"code":"03"') && JSON.stringify(e).includes('genderCapacityAvailable'));
    expect(same.length).toBe(1);
    expect(indicators(twice.body)['02/03/01']).toBe(3);
    const replaced = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ ...spec, nb: 4 }));
    expect(indicators(replaced.body)['02/03/01']).toBe(4);
  });

  it('unknown location: 404 with expression Location; duplicated idExterneSynchro: 412 multiple-matches', async () => {
    const unknown = await s.call('beds-chu', 'PATCH', '/fhir/Location?identifier=350000741/NOPE', capacityPatch({ status: '02', nb: 1 }));
    expect(unknown.status).toBe(404);
    expect(unknown.body.issue[0]).toMatchObject({ code: 'not-found', expression: ['Location'] });
    const wrongEg = await s.call('beds-chu', 'PATCH', '/fhir/Location?identifier=999999999/SYNC-loc-cardio', capacityPatch({ status: '02', nb: 1 }));
    expect(wrongEg.status).toBe(404);
    const dup = await s.call('beds-chu', 'PATCH', '/fhir/Location?identifier=350000741/SYNC-dup', capacityPatch({ status: '02', nb: 1 }, 'add'));
    expect(dup.status).toBe(412);
    expect(dup.body.issue[0]).toMatchObject({ code: 'multiple-matches', expression: ['Location'] });
    const malformed = await s.call('beds-chu', 'PATCH', '/fhir/Location?identifier=/x', capacityPatch({ status: '02', nb: 1 }));
    expect(malformed.status).toBe(400);
  });

  it('an invalid indicator is 400 business-rule with the element expression', async () => {
    const combination = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '01', temporality: '03', nb: 1 }, 'add'));
    expect(combination.status).toBe(400);
    expect(combination.body.issue[0].code).toBe('business-rule');
    expect(combination.body.issue[0].diagnostics).toMatch(/capacityStatus: 01 \/ temporalityCapacity: 03/);
    const closing = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', closingType: '01', nb: 1 }, 'add'));
    expect(closing.status).toBe(400);
    const code = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '99', nb: 1 }, 'add'));
    expect(code.status).toBe(400);
    expect(code.body.issue[0]).toMatchObject({ code: 'business-rule', expression: [`Location.extension('${SD}ror-location-supported-capacity').extension('capacityStatus')`] });
    const negative = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: -1 }));
    expect(negative.status).toBe(400);
    expect(negative.body.issue.some((i: any) => /nbCapacity/.test(i.diagnostics))).toBe(true);
  });

  it('only for the EGs the tool is registered for; only with write profile A', async () => {
    const other = await s.call('beds-ehpad', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 1 }));
    expect(other.status).toBe(403);
    expect(other.body.issue[0].code).toBe('forbidden');
    for (const client of ['reporter-1', 'reader']) expect((await s.call(client, 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 1 }))).status).toBe(403);
    expect((await s.call(null, 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 1 }))).status).toBe(401);
    const own = await s.call('beds-ehpad', 'PATCH', '/fhir/Location?identifier=350012345/SYNC-loc-ehpad', capacityPatch({ status: '02', nb: 9 }));
    expect(own.status).toBe(200);
  });

  it('malformed bodies and media types are refused', async () => {
    expect((await s.call('beds-chu', 'PATCH', NATIONAL, { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'explode' }] }] })).status).toBe(400);
    expect((await s.call('beds-chu', 'PATCH', NATIONAL, '{not json')).status).toBe(400);
    expect((await s.call('beds-chu', 'PATCH', NATIONAL, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    const badPath = capacityPatch({ status: '02', nb: 1 }) as any;
    badPath.parameter[0].part[1].valueString = 'Location.extension.where(';
    expect((await s.call('beds-chu', 'PATCH', NATIONAL, badPath)).status).toBe(400);
  });
});

describe('PATCH Location/{id} and the offer↔location link (profile A)', () => {
  it('JSON Patch and FHIRPath Patch of capacity indicators are allowed; anything else is 403', async () => {
    const loc = (await s.call('operator', 'GET', '/fhir/Location/loc-cardio')).body;
    const i = (loc.extension as any[]).findIndex((e) => e.url.endsWith('ror-location-supported-capacity'));
    const nbIndex = (loc.extension[i].extension as any[]).findIndex((e) => e.url === 'nbCapacity');
    const ok = await s.call('beds-chu', 'PATCH', '/fhir/Location/loc-cardio', [{ op: 'replace', path: `/extension/${i}/extension/${nbIndex}/valueInteger`, value: 31 }], { 'content-type': 'application/json-patch+json' });
    expect(ok.status).toBe(200);
    expect(indicators(ok.body)['01/01/-']).toBe(31);
    const fp = await s.call('beds-chu', 'PATCH', '/fhir/Location/loc-cardio', capacityPatch({ status: '02', nb: 6 }));
    expect(fp.status).toBe(200);
    const name = await s.call('beds-chu', 'PATCH', '/fhir/Location/loc-cardio', [{ op: 'replace', path: '/name', value: 'x' }], { 'content-type': 'application/json-patch+json' });
    expect(name.status).toBe(403);
    expect(name.body.issue[0].expression).toEqual(['Location.name']);
    const equipment = await s.call('beds-chu', 'PATCH', '/fhir/Location/loc-cardio', [{ op: 'remove', path: `/extension/${(loc.extension as any[]).findIndex((e) => e.url.endsWith('ror-location-equipment'))}` }], { 'content-type': 'application/json-patch+json' });
    expect(equipment.status).toBe(403);
    const org = await s.call('beds-chu', 'PATCH', '/fhir/Organization/eg-chu', [{ op: 'replace', path: '/name', value: 'x' }], { 'content-type': 'application/json-patch+json' });
    expect(org.status).toBe(403);
  });

  it('a Location the tool cannot see is 404, exactly like an unknown one', async () => {
    const hidden = await s.call('beds-chu', 'PATCH', '/fhir/Location/loc-uhsi', capacityPatch({ status: '01', nb: 1 }));
    const unknown = await s.call('beds-chu', 'PATCH', '/fhir/Location/nope', capacityPatch({ status: '01', nb: 1 }));
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body.issue[0].diagnostics.replace('loc-uhsi', 'X')).toBe(unknown.body.issue[0].diagnostics.replace('nope', 'X'));
  });

  it('links an offer to a location of its EG; another EG\'s location is 403, an unknown one 404', async () => {
    const jp = { 'content-type': 'application/json-patch+json' };
    const link = await s.call('beds-chu', 'PATCH', '/fhir/HealthcareService/hcs-cardio', [{ op: 'add', path: '/location/-', value: { reference: 'Location/loc-free' } }], jp);
    expect(link.status).toBe(200);
    expect(link.body.location.map((l: any) => l.reference)).toContain('Location/loc-free');
    const foreign = await s.call('beds-chu', 'PATCH', '/fhir/HealthcareService/hcs-cardio', [{ op: 'add', path: '/location/-', value: { reference: 'Location/loc-ehpad' } }], jp);
    expect(foreign.status).toBe(403);
    const unknown = await s.call('beds-chu', 'PATCH', '/fhir/HealthcareService/hcs-cardio', [{ op: 'add', path: '/location/-', value: { reference: 'Location/none' } }], jp);
    expect(unknown.status).toBe(404);
    const otherEg = await s.call('beds-ehpad', 'PATCH', '/fhir/HealthcareService/hcs-cardio', [{ op: 'remove', path: '/location/0' }], jp);
    expect(otherEg.status).toBe(403);
    const name = await s.call('beds-chu', 'PATCH', '/fhir/HealthcareService/hcs-cardio', [{ op: 'replace', path: '/name', value: 'x' }], jp);
    expect(name.status).toBe(403);
    const badTest = await s.call('beds-chu', 'PATCH', '/fhir/HealthcareService/hcs-cardio', [{ op: 'test', path: '/name', value: 'not the name' }], jp);
    expect(badTest.status).toBe(422);
  });
});

describe('optimistic concurrency', () => {
  it('If-Match compares with the resource version: stale 412, current 200, malformed 400', async () => {
    const current = await s.call('beds-chu', 'GET', '/fhir/Location/loc-cardio');
    const version = current.headers.get('ror-resource-version');
    const stale = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 1 }), { 'if-match': `W/"${Number(version) - 1}"` });
    expect(stale.status).toBe(412);
    expect(stale.body.issue[0].code).toBe('conflict');
    const ok = await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 1 }), { 'if-match': `W/"${version}"` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ror-resource-version')).toBe(String(Number(version) + 1));
    expect((await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 1 }), { 'if-match': 'garbage' })).status).toBe(400);
  });

  it('concurrent patches of one Location never lose an update', async () => {
    const specs = ['01', '02', '03', '04', '05'].flatMap((temporality) => [undefined, '02'].map((gender) => ({ status: '02', temporality, gender, nb: Number(temporality) * 10 + (gender ? 1 : 0) })));
    const before = Number((await s.call('beds-chu', 'GET', '/fhir/Location/loc-cardio')).headers.get('ror-resource-version'));
    const replies = await Promise.all(specs.map((spec) => s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch(spec, 'add'))));
    expect(replies.map((r) => r.status)).toEqual(specs.map(() => 200));
    const after = await s.call('beds-chu', 'GET', '/fhir/Location/loc-cardio');
    const got = indicators(after.body);
    for (const spec of specs) expect(got[`02/${spec.temporality}/${spec.gender ?? '-'}`]).toBe(spec.nb);
    expect(Number(after.headers.get('ror-resource-version'))).toBe(before + specs.length);
  });
});
