import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IndexEntry } from '../../store/query.js';
import { extractIndex, extractIndexReference, extractorsOf } from './extract.js';
import { SEARCHABLE_TYPES, searchParamsOf } from './registry.js';
import { compileFast, compileFhirpath } from './typed-values.js';
import {
  SYNTHETIC, syntheticHealthcareService, syntheticLocation, syntheticOI, syntheticOrganization, syntheticPractitioner,
  syntheticPractitionerRole, syntheticTask,
} from './testdata/synthetic.js';

const IG = join(process.cwd(), '..', 'shared', 'spec', 'ig');
const igExample = (f: string) => JSON.parse(readFileSync(join(IG, f), 'utf8'));
const IG_EXAMPLES = ['HealthcareService-1234564.json', 'Location-ror-location-exemple.json', 'Task-ror-task-exemple.json'].map(igExample);

const of = (entries: IndexEntry[], param: string) => entries.filter((e) => e.param === param);
const codes = (entries: IndexEntry[], param: string) => [...new Set(of(entries, param).map((e) => (e.kind === 'token' ? e.code : null)))];
const sorted = (entries: IndexEntry[]) => entries.map((e) => JSON.stringify(e)).sort();

describe('extractIndex on the IG examples', () => {
  it('indexes the HealthcareService example (patient age range, region tag, identifier of-type)', () => {
    const e = extractIndex(IG_EXAMPLES[0]);
    expect(of(e, 'age-range-low')).toEqual([{ kind: 'quantity', param: 'age-range-low', value: 15, system: expect.stringContaining('TRE_R247'), code: 'a', mask: 0 }]);
    expect(of(e, 'age-range-high')[0]).toMatchObject({ value: 150 });
    expect(of(e, '_tag')[0]).toMatchObject({ system: expect.stringContaining('TRE_R30-RegionOM'), code: '06' });
    expect(of(e, 'identifier:of-type')[0]).toMatchObject({ code: '35|06/0099999' });
    expect(of(e, 'organization')).toEqual([{ kind: 'reference', param: 'organization', targetType: 'Organization', targetId: '999999', mask: 0 }]);
    expect(of(e, 'name')[0]).toMatchObject({ value: '5812 chirurgie gynecologique - hospitalisation complete' });
    expect(of(e, 'service-type')[0]).toMatchObject({ code: '01', text: 'medecine, chirurgie, obstetrique (mco)' });
    expect(e.every((x) => x.mask === 0)).toBe(true);
  });

  it('indexes the Location example commune (commune-cog token, near-insee-code centroid of Versailles)', () => {
    const e = extractIndex(IG_EXAMPLES[1]);
    expect(codes(e, 'commune-cog')).toEqual(['78646']);
    const geo = of(e, 'near-insee-code')[0];
    expect(geo.kind).toBe('geo');
    if (geo.kind === 'geo') { expect(geo.lat).toBeCloseTo(48.80, 1); expect(geo.lng).toBeCloseTo(2.12, 1); }
    expect(of(e, 'address-postalcode')).toEqual([{ kind: 'string', param: 'address-postalcode', value: '78000', mask: 0 }]);
    expect(of(e, 'address').map((x) => (x.kind === 'string' ? x.value : ''))).toEqual(['7 rue porte de buc', 'versailles', '78000']);
  });

  it('indexes the Task example focus by identifier as a logical-reference token', () => {
    const e = extractIndex(IG_EXAMPLES[2]);
    expect(of(e, 'focus')).toEqual([]);
    expect(of(e, 'focus:identifier')[0]).toMatchObject({ kind: 'token', system: null, code: '1910800002' });
    expect(of(e, 'focus:Organization:identifier')[0]).toMatchObject({ code: '1910800002' });
    expect(of(e, 'authored-on')[0]).toEqual({ kind: 'date', param: 'authored-on', low: Date.UTC(2024, 0, 3), high: Date.UTC(2024, 0, 4) - 1, mask: 0 });
    expect(codes(e, 'business-status')).toEqual(['02']);
  });
});

