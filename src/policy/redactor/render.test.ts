// (d) Unit tests of each rule of the redactor.
import { describe, expect, it } from 'vitest';
import { renderViews } from './render.js';
import { ALL_PROFILES, maskOf, type PolicyContext, type Resource, type Sector } from '../types.js';

const ROR = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
const R283 = 'https://mos.esante.gouv.fr/NOS/TRE_R283-NiveauConfidentialite/FHIR/TRE-R283-NiveauConfidentialite';
const DAR = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
const ctx = (sectors: Sector[] = ['sanitaire'], extra: Partial<PolicyContext> = {}): PolicyContext => ({ sectors: new Set(sectors), sensitive: false, referenceMask: () => ALL_PROFILES, ...extra });
const lvl = (url: string, code: string) => ({ url: ROR + url, valueCodeableConcept: { coding: [{ system: R283, code }] } });
const str = (v: unknown) => JSON.stringify(v ?? null);
const seenBy = (views: (Resource | null)[], needle: string) => views.map((v, p) => (str(v).includes(needle) ? p : -1)).filter((p) => p >= 0);

const org = (extra: Record<string, unknown> = {}): Resource => ({ resourceType: 'Organization', id: 'o1', meta: { versionId: '7', lastUpdated: '2025-01-01T00:00:00Z' }, name: 'EG', ...extra });
const telecom = (level: string | null, value: string) => ({ extension: level ? [lvl('ror-telecom-confidentiality-level', level)] : [], system: 'phone', value });

describe('contacts and telecoms', () => {
  it('a telecom is as strict as the stricter of itself and its contact', () => {
    const r = org({ contact: [{ extension: [lvl('ror-contact-confidentiality-level', '1')], name: { text: 'CONTACT-LIBRE' }, telecom: [telecom('1', 'TEL-LIBRE'), telecom('2', 'TEL-RESTREINT'), telecom('3', 'TEL-TRES')] },
      { extension: [lvl('ror-contact-confidentiality-level', '2')], name: { text: 'CONTACT-RESTREINT' }, telecom: [telecom('1', 'TEL-IN-RESTREINT')] }] });
    const { views } = renderViews(r, ctx());
    expect(seenBy(views, 'CONTACT-LIBRE')).toEqual([0, 1, 2, 3, 5]);
    expect(seenBy(views, 'TEL-LIBRE')).toEqual([0, 1, 2, 3, 5]);
    expect(seenBy(views, 'TEL-RESTREINT')).toEqual([1, 2, 5]);
    expect(seenBy(views, 'TEL-TRES')).toEqual([1]);
    expect(seenBy(views, 'TEL-IN-RESTREINT')).toEqual([1, 2, 5]);
  });

  it('a contact or telecom with no level is très restreint', () => {
    const r = org({ telecom: [telecom(null, 'TEL-NOLEVEL')], contact: [{ name: { text: 'CONTACT-NOLEVEL' } }] });
    const { views } = renderViews(r, ctx());
    expect(seenBy(views, 'TEL-NOLEVEL')).toEqual([1]);
    expect(seenBy(views, 'CONTACT-NOLEVEL')).toEqual([1]);
  });

  it('restricted contacts of a médico-social offer reach profile 3', () => {
    const r = org({ telecom: [telecom('2', 'TEL-MS')] });
    expect(seenBy(renderViews(r, ctx(['ms'])).views, 'TEL-MS')).toEqual([1, 2, 3, 5]);
    expect(seenBy(renderViews(r, ctx(['ms', 'sanitaire'])).views, 'TEL-MS')).toEqual([1, 2, 5]);
  });
});

const capacity = (subs: [string, string][], comment: string) => ({
  url: ROR + 'ror-location-supported-capacity',
  extension: [...subs.map(([url, code]) => ({ url, valueCodeableConcept: { coding: [{ code }] } })), { url: 'nbCapacity', valueInteger: 3 }, { url: 'comment', valueString: comment }],
});
const location = (extension: unknown[]): Resource => ({ resourceType: 'Location', id: 'l1', name: 'Lieu', extension });

