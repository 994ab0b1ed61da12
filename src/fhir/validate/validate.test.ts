import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { structuralErrors, validateResource } from './index.js';

const ig = (name: string) => JSON.parse(readFileSync(join(process.cwd(), '../shared/spec/ig', name), 'utf8'));
const errors = (r: unknown) => validateResource(r).filter((i) => i.severity === 'error');
const warnings = (r: unknown) => validateResource(r).filter((i) => i.severity === 'warning');
const EXT = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';

describe('validateResource on the IG examples', () => {
  it('HealthcareService-1234564: no error, a warning for the missing careMode', () => {
    const hs = ig('HealthcareService-1234564.json');
    expect(errors(hs)).toEqual([]);
    expect(warnings(hs).map((w) => w.diagnostics)).toContain('HealthcareService.characteristic: missing careMode (expected at least 1)');
  });
  it('Location and Task examples: no error', () => {
    expect(errors(ig('Location-ror-location-exemple.json'))).toEqual([]);
    expect(errors(ig('Task-ror-task-exemple.json'))).toEqual([]);
  });
});

describe('validateResource: structural errors', () => {
  const loc = () => structuredClone(ig('Location-ror-location-exemple.json'));
  const cases: [string, (r: Record<string, unknown>) => unknown, string][] = [
    ['not an object', () => 'x', 'not a FHIR resource (not a JSON object)'],
    ['no resourceType', (r) => ({ ...r, resourceType: undefined }), 'not a FHIR resource (no resourceType)'],
    ['not a directory type', () => ({ resourceType: 'Patient' }), 'Patient is not a directory resource type'],
    ['unknown element', (r) => ({ ...r, colour: 'blue' }), 'Location.colour: unknown element for Location'],
    ['unknown nested element', (r) => ({ ...r, address: { ...(r.address as object), planet: 'Earth' } }), 'Location.address.planet: unknown element for Address'],
    ['array for a singleton', (r) => ({ ...r, name: ['a', 'b'] }), 'Location.name: expected a single value, not an array'],
    ['singleton for an array', (r) => ({ ...r, alias: 'a' }), 'Location.alias: expected an array'],
    ['wrong JSON type', (r) => ({ ...r, name: 42 }), 'Location.name: string: expected a string'],
    ['wrong boolean', (r) => ({ ...r, meta: { lastUpdated: 'yesterday' } }), 'Location.meta.lastUpdated: instant: not a valid instant: "yesterday"'],
    ['bad date', (r) => ({ ...r, extension: [{ url: `${EXT}ror-meta-creation-date`, valueDateTime: '2022-13-01' }] }), 'Location.extension[0].valueDateTime: dateTime: not a valid dateTime: "2022-13-01"'],
    ['bad code', (r) => ({ ...r, status: 'active ' }), 'Location.status: code: not a valid code: "active "'],
    ['bad uri', (r) => ({ ...r, implicitRules: 'a b' }), 'Location.implicitRules: uri: not a valid uri: "a b"'],
    ['bad decimal', (r) => ({ ...r, position: { latitude: '48.8', longitude: 2.1 } }), 'Location.position.latitude: decimal: expected a number'],
    ['bad integer', (r) => ({ ...r, extension: [{ url: 'x', valueInteger: 1.5 }] }), 'Location.extension[0].valueInteger: integer: expected an integer'],
    ['null value', (r) => ({ ...r, name: null }), 'Location.name: null value'],
    ['object expected', (r) => ({ ...r, address: 'Paris' }), 'Location.address: expected a JSON object (Address)'],
  ];
  for (const [what, mutate, message] of cases) {
    it(what, () => {
      const issues = errors(mutate(loc()));
      expect(issues.map((i) => i.diagnostics)).toContain(message);
      // the writes' validation: the same errors, without the profile checks (warnings only)
      expect(structuralErrors(mutate(loc()))).toEqual(issues);
    });
  }
  it('accepts primitive extensions (_element)', () => {
    expect(errors({ ...loc(), _name: { extension: [{ url: 'x', valueString: 'y' }] } })).toEqual([]);
    expect(errors({ ...loc(), _nom: {} }).map((i) => i.diagnostics)).toContain('Location._nom: unknown element for Location');
  });
});

