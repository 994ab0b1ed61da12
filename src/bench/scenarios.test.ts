import { describe, expect, it } from 'vitest';
import { interleave, pickSearchValues, searchScenarios } from './scenarios.js';
import type { FhirBundle } from './http.js';

const hs = (id: string, codes: string[], locations: string[]) => ({
  resourceType: 'HealthcareService',
  id,
  specialty: codes.map((code) => ({ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R211-ActiviteOperationnelle/FHIR/TRE-R211-ActiviteOperationnelle', code }] })),
  location: locations.map((l) => ({ reference: `Location/${l}` })),
});
const loc = (id: string, postalCode?: string, position?: [number, number]) => ({
  resourceType: 'Location',
  id,
  ...(postalCode ? { address: { postalCode } } : {}),
  ...(position ? { position: { latitude: position[0], longitude: position[1] } } : {}),
});
const bundle = (...resources: Record<string, unknown>[]): FhirBundle => ({ resourceType: 'Bundle', entry: resources.map((resource) => ({ resource: resource as never })) });

describe('pickSearchValues', () => {
  it('takes the first located place and the most frequent specialty among offers in its département', () => {
    const v = pickSearchValues(
      bundle(
        hs('a', ['111'], ['l1']),
        hs('b', ['222', '333'], ['l2']),
        hs('c', ['222'], ['l3']),
        hs('d', ['999', '999'], ['l4']), // other département
        loc('l1', '22000', [48.5, -2.7]),
        loc('l2', '22100'),
        loc('l3', '22300', [48.7, -3.4]),
        loc('l4', '35000', [48.1, -1.6]),
      ),
    );
    expect(v).toEqual({ departement: '22', postalCode: '22000', specialty: '222', lat: 48.5, lng: -2.7 });
  });

  it('prefers a place with a position', () => {
    const v = pickSearchValues(bundle(hs('a', ['1'], ['l1', 'l2']), loc('l1', '29200'), loc('l2', '29000', [48, -4])));
    expect(v).toMatchObject({ postalCode: '29000', lat: 48, lng: -4 });
  });

  it('gives up without a specialty, a postal code or a position', () => {
    expect(pickSearchValues(bundle(hs('a', [], ['l1']), loc('l1', '22000', [1, 2])))).toBeNull();
    expect(pickSearchValues(bundle(hs('a', ['1'], ['l1']), loc('l1', undefined, [1, 2])))).toBeNull();
    expect(pickSearchValues(bundle(hs('a', ['1'], ['l1']), loc('l1', '22000')))).toBeNull();
    expect(pickSearchValues(bundle(hs('a', ['1'], ['missing'])))).toBeNull();
  });
});

describe('searchScenarios', () => {
  it('fills the IG searches with the values, URL-encoded', () => {
    const s = searchScenarios({ departement: '22', postalCode: '22000', specialty: '222', lat: 48.5, lng: -2.7 });
    const byName = Object.fromEntries(s.map((x) => [x.name, x]));
    expect(byName['specialty in département'].path).toBe(
      '/fhir/HealthcareService?specialty=222&location.address-postalcode=22&_include=HealthcareService:organization&_include=HealthcareService:location',
    );
    expect(byName['specialty in département'].p95TargetMs).toBe(50);
    expect(byName['places near (10 km)'].path).toBe('/fhir/Location?near=48.5%7C-2.7%7C10%7Ckm');
    expect(byName['capacity consultation'].path).toBe('/fhir/Location?_revinclude=HealthcareService:location&address-postalcode=22');
    expect(new Set(s.map((x) => x.path)).size).toBe(s.length);
  });
});

describe('interleave', () => {
  it('alternates the lists, keeping the leftovers of the longer ones', () => {
    expect(interleave([['a1', 'a2', 'a3'], [], ['c1']])).toEqual(['a1', 'c1', 'a2', 'a3']);
  });
});