describe('capacity indicators', () => {
  it('classifies each indicator as one datum by its sub-extensions', () => {
    const r = location([
      capacity([['capacityStatus', '01'], ['temporalityCapacity', '01'], ['temporaryAssignement', '01']], 'INSTALLED'),
      capacity([['capacityStatus', '02'], ['temporalityCapacity', '01'], ['temporaryAssignement', '01']], 'AVAILABLE'),
      capacity([['capacityStatus', '01'], ['temporalityCapacity', '05'], ['temporaryAssignement', '01']], 'FORECAST'),
      capacity([['capacityStatus', '06'], ['temporalityCapacity', '01'], ['temporaryAssignement', '01'], ['crisisType', '02']], 'CRISIS'),
      capacity([['capacityStatus', '02'], ['temporalityCapacity', '01'], ['temporaryAssignement', '02']], 'COVID'),
      capacity([['capacityStatus', '01'], ['temporalityCapacity', '01']], 'NO-ASSIGNMENT'),
    ]);
    const { views } = renderViews(r, ctx());
    expect(seenBy(views, 'INSTALLED')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seenBy(views, 'AVAILABLE')).toEqual([1, 2, 4]);
    expect(seenBy(views, 'FORECAST')).toEqual([1, 2, 4]);
    expect(seenBy(views, 'CRISIS')).toEqual([1, 4]);
    expect(seenBy(views, 'COVID')).toEqual([1, 4]);
    expect(seenBy(views, 'NO-ASSIGNMENT')).toEqual([1, 4]);
  });
});