describe('extractIndex on synthetic ROR resources', () => {
  it('reads capacity codings (the IG .as(code) expressions would select nothing)', () => {
    const e = extractIndex(syntheticLocation);
    expect(codes(e, 'capacity-status').sort()).toEqual(['02', '06']);
    expect(codes(e, 'temporality-capacity').sort()).toEqual(['01', '03']);
    expect(codes(e, 'capacity-type')).toEqual(['01']);
    expect(codes(e, 'gender-capacity-available')).toEqual(['01']);
    expect(codes(e, 'additional-bed-type')).toEqual(['02']);
    expect(codes(e, 'crisis-type')).toEqual(['02']);
    expect(codes(e, 'capacity-closing-type')).toEqual(['01']);
    expect(codes(e, 'temporary-assignement')).toEqual(['01']);
    expect(of(e, 'nb-capacity').map((x) => (x.kind === 'number' ? x.value : 0)).sort()).toEqual([12, 3]);
    expect(of(e, 'capacity-update-date')).toContainEqual({ kind: 'date', param: 'capacity-update-date', low: Date.UTC(2025, 2, 1, 7, 30), high: Date.UTC(2025, 2, 1, 7, 30, 0, 999), mask: 0 });
  });

  it('reads equipment, nested equipment limits and residential capacity', () => {
    const e = extractIndex(syntheticLocation);
    expect(codes(e, 'equipment-type')).toEqual(['045']);
    expect(codes(e, 'equipment-feature')).toEqual(['001']);
    expect(of(e, 'limit-value')).toEqual([{ kind: 'quantity', param: 'limit-value', value: 300, system: 'http://unitsofmeasure.org', code: 'kg', mask: 0 }]);
    expect(codes(e, 'residential-type')).toEqual(['03']);
    expect(of(e, 'residential-number')[0]).toMatchObject({ value: 40 });
  });

  it('reads Location position for near and prefers it for near-insee-code', () => {
    const e = extractIndex(syntheticLocation);
    expect(of(e, 'near')).toEqual([{ kind: 'geo', param: 'near', lat: 48.1211, lng: -1.6941, mask: 0 }]);
    expect(of(e, 'near-insee-code')).toEqual([{ kind: 'geo', param: 'near-insee-code', lat: 48.1211, lng: -1.6941, mask: 0 }]);
    expect(of(e, 'partof')).toEqual([{ kind: 'reference', param: 'partof', targetType: 'Location', targetId: 'loc-0', mask: 0 }]);
    expect(of(e, 'name').map((x) => (x.kind === 'string' ? x.value : ''))).toEqual(['unite de soins etage 2', 'usi nord']);
    expect(of(e, 'operational-status')[0]).toMatchObject({ code: '01' });
    expect(of(e, 'identifier:of-type')[0]).toMatchObject({ code: '26|EXT-SYNC-1' });
  });

  it('reads Organization prices (special-price on specialPrice, start date on the price extension, amount alias)', () => {
    const e = extractIndex(syntheticOrganization);
    expect(codes(e, 'special-price')).toEqual(['03']);
    expect(codes(e, 'price-dependency-level')).toEqual(['1']);
    expect(codes(e, 'price-type')).toEqual(['01']);
    expect(codes(e, 'price-unit')).toEqual(['02']);
    expect(codes(e, 'price-residential-type')).toEqual(['03']);
    expect(codes(e, 'price-welcome-type')).toEqual(['1']);
    expect(of(e, 'price-validity-start-date')[0]).toMatchObject({ low: Date.UTC(2024, 0, 1), high: Date.UTC(2024, 0, 2) - 1 });
    expect(of(e, 'amount-value')).toEqual([{ kind: 'number', param: 'amount-value', value: 72.5, mask: 0 }]);
    expect(of(e, 'price-amount-value')).toEqual([{ kind: 'number', param: 'price-amount-value', value: 72.5, mask: 0 }]);
    expect(codes(e, 'drop-zone')).toEqual(['true']);
    expect(codes(e, 'closing-type')).toEqual(['2']);
    expect(of(e, 'period-end')[0]).toMatchObject({ low: Date.UTC(2030, 11, 31) });
    expect(of(e, 'identifier').map((x) => (x.kind === 'token' ? `${x.system}|${x.code}` : ''))).toEqual([
      'urn:oid:1.2.250.1.71.4.2.2|1350000001', 'https://finess.esante.gouv.fr|350000001',
    ]);
    expect(of(e, 'name').map((x) => (x.kind === 'string' ? x.value : ''))).toEqual(['centre hospitalier de rennes', 'chu pontchaillou']);
    expect(of(e, 'oi-name')).toEqual([]);
  });

  it('indexes oi-name only for organisations internes', () => {
    expect(of(extractIndex(syntheticOI), 'oi-name')).toEqual([{ kind: 'string', param: 'oi-name', value: 'pole medecine geriatrique', mask: 0 }]);
  });

  it('reads HealthcareService patient type, territorial division, closing period, psychiatric sector', () => {
    const e = extractIndex(syntheticHealthcareService);
    expect(codes(e, 'patient-type')).toEqual(['27']);
    expect(of(e, 'patient-type')[0]).toMatchObject({ text: 'personnes agees' });
    expect(of(e, 'age-range-low')[0]).toMatchObject({ value: 60, code: 'a' });
    expect(of(e, 'age-range-high')[0]).toMatchObject({ value: 120 });
    expect(codes(e, 'intervention-zone')).toEqual(['35047']);
    expect(of(e, 'notavailable-closing-reopeningdate')).toEqual([{
      kind: 'date', param: 'notavailable-closing-reopeningdate', low: Date.UTC(2025, 6, 1), high: Date.UTC(2025, 8, 1) - 1, mask: 0,
    }]);
    expect(of(e, 'psychiatric-sector')[0]).toMatchObject({ value: '35g01' });
    expect(codes(e, 'active')).toEqual(['true']);
    expect(of(e, 'equipment-type')).toEqual([]); // served through location (overrides.ts)
  });

  it('reads Practitioner names and telecom, PractitionerRole links and Task references', () => {
    const p = extractIndex(syntheticPractitioner);
    expect(of(p, 'family')[0]).toMatchObject({ value: 'lefevre' });
    expect(of(p, 'given')[0]).toMatchObject({ value: 'anais' });
    expect(of(p, 'name').map((x) => (x.kind === 'string' ? x.value : ''))).toEqual(['lefevre', 'anais', 'dr']);
    expect(of(p, 'email')[0]).toMatchObject({ system: 'email', code: 'a.lefevre@example.mssante.fr' });
    const r = extractIndex(syntheticPractitionerRole);
    expect(of(r, 'service')[0]).toMatchObject({ targetType: 'HealthcareService', targetId: 'hcs-1' });
    expect(of(r, 'practitioner')[0]).toMatchObject({ targetType: 'Practitioner', targetId: 'pr-1' });
    expect(codes(r, 'role')).toEqual(['10']);
    expect(of(r, 'phone')[0]).toMatchObject({ system: 'phone', code: '0299222222' });
    expect(of(r, 'date')[0]).toMatchObject({ low: Date.UTC(2020, 8, 1), high: 8.64e15 });
    const t = extractIndex(syntheticTask);
    expect(of(t, 'focus')[0]).toMatchObject({ targetType: 'HealthcareService', targetId: 'hcs-1' });
    expect(of(t, 'owner')[0]).toMatchObject({ targetId: null, url: 'https://other.example/fhir/Organization/ej-9' });
    expect(of(t, 'authored-on')[0]).toMatchObject({ low: Date.UTC(2025, 2, 4, 8, 15) });
  });

  it('deduplicates identical rows', () => {
    const loc = structuredClone(syntheticLocation);
    loc.alias.push('USI Nord', 'usi nord');
    expect(of(extractIndex(loc), 'name')).toHaveLength(2);
  });
});

