import { describe, expect, it } from 'vitest';
import { FhirError } from '../errors.js';
import { parseSearch, type ParsedSearch } from './parse.js';
import { communeCentroid, communeCount } from './communes.js';
import { parseDateRange } from './dates.js';

const P = (type: string, params: [string, string][], lenient = false): ParsedSearch => parseSearch(type, params, { profile: 2, lenient });
const where = (type: string, params: [string, string][]) => P(type, params).query.where;

function rejects(type: string, params: [string, string][], message: string | RegExp): FhirError {
  let err: unknown;
  try { P(type, params); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(FhirError);
  const f = err as FhirError;
  expect(f.status).toBe(400);
  if (typeof message === 'string') expect(f.message).toBe(message); else expect(f.message).toMatch(message);
  return f;
}

describe('parseSearch: parameter types', () => {
  it('token: code, system|code, |code, system|, comma OR, repetition AND, :not, :text, :of-type', () => {
    expect(where('HealthcareService', [['service-type', '01']])).toEqual([{ op: 'token', param: 'service-type', code: '01' }]);
    expect(where('HealthcareService', [['service-type', 'http://s|01,|02,http://t|']])).toEqual([{ op: 'or', any: [
      { op: 'token', param: 'service-type', system: 'http://s', code: '01' },
      { op: 'token', param: 'service-type', system: null, code: '02' },
      { op: 'token', param: 'service-type', system: 'http://t' },
    ] }]);
    expect(where('Location', [['capacity-status', '02'], ['temporality-capacity', '03']])).toHaveLength(2);
    expect(where('Location', [['status:not', 'inactive']])).toEqual([{ op: 'token', param: 'status', code: 'inactive', not: true }]);
    expect(where('HealthcareService', [['specialty:text', 'Chirurgie Gynécologique']])).toEqual([{ op: 'token', param: 'specialty', textContains: 'chirurgie gynecologique' }]);
    expect(where('Organization', [['identifier:of-type', 'https://g07|40|1350000001']])).toEqual([{ op: 'token', param: 'identifier:of-type', system: 'https://g07', code: '40|1350000001' }]);
    expect(where('Organization', [['drop-zone', 'true']])).toEqual([{ op: 'token', param: 'drop-zone', code: 'true' }]);
    expect(where('Organization', [['identifier', 'a\\,b']])).toEqual([{ op: 'token', param: 'identifier', code: 'a,b' }]);
  });

  it('string: prefix (normalised), :exact, :contains', () => {
    expect(where('Organization', [['name', 'Hôpital']])).toEqual([{ op: 'string', param: 'name', mode: 'prefix', value: 'hopital' }]);
    expect(where('Location', [['address-city:exact', 'Rennes']])).toEqual([{ op: 'string', param: 'address-city', mode: 'exact', value: 'rennes' }]);
    expect(where('Organization', [['oi-name:contains', 'gériatr']])).toEqual([{ op: 'string', param: 'oi-name', mode: 'contains', value: 'geriatr' }]);
  });

  it('number: implicit precision for eq, exact bound for gt, ±10 % for ap', () => {
    expect(where('Location', [['nb-capacity', '10']])).toEqual([{ op: 'number', param: 'nb-capacity', cmp: 'eq', low: 9.5, high: 10.5 }]);
    expect(where('Location', [['nb-capacity', 'gt2']])).toEqual([{ op: 'number', param: 'nb-capacity', cmp: 'gt', low: 2, high: 2 }]);
    expect(where('Organization', [['price-amount-value', 'ap100']])).toEqual([{ op: 'number', param: 'price-amount-value', cmp: 'ap', low: 90, high: 110 }]);
    expect(where('Organization', [['amount-value', '72.50']])[0]).toMatchObject({ low: 72.495, high: 72.505 });
  });

  it('date: precision ranges and prefixes', () => {
    expect(where('Task', [['authored-on', '2024']])).toEqual([{ op: 'date', param: 'authored-on', cmp: 'eq', low: Date.UTC(2024, 0, 1), high: Date.UTC(2025, 0, 1) - 1 }]);
    expect(where('Location', [['capacity-update-date', 'ge2025-03-01T08:00:00+01:00']])).toEqual([{ op: 'date', param: 'capacity-update-date', cmp: 'ge', low: Date.UTC(2025, 2, 1, 7), high: Date.UTC(2025, 2, 1, 7) + 999 }]);
    expect(where('HealthcareService', [['notavailable-closing-reopeningdate', 'sa2025-06']])[0]).toMatchObject({ cmp: 'sa', low: Date.UTC(2025, 5, 1), high: Date.UTC(2025, 6, 1) - 1 });
    const ap = where('Task', [['modified', 'ap2020-01-01']])[0] as { low: number; high: number };
    expect(ap.low).toBeLessThan(Date.UTC(2020, 0, 1));
    expect(ap.high).toBeGreaterThan(Date.UTC(2020, 0, 2));
  });

  it('quantity: number|system|code with prefixes', () => {
    expect(where('HealthcareService', [['age-range-low', 'le18||a']])).toEqual([{ op: 'quantity', param: 'age-range-low', cmp: 'le', low: 18, high: 18, code: 'a' }]);
    expect(where('Location', [['limit-value', 'ge200|http://unitsofmeasure.org|kg']])).toEqual([{ op: 'quantity', param: 'limit-value', cmp: 'ge', low: 200, high: 200, system: 'http://unitsofmeasure.org', code: 'kg' }]);
  });

  it('reference: Type/id, bare id with a single target, :Type, :identifier, absolute URL, partof:above/:below', () => {
    expect(where('HealthcareService', [['organization', 'Organization/eg-1']])).toEqual([{ op: 'reference', param: 'organization', targetType: 'Organization', targetId: 'eg-1' }]);
    expect(where('HealthcareService', [['location', '888888']])).toEqual([{ op: 'reference', param: 'location', targetType: 'Location', targetId: '888888' }]);
    expect(where('Task', [['focus:HealthcareService', 'hcs-1']])).toEqual([{ op: 'reference', param: 'focus', targetType: 'HealthcareService', targetId: 'hcs-1' }]);
    expect(where('Task', [['focus', 'hcs-1']])).toEqual([{ op: 'reference', param: 'focus', targetId: 'hcs-1' }]);
    expect(where('Task', [['focus:identifier', '1910800002']])).toEqual([{ op: 'token', param: 'focus:identifier', code: '1910800002' }]);
    expect(where('PractitionerRole', [['service', 'https://ror.example/fhir/HealthcareService/hcs-1']])).toEqual([{ op: 'reference', param: 'service', targetType: 'HealthcareService', targetId: 'hcs-1' }]);
    const strictly = (ids: string[], direction: string) => ({ op: 'not', predicate: { op: 'or', any: [{ op: 'not', predicate: { op: 'hierarchy', param: 'partof', ids, direction } }, { op: 'id', ids }] } });
    expect(where('Organization', [['partof:below', 'Organization/ej-1']])).toEqual([strictly(['ej-1'], 'below')]);
    expect(where('Location', [['partof:above', 'loc-3']])).toEqual([strictly(['loc-3'], 'above')]);
  });

  it('uri, :missing, _id, _lastUpdated, _tag, _profile', () => {
    expect(where('Location', [['_profile:below', 'https://interop.esante.gouv.fr/ig/fhir/ror']])).toEqual([{ op: 'uri', param: '_profile', value: 'https://interop.esante.gouv.fr/ig/fhir/ror', mode: 'below' }]);
    expect(where('Location', [['position:missing', 'true']].map(([a, b]) => [a.replace('position', 'near'), b] as [string, string]))).toEqual([{ op: 'missing', param: 'near', missing: true }]);
    expect(where('Organization', [['_id', 'a,b']])).toEqual([{ op: 'id', ids: ['a', 'b'] }]);
    expect(where('Organization', [['_id:not', 'a']])).toEqual([{ op: 'id', ids: ['a'], not: true }]);
    expect(where('Location', [['_lastUpdated', 'ge2024-01-01,lt2000']])).toEqual([{ op: 'or', any: [
      { op: 'lastUpdated', cmp: 'ge', low: Date.UTC(2024, 0, 1), high: Date.UTC(2024, 0, 2) - 1 },
      { op: 'lastUpdated', cmp: 'lt', low: Date.UTC(2000, 0, 1), high: Date.UTC(2001, 0, 1) - 1 },
    ] }]);
    const tag = 'https://mos.esante.gouv.fr/NOS/TRE_R30-RegionOM/FHIR/TRE-R30-RegionOM|53';
    expect(where('HealthcareService', [['_tag', tag]])).toEqual([{ op: 'token', param: '_tag', system: 'https://mos.esante.gouv.fr/NOS/TRE_R30-RegionOM/FHIR/TRE-R30-RegionOM', code: '53' }]);
  });

  it('near and near-insee-code (commune centroid, default 5 km, units)', () => {
    expect(where('Location', [['near', '48.11|-1.68|10|km']])).toEqual([{ op: 'geo-near', param: 'near', lat: 48.11, lng: -1.68, km: 10 }]);
    expect(where('Location', [['near', '48.11|-1.68']])[0]).toMatchObject({ km: 5 });
    expect(where('Location', [['near', '48.11|-1.68|500|m']])[0]).toMatchObject({ km: 0.5 });
    const p = where('Location', [['near-insee-code', '35238|20']])[0] as { op: string; lat: number; lng: number; km: number };
    expect(p).toMatchObject({ op: 'geo-near', param: 'near-insee-code', km: 20 });
    expect(p.lat).toBeCloseTo(48.11, 1);
    expect(p.lng).toBeCloseTo(-1.68, 1);
  });

  it('serves HealthcareService equipment-type through its locations (override)', () => {
    expect(where('HealthcareService', [['equipment-type', '045']])).toEqual([{ op: 'chain', param: 'location', targetType: 'Location', where: [{ op: 'token', param: 'equipment-type', code: '045' }] }]);
  });
});

describe('parseSearch: chains and _has', () => {
  it('chains through single-target references, type-qualified ones and several levels', () => {
    expect(where('HealthcareService', [['location.address-postalcode', '35']])).toEqual([{ op: 'chain', param: 'location', targetType: 'Location', where: [{ op: 'string', param: 'address-postalcode', mode: 'prefix', value: '35' }] }]);
    expect(where('PractitionerRole', [['service.organization:Organization.name', 'chu']])).toEqual([{ op: 'chain', param: 'service', targetType: 'HealthcareService', where: [
      { op: 'chain', param: 'organization', targetType: 'Organization', where: [{ op: 'string', param: 'name', mode: 'prefix', value: 'chu' }] },
    ] }]);
  });

  it('chains on a logical reference also match the identifier the reference carries (Task.focus)', () => {
    expect(where('Task', [['focus:HealthcareService.identifier', '06/0099999']])).toEqual([{ op: 'or', any: [
      { op: 'chain', param: 'focus', targetType: 'HealthcareService', where: [{ op: 'token', param: 'identifier', code: '06/0099999' }] },
      { op: 'token', param: 'focus:HealthcareService:identifier', code: '06/0099999' },
    ] }]);
    const untyped = where('Task', [['focus._tag', 'x|1']])[0] as { op: string; any: { targetType: string }[] };
    expect(untyped.op).toBe('or');
    expect(untyped.any.map((c) => c.targetType).sort()).toEqual(['HealthcareService', 'Location', 'Organization', 'Practitioner', 'PractitionerRole', 'Task']);
  });

  it('organization:above.identifier follows the partOf hierarchy up to HIERARCHY_DEPTH levels', () => {
    const [p] = where('HealthcareService', [['organization:above.identifier', 'https://finess.esante.gouv.fr|350000001']]);
    expect(p.op).toBe('chain');
    const inner = (p as { where: { op: string; any: unknown[] }[] }).where[0];
    expect(inner.op).toBe('or');
    expect(inner.any[0]).toEqual({ op: 'token', param: 'identifier', system: 'https://finess.esante.gouv.fr', code: '350000001' });
    expect(inner.any[1]).toEqual({ op: 'chain', param: 'partof', targetType: 'Organization', where: [inner.any[0]] });
    expect(inner.any).toHaveLength(5);
    const below = (where('HealthcareService', [['organization:below.name', 'x']])[0] as { where: { any: unknown[] }[] }).where[0].any[1];
    expect(below).toEqual({ op: 'has', type: 'Organization', param: 'partof', where: [{ op: 'string', param: 'name', mode: 'prefix', value: 'x' }] });
  });

  it('_has, nested', () => {
    expect(where('Location', [['_has:HealthcareService:location:identifier', 'UE1,UE2']])).toEqual([{ op: 'has', type: 'HealthcareService', param: 'location', where: [
      { op: 'or', any: [{ op: 'token', param: 'identifier', code: 'UE1' }, { op: 'token', param: 'identifier', code: 'UE2' }] },
    ] }]);
    expect(where('Location', [['_has:HealthcareService:location:_has:PractitionerRole:service:role', '10']])).toEqual([{ op: 'has', type: 'HealthcareService', param: 'location', where: [
      { op: 'has', type: 'PractitionerRole', param: 'service', where: [{ op: 'token', param: 'role', code: '10' }] },
    ] }]);
  });
});

describe('parseSearch: result controls', () => {
  it('defaults: count 200, total accurate, no sort', () => {
    const r = P('Organization', []);
    expect(r.query).toEqual({ type: 'Organization', profile: 2, where: [], sort: [], count: 200, total: true });
    expect(r.totalMode).toBe('accurate');
  });

  it('_count clamps to 200, _total, _sort, _elements, _summary, _format, _pretty', () => {
    const r = P('Location', [['_count', '500'], ['_total', 'none'], ['_sort', '-_lastUpdated,name,_id'], ['_elements', 'id,name'], ['_summary', 'count'], ['_format', 'application/fhir+json'], ['_pretty', 'true']]);
    expect(r.query.count).toBe(200);
    expect(r.query.total).toBe(false);
    expect(r.query.sort).toEqual([{ param: '_lastUpdated', descending: true }, { param: 'name', descending: false }, { param: '_id', descending: false }]);
    expect(r.elements).toEqual(['id', 'name']);
    expect(r.summary).toBe('count');
    expect(P('Location', [['_count', '0']]).query.count).toBe(0);
  });

  it('_include and _revinclude with :iterate and target types', () => {
    const r = P('HealthcareService', [
      ['_include:iterate', 'HealthcareService:organization'], ['_include', 'HealthcareService:location'],
      ['_revinclude', 'PractitionerRole:service'], ['_include', 'PractitionerRole:practitioner'], ['_revinclude', 'Task:focus'],
      ['_include:iterate', 'Organization:partof:Organization'],
    ]);
    expect(r.include).toEqual([
      { sourceType: 'HealthcareService', param: 'organization', iterate: true },
      { sourceType: 'HealthcareService', param: 'location', iterate: false },
      { sourceType: 'PractitionerRole', param: 'practitioner', iterate: false },
      { sourceType: 'Organization', param: 'partof', targetType: 'Organization', iterate: true },
    ]);
    expect(r.revinclude).toEqual([
      { sourceType: 'PractitionerRole', param: 'service', iterate: false },
      { sourceType: 'Task', param: 'focus', iterate: false },
    ]);
  });

  it('lenient handling lists unknown parameters instead of failing', () => {
    const r = P('Organization', [['foo', '1'], ['name', 'x'], ['location.bar', '2']], true);
    expect(r.ignored).toEqual(['foo', 'location.bar']);
    expect(r.query.where).toEqual([{ op: 'string', param: 'name', mode: 'prefix', value: 'x' }]);
  });

  it('ignores empty values', () => {
    expect(where('Organization', [['name', '']])).toEqual([]);
  });
});

describe('parseSearch: errors (400, exact messages)', () => {
  it.each<[string, [string, string][], string]>([
    ['Organization', [['foo', '1']], "Unknown search parameter 'foo' for resource type Organization"],
    ['Organization', [['name:foo', 'x']], "Search parameter 'name:foo': modifier ':foo' is not allowed on a string parameter"],
    ['Organization', [['identifier:exact', 'x']], "Search parameter 'identifier:exact': modifier ':exact' is not allowed on a token parameter"],
    ['Organization', [['type:in', 'http://vs']], "Search parameter 'type:in': modifier ':in' (value-set and code-hierarchy searches) is not supported"],
    ['Location', [['nb-capacity', 'xx3']], "Search parameter 'nb-capacity': unknown prefix 'xx' (expected eq, ne, gt, lt, ge, le, sa, eb or ap)"],
    ['Location', [['nb-capacity', 'ten']], "Search parameter 'nb-capacity': malformed number 'ten'"],
    ['Location', [['nb-capacity', 'gt1x']], "Search parameter 'nb-capacity': malformed number '1x'"],
    ['Task', [['authored-on', '2024-13-01']], "Search parameter 'authored-on': malformed date '2024-13-01' (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.sss]][Z|±hh:mm])"],
    ['Task', [['_lastUpdated', 'ge2024-02-30']], "Search parameter '_lastUpdated': malformed date '2024-02-30' (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.sss]][Z|±hh:mm])"],
    ['Task', [['modified:exact', '2024']], "Search parameter 'modified:exact': modifier ':exact' is not allowed on a date parameter"],
    ['HealthcareService', [['age-range-low', '10|a']], "Search parameter 'age-range-low': malformed quantity '10|a' (expected [prefix]number[|system|code])"],
    ['Organization', [['active:missing', 'yes']], "Search parameter 'active:missing': :missing takes true or false, got 'yes'"],
    ['HealthcareService', [['organization', 'Location/1']], "Search parameter 'organization': 'Location' is not a valid target type (expected Organization)"],
    ['HealthcareService', [['organization:above', 'Organization/1']], "Search parameter 'organization:above': modifier ':above' needs a hierarchical reference (partof)"],
    ['HealthcareService', [['organization:Location', '1']], "Search parameter 'organization:Location': 'Location' is not a valid target type (expected Organization)"],
    ['HealthcareService', [['organization', 'a b']], "Search parameter 'organization': malformed reference 'a b' (expected Type/id or id)"],
    ['HealthcareService', [['name.identifier', 'x']], "Search parameter 'name.identifier': 'name' is not a reference parameter and cannot be chained"],
    ['HealthcareService', [['organization:Patient.name', 'x']], "organization:Patient.name: resource type 'Patient' is not searchable"],
    ['HealthcareService', [['location.foo', 'x']], "Unknown search parameter 'foo' for resource type Location"],
    ['Task', [['focus.nonexistent', 'x']], "Search parameter 'focus.nonexistent': no target type of 'focus' has a search parameter 'nonexistent'"],
    ['Location', [['_has:HealthcareService:name:identifier', 'x']], "Search parameter '_has:HealthcareService:name:identifier': 'name' is not a reference parameter of HealthcareService"],
    ['Location', [['_has:HealthcareService:location', 'x']], "Search parameter '_has:HealthcareService:location': expected _has:Type:reference-parameter:search-parameter"],
    ['Organization', [['_has:HealthcareService:location:identifier', 'x']], "Search parameter '_has:HealthcareService:location:identifier': HealthcareService.location cannot reference Organization"],
    ['Location', [['near', '48.1']], "Search parameter 'near': expected latitude|longitude[|distance[|unit]], got '48.1'"],
    ['Location', [['near', '95|2']], "Search parameter 'near': coordinates out of range in '95|2'"],
    ['Location', [['near', '48|2|5|parsec']], "Search parameter 'near': unknown distance unit 'parsec' (expected km, m or mi_us)"],
    ['Location', [['near-insee-code', '99999']], "Search parameter 'near-insee-code': unknown commune code '99999'"],
    ['Location', [['near-insee-code', 'Paris']], "Search parameter 'near-insee-code': expected an INSEE commune code[|distance[|unit]], got 'Paris'"],
    ['Location', [['_sort', 'near']], "Search parameter '_sort': parameter 'near' (special) cannot be used to sort"],
    ['Location', [['_sort', 'organization']], "Search parameter '_sort': parameter 'organization' (reference) cannot be used to sort"],
    ['Location', [['_sort', 'bogus']], "Search parameter '_sort': unknown search parameter 'bogus' for resource type Location"],
    ['Location', [['_count', '-1']], "Search parameter '_count': must be a non-negative integer, got '-1'"],
    ['Location', [['_count', '2.5']], "Search parameter '_count': must be a non-negative integer, got '2.5'"],
    ['Location', [['_total', 'all']], "Search parameter '_total': must be none, estimate or accurate, got 'all'"],
    ['Location', [['_summary', 'maybe']], "Search parameter '_summary': must be true, false, count, data or text, got 'maybe'"],
    ['Location', [['_elements', 'name,a.b']], "Search parameter '_elements': malformed element name 'a.b'"],
    ['Location', [['_include', '*']], "Search parameter '_include': wildcard '*' includes are not supported"],
    ['Location', [['_include:deep', 'Location:partof']], "Search parameter '_include:deep': modifier ':deep' is not allowed (only :iterate)"],
    ['Location', [['_include', 'Location:name']], "Search parameter '_include': 'name' is not a reference parameter of Location"],
    ['Location', [['_include', 'Patient:link']], "_include: resource type 'Patient' is not searchable"],
    ['Location', [['_revinclude', 'PractitionerRole:practitioner']], "Search parameter '_revinclude': PractitionerRole.practitioner cannot reference Location"],
    ['Location', [['_filter', '_lastUpdated ge 2024']], "Search parameter '_filter': this search feature is not supported"],
    ['Location', [['_content', 'x']], "Search parameter '_content': this search feature is not supported"],
    ['Location', [['_format', 'xml']], "Search parameter '_format': only JSON is supported, got 'xml'"],
    ['Location', [['_id', 'a/b']], "Search parameter '_id': malformed resource id in 'a/b'"],
    ['Organization', [['identifier:of-type', 'sys|40']], "Search parameter 'identifier:of-type': :of-type takes system|code|value, got 'sys|40'"],
    ['Organization', [['name', 'a,,b']], "Search parameter 'name': empty value in a comma-separated list"],
  ])('%s %j', (type, params, message) => {
    rejects(type, params, message);
  });

  it('rejects an unknown resource type', () => {
    rejects('Patient', [], "Resource type 'Patient' is not searchable");
  });

  it('names the parameter in the issue expression and uses not-supported for unsupported features', () => {
    const e = rejects('Location', [['_include', '*']], /wildcard/);
    expect(e.issues[0]).toMatchObject({ code: 'not-supported', expression: ['_include'] });
    expect(rejects('Location', [['nb-capacity', 'gt1x']], /malformed/).issues[0].code).toBe('invalid');
  });

  it('lenient handling does not hide malformed values of known parameters', () => {
    expect(() => P('Location', [['name', 'a,,b']], true)).toThrow(FhirError);
  });
});

describe('support: dates and communes', () => {
  it('parses FHIR dates to inclusive ranges by precision', () => {
    expect(parseDateRange('2024-02')).toEqual({ low: Date.UTC(2024, 1, 1), high: Date.UTC(2024, 2, 1) - 1 });
    expect(parseDateRange('2024-02-29T10:00:00.5Z')).toEqual({ low: Date.UTC(2024, 1, 29, 10, 0, 0, 500), high: Date.UTC(2024, 1, 29, 10, 0, 0, 599) });
    expect(parseDateRange('2023-02-29')).toBeNull();
    expect(parseDateRange('2024-01-01T25:00Z')).toBeNull();
    // remembered by text: the same range again, frozen (shared); a bad text stays refused
    const once = parseDateRange('2026-11-30T10:15:00+01:00');
    expect(parseDateRange('2026-11-30T10:15:00+01:00')).toBe(once);
    expect(once).toEqual({ low: Date.UTC(2026, 10, 30, 9, 15), high: Date.UTC(2026, 10, 30, 9, 15) + 999 });
    expect(Object.isFrozen(once)).toBe(true);
    expect(parseDateRange('2023-02-29')).toBeNull();
  });

  it('loads the commune table once with arrondissements and overseas communes', () => {
    expect(communeCount()).toBeGreaterThan(34000);
    expect(communeCentroid('75056')?.lat).toBeCloseTo(48.86, 1);
    expect(communeCentroid('75101')).toBeDefined();
    expect(communeCentroid('97411')).toBeDefined(); // Saint-Denis (La Réunion)
    expect(communeCentroid('2A004')?.lng).toBeCloseTo(8.70, 1);
    expect(communeCentroid('00000')).toBeUndefined();
  });
});