describe('NRBC acts', () => {
  it('are très restreint wherever they appear, even in the médico-social sector', () => {
    const nrbc = { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R210-ActeSpecifique/FHIR/TRE-R210-ActeSpecifique', code: '0006', display: 'NRBC-ACT' }] };
    const plain = { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R210-ActeSpecifique/FHIR/TRE-R210-ActeSpecifique', code: '0101', display: 'PLAIN-ACT' }] };
    const act = (cc: object) => ({ extension: [{ url: ROR + 'ror-act-type', valueCode: 'specificAct' }], ...cc });
    const r: Resource = { resourceType: 'HealthcareService', id: 'h1', name: 'Offre', characteristic: [act(nrbc), act(plain)], comment: 'x', extension: [] };
    const ms = renderViews(r, ctx(['ms'])).views;
    expect(seenBy(ms, 'NRBC-ACT')).toEqual([1, 4]);
    expect(seenBy(ms, 'PLAIN-ACT')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seenBy(renderViews(r, ctx(['sanitaire'])).views, 'PLAIN-ACT')).toEqual([1, 2, 4, 5]);
    const inTask: Resource = { resourceType: 'Task', id: 't1', status: 'requested', intent: 'order', code: nrbc };
    expect(seenBy(renderViews(inTask, ctx()).views, 'NRBC-ACT')).toEqual([1, 4]);
  });
});

describe('sensitive units', () => {
  const hcs = (sensitive: boolean): Resource => ({ resourceType: 'HealthcareService', id: 'h1', name: 'UHSI', extension: [{ url: ROR + 'ror-healthcareservice-sensitive-unit', valueBoolean: sensitive }] });
  it('a sensitive offer exists only for profiles with très restreint access', () => {
    const { views, hidden } = renderViews(hcs(true), ctx());
    expect(views.map((v) => v !== null)).toEqual([false, true, false, false, true, false]);
    expect(hidden[0][0].group).toBe('Unités sensibles');
  });
  it('the cascade (ctx.sensitive) hides a Location the same way', () => {
    const { views } = renderViews(location([]), ctx(['sanitaire'], { sensitive: true }));
    expect(views.map((v) => v !== null)).toEqual([false, true, false, false, true, false]);
    expect(renderViews(hcs(false), ctx()).views.every((v) => v !== null)).toBe(true);
  });
});

describe('references, masks and tags', () => {
  it('removes a reference whose target does not exist for the profile', () => {
    const r: Resource = { resourceType: 'Location', id: 'l1', name: 'Lieu', partOf: { reference: 'Location/secret' }, managingOrganization: { reference: 'Organization/o1' } };
    const { views, hidden } = renderViews(r, ctx(['sanitaire'], { referenceMask: (ref) => (ref === 'Location/secret' ? maskOf(1, 4) : ALL_PROFILES) }));
    expect(seenBy(views, 'Location/secret')).toEqual([1, 4]);
    expect(seenBy(views, 'Organization/o1')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(hidden[0].map((h) => h.path)).toContain('Location.partOf');
  });

  it('replaces a hidden mandatory element by data-absent-reason and tags the view REDACTED', () => {
    const role: Resource = {
      resourceType: 'PractitionerRole', id: 'r1', meta: { versionId: '3', lastUpdated: '2025-01-01T00:00:00Z' },
      practitioner: { reference: 'Practitioner/p1' }, healthcareService: [{ reference: 'HealthcareService/h1' }],
      code: [{ coding: [{ code: '10', display: 'PROFESSION' }] }],
      specialty: [{ coding: [{ code: 'S', display: 'SAVOIR-FAIRE' }] }],
    };
    const { views } = renderViews(role, ctx(['sanitaire']));
    const p4 = views[4] as Record<string, any>;
    expect(p4.code).toEqual([{ extension: [{ url: DAR, valueCode: 'masked' }] }]);
    expect(str(p4)).toContain('SAVOIR-FAIRE');
    expect(p4.meta.security).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'REDACTED' }]);
    expect(p4.meta.versionId).toBe('3');
    expect((views[1] as Record<string, any>).meta.security).toBeUndefined();
    expect(views[0]).toBeNull(); // §4b: exercise data of a sanitaire role is restreint
    expect(views[2]).not.toBeNull();
  });

  it('masks a mandatory primitive with the _element form', () => {
    const task: Resource = { resourceType: 'Task', id: 't1', status: 'requested', intent: 'order', description: 'QUOTED', input: [{ type: { text: 'errorValue' }, valueString: 'QUOTED-VALUE' }] };
    const { views } = renderViews(task, ctx());
    expect(seenBy(views, 'QUOTED')).toEqual([1, 4]);
    const p2 = views[2] as Record<string, any>;
    expect(p2.status).toBe('requested');
    expect(p2.input[0].valueString).toBeUndefined();
  });

  it('a mandatory extension hidden is kept as a masked extension', () => {
    const r: Resource = {
      resourceType: 'HealthcareService', id: 'h1', name: 'Offre',
      extension: [{ url: ROR + 'ror-healthcareservice-patient-type', extension: [{ url: 'ageRange', valueRange: {} }, { url: 'https://example.org/x', valueString: 'ODD' }] }],
    };
    const { views } = renderViews(r, ctx());
    expect(seenBy(views, 'ODD')).toEqual([1]);
    expect(str(views[0])).toContain('ageRange');
  });

  it('a resource with nothing visible beyond id, meta and references is an empty shell', () => {
    const shell: Resource = { resourceType: 'Location', id: 'l1', meta: {}, extension: [{ url: ROR + 'ror-meta-creation-date', valueDateTime: '2020-01-01' }], partOf: { reference: 'Location/l0' }, telecom: [telecom('3', 'SECRET-TEL')] };
    const { views, hidden } = renderViews(shell, ctx());
    expect(views.map((v) => v !== null)).toEqual([false, true, false, false, false, false]);
    expect(hidden[0].some((h) => h.rule.startsWith('empty shell'))).toBe(true);
  });

  it('shares identical views and never modifies its input', () => {
    const r = org({ telecom: [telecom('1', 'PUBLIC')] });
    const before = str(r);
    const { views } = renderViews(r, ctx());
    expect(views[0]).toBe(views[2]);
    expect(views[0]).toBe(views[1]);
    expect(str(r)).toBe(before);
  });

  it('an unknown top-level element or extension is for profile 1 only', () => {
    const r = org({ endpoint: [{ display: 'FOREIGN' }], extension: [{ url: 'https://example.org/unknown', valueString: 'UNKNOWN' }] });
    const { views, hidden } = renderViews(r, ctx());
    expect(seenBy(views, 'FOREIGN')).toEqual([1]);
    expect(seenBy(views, 'UNKNOWN')).toEqual([1]);
    expect(hidden[0].find((h) => h.path.startsWith('Organization.endpoint'))?.group).toMatch(/Hors catalogue/);
  });

  it('a made-up name is never read as the catalogued element it starts like (deny by default)', () => {
    // `name` is libre; `nameSecret` is no FHIR choice type of it
    const r = org({ nameSecret: 'ROOT-SECRET', address: [{ city: 'CITY-LIBRE', secretNote: 'NESTED-SECRET', _city: { extension: [{ url: 'https://example.org/x', valueString: 'X' }] } }] });
    const { views } = renderViews(r, ctx());
    expect(seenBy(views, 'EG')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seenBy(views, 'ROOT-SECRET')).toEqual([1]);
    // a standard child of the datatype inherits the element's class; an unknown one is hors catalogue
    expect(seenBy(views, 'CITY-LIBRE')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seenBy(views, 'NESTED-SECRET')).toEqual([1]);
  });

  it('a choice element is recognised only with one of its FHIR types', () => {
    const ext = (value: Record<string, unknown>) => org({ extension: [{ url: `${ROR}ror-organization-creation-date`, ...value }] });
    const typed = seenBy(renderViews(ext({ valueDate: 'DATE-TYPED' }), ctx()).views, 'DATE-TYPED');
    expect(typed).toContain(0);
    expect(seenBy(renderViews(ext({ valueSecret: 'NOT-A-TYPE' }), ctx()).views, 'NOT-A-TYPE')).toEqual([1]);
  });

  it('ville personal data is libre but never reaches profile 4', () => {
    const role: Resource = {
      resourceType: 'PractitionerRole', id: 'r1', practitioner: { reference: 'Practitioner/p1' },
      extension: [{ url: ROR + 'ror-practitionerrole-name', extension: [{ url: 'exerciseLastName', valueString: 'DUPONT' }] },
        { url: 'https://apifhir.annuaire.sante.fr/ws-sync/exposed/structuredefinition/practitionerRole-contracted', valueCodeableConcept: { text: 'SECTEUR-1' } }],
      specialty: [{ text: 'x' }],
    };
    const { views } = renderViews(role, ctx(['ville']));
    expect(seenBy(views, 'DUPONT')).toEqual([0, 1, 2, 3, 5]);
    expect(seenBy(views, 'SECTEUR-1')).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('data that contradicts itself is read the strictest way (policy-decisions §4c)', () => {
  const CAPACITY = `${ROR}ror-location-supported-capacity`;
  const coded = (url: string, ...codes: string[]) => ({ url, valueCodeableConcept: { coding: codes.map((code) => ({ code })) } });
  const location = (nb: number, ...subs: Record<string, unknown>[]): Resource =>
    ({ resourceType: 'Location', id: 'l1', name: 'L', extension: [{ url: CAPACITY, extension: [...subs, { url: 'nbCapacity', valueInteger: nb }] }] });
  const installed = [coded('capacityStatus', '01'), coded('temporalityCapacity', '01')];

  it('a contact level given twice, or with two codings, counts as its stricter value', () => {
    const twice = org({ contact: [{ extension: [lvl('ror-contact-confidentiality-level', '1'), lvl('ror-contact-confidentiality-level', '3')], name: { text: 'CONTACT-TWICE' } }] });
    expect(seenBy(renderViews(twice, ctx()).views, 'CONTACT-TWICE')).toEqual([1]);
    const two = { url: `${ROR}ror-telecom-confidentiality-level`, valueCodeableConcept: { coding: [{ system: R283, code: '1' }, { system: R283, code: '3' }] } };
    const codings = org({ telecom: [{ extension: [two], system: 'phone', value: 'TEL-TWO-CODINGS' }] });
    expect(seenBy(renderViews(codings, ctx()).views, 'TEL-TWO-CODINGS')).toEqual([1]);
  });

  it('a capacity indicator is a crisis one as soon as any temporary assignment is not Aucune', () => {
    const crisis = seenBy(renderViews(location(4242, ...installed, coded('temporaryAssignement', '02')), ctx()).views, '4242');
    const current = seenBy(renderViews(location(4242, ...installed, coded('temporaryAssignement', '01')), ctx()).views, '4242');
    expect(crisis).not.toEqual(current);
    expect(seenBy(renderViews(location(4242, ...installed, coded('temporaryAssignement', '01'), coded('temporaryAssignement', '02')), ctx()).views, '4242')).toEqual(crisis);
    expect(seenBy(renderViews(location(4242, ...installed, coded('temporaryAssignement', '01', '02')), ctx()).views, '4242')).toEqual(crisis);
  });

  it('an indicator is installed-current only when every status and temporality says so', () => {
    const aucune = coded('temporaryAssignement', '01');
    const operational = seenBy(renderViews(location(4242, coded('capacityStatus', '02'), coded('temporalityCapacity', '01'), aucune), ctx()).views, '4242');
    const mixed = location(4242, coded('capacityStatus', '01', '02'), coded('temporalityCapacity', '01'), aucune);
    expect(seenBy(renderViews(mixed, ctx()).views, '4242')).toEqual(operational);
  });

  it('a characteristic whose codings name different slices is hors catalogue', () => {
    const care = { system: 'https://mos.esante.gouv.fr/NOS/TRE_R213-ModePriseEnCharge/FHIR/TRE-R213-ModePriseEnCharge', code: 'CARE-CODE' };
    const speciality = { system: 'https://mos.esante.gouv.fr/NOS/TRE_R211-SpecialisationDePriseEnCharge/FHIR/TRE-R211-SpecialisationDePriseEnCharge', code: 'SPECIALITY-CODE' };
    const offer = (coding: unknown[]): Resource => ({ resourceType: 'HealthcareService', id: 'h1', name: 'H', characteristic: [{ coding }] });
    expect(seenBy(renderViews(offer([care]), ctx()).views, 'CARE-CODE')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seenBy(renderViews(offer([care, speciality]), ctx()).views, 'SPECIALITY-CODE')).toEqual([1]);
  });

  it('an NRBC code with no system is taken for the TRE_R210 one', () => {
    const act = (coding: Record<string, unknown>): Resource => ({
      resourceType: 'HealthcareService', id: 'h1', name: 'H',
      characteristic: [{ extension: [{ url: `${ROR}ror-act-type`, valueCode: 'specificAct' }], coding: [coding] }],
    });
    const r210 = seenBy(renderViews(act({ system: 'https://mos.esante.gouv.fr/NOS/TRE_R210-ActeSpecifique/FHIR/TRE-R210-ActeSpecifique', code: '0006', display: 'NRBC-ACT' }), ctx(['ms'])).views, 'NRBC-ACT');
    expect(r210).not.toContain(0);
    expect(seenBy(renderViews(act({ code: '0006', display: 'NRBC-ACT' }), ctx(['ms'])).views, 'NRBC-ACT')).toEqual(r210);
    expect(seenBy(renderViews(act({ system: 'urn:oid:1.2.250.1.213.3.3.11', code: '0006', display: 'NRBC-ACT' }), ctx(['ms'])).views, 'NRBC-ACT')).toEqual(r210);
  });
});