describe('fast path vs fhirpath.js', () => {
  const corpus = [...IG_EXAMPLES, ...SYNTHETIC];

  it('gives identical entries for every registered parameter on the IG examples and synthetic resources', () => {
    for (const r of corpus) expect(sorted(extractIndex(r)), r.id).toEqual(sorted(extractIndexReference(r)));
  });

  it('gives identical typed values expression by expression', () => {
    let fastCount = 0;
    for (const type of SEARCHABLE_TYPES) {
      for (const def of searchParamsOf(type)) {
        if (!def.expression) continue;
        const fast = compileFast(def.expression, type);
        if (!fast) continue;
        fastCount++;
        const ref = compileFhirpath(def.expression);
        for (const r of corpus.filter((x) => x.resourceType === type)) {
          const a = fast(r).map((v) => JSON.stringify(v.value)).sort();
          const b = ref(r).map((v) => JSON.stringify(v.value)).sort();
          expect(a, `${type}.${def.code}`).toEqual(b);
        }
      }
    }
    expect(fastCount).toBeGreaterThan(100);
  });

  it('compiles every expression to a fast accessor (oi-name by hand)', () => {
    const slow = SEARCHABLE_TYPES.flatMap((t) => extractorsOf(t).filter((x) => !x.fast).map((x) => `${t}.${x.def.code}`));
    expect(slow).toEqual([]);
  });
});