describe('structuralErrors: versions sharing unchanged elements (objects found valid are remembered)', () => {
  const indicator = (nb: unknown) => ({ url: `${EXT}ror-location-supported-capacity`, extension: [{ url: 'nbCapacity', valueInteger: nb }] });
  // what a fresh validation finds: the same value, no object shared with anything validated before
  const fresh = (r: unknown) => structuralErrors(structuredClone(r));
  it('a patch that breaks one item is refused at that item, its unchanged items shared with the stored version', () => {
    const stored = { ...structuredClone(ig('Location-ror-location-exemple.json')), extension: [indicator(1), indicator(2), indicator(3)] };
    expect(structuralErrors(stored)).toEqual([]);
    const broken = { ...stored, extension: [stored.extension[0], indicator(2.5), stored.extension[2]] };
    const issues = structuralErrors(broken);
    expect(issues.map((i) => i.diagnostics)).toEqual(['Location.extension[1].extension[0].valueInteger: integer: expected an integer']);
    expect(issues).toEqual(fresh(broken));
    // the broken item is reported again wherever it is met: only valid objects are remembered
    const moved = { ...stored, extension: [broken.extension[1], ...stored.extension] };
    expect(structuralErrors(moved).map((i) => i.diagnostics)).toEqual(['Location.extension[0].extension[0].valueInteger: integer: expected an integer']);
    expect(structuralErrors(moved)).toEqual(fresh(moved));
  });
  it('an item valid as one type is still checked as another', () => {
    const item = { url: 'x', valueString: 'y' };
    expect(structuralErrors({ resourceType: 'Location', extension: [item] })).toEqual([]);
    // an Extension is not an Address: met as one, it is checked as one
    const issues = structuralErrors({ resourceType: 'Location', address: item });
    expect(issues.map((i) => i.diagnostics)).toContain('Location.address.url: unknown element for Address');
    expect(issues).toEqual(fresh({ resourceType: 'Location', address: item }));
  });
});

describe('validateResource: profile warnings', () => {
  const hs = () => structuredClone(ig('HealthcareService-1234564.json'));
  const messages = (r: unknown) => warnings(r).map((w) => w.diagnostics);
  it('missing mandatory extension', () => {
    const r = hs();
    r.extension = r.extension.filter((e: { url: string }) => !e.url.endsWith('ror-healthcareservice-sensitive-unit'));
    expect(messages(r)).toContain('HealthcareService.extension: missing mandatory extension ror-healthcareservice-sensitive-unit');
    expect(errors(r)).toEqual([]);
  });
  it('missing champ d\'activité', () => {
    const r = hs();
    delete r.type;
    expect(messages(r)).toContain("HealthcareService.type: expected at least 1, found 0 (champ d'activité)");
  });
  it('code outside value set', () => {
    const r = hs();
    r.type = [{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R227-ChampActivite/FHIR/TRE-R227-ChampActivite', code: '99' }] }];
    expect(messages(r)).toContain('HealthcareService.type[0]: code outside value set JDV-J20-ChampActivite-ROR');
  });
  it('cardinality max of the profile', () => {
    const r = hs();
    r.identifier = [...r.identifier, { value: 'other' }];
    expect(messages(r)).toContain('HealthcareService.identifier: expected at most 1, found 2');
  });
  it('extension value[x] of the wrong type', () => {
    const r = hs();
    r.extension = r.extension.map((e: { url: string }) => (e.url.endsWith('sensitive-unit') ? { url: e.url, valueString: 'false' } : e));
    expect(messages(r)).toContain('HealthcareService.extension[0].valueString: value type String not allowed (expected boolean)');
  });
  it('missing sub-extension of a complex ROR extension', () => {
    const r = hs();
    const pt = r.extension.find((e: { url: string }) => e.url.endsWith('patient-type'));
    pt.extension = [];
    expect(messages(r)).toContain('HealthcareService.extension[1].extension: missing ageRange in ror-healthcareservice-patient-type');
  });
  it('fixed value of the profile', () => {
    const pr = { resourceType: 'Practitioner', id: 'p', identifier: [{ system: 'urn:oid:1.2.3', value: '1' }] };
    expect(messages(pr)).toContain('Practitioner.identifier[0].system: expected "urn:oid:1.2.250.1.71.4.2.1"');
  });
  it('nested required element (telecom.value)', () => {
    const r = hs();
    r.telecom = [{ system: 'phone' }];
    expect(messages(r)).toContain('HealthcareService.telecom[0].value: expected at least 1, found 0');
    expect(messages(r)).toContain('HealthcareService.telecom[0].extension: missing mandatory extension ror-telecom-communication-channel');
  });
});
