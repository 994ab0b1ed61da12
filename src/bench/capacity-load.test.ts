import { describe, expect, it } from 'vitest';
import { besideSearches, readMix } from './capacity-load.js';

describe('the read load beside the capacity PATCHes', () => {
  it('sends one search every five requests, the searches in turn', () => {
    const reads = Array.from({ length: 8 }, (_, i) => `/r${i}`);
    expect(readMix(reads, ['/s1', '/s2'])).toEqual(['/r0', '/r1', '/r2', '/r3', '/s1', '/r4', '/r5', '/r6', '/r7', '/s2']);
    expect(readMix(reads, [])).toEqual(reads);
  });

  it('searches around a postcode, escaped', () => {
    expect(besideSearches('22 000')).toEqual(['/fhir/Location?address-postalcode=22%20000&_revinclude=HealthcareService:location', '/fhir/HealthcareService?location.address-postalcode=22%20000']);
  });
});
