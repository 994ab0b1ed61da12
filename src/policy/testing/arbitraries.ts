// fast-check arbitraries of random ROR resources (the five métier types, realistic IG structure) in which
// every restricted / très restreint / personal / contact value is a unique canary string, with the
// profiles allowed to see each canary computed by the seed oracle (independent of the catalogue).
import fc from 'fast-check';
import { ALL_PROFILES, type Level, type PolicyContext, type Resource, type Sector } from '../types.js';
import { profilesForCanary, type CanaryInfo, type CanaryKind } from './seed-oracle.js';

export { profilesForCanary, type CanaryInfo, type CanaryKind } from './seed-oracle.js';

const ROR = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
const NOS = (tre: string) => `https://mos.esante.gouv.fr/NOS/${tre}/FHIR/${tre.replace('_', '-')}`;
const R283 = NOS('TRE_R283-NiveauConfidentialite');

export interface CanaryCase {
  resource: Resource;
  ctx: PolicyContext;
  /** canary string → what it is. */
  canaries: Map<string, CanaryInfo>;
}

/** The profiles allowed to see `canary` in `c`. */
export const allowedProfiles = (c: CanaryCase, canary: string) => profilesForCanary(c.canaries.get(canary)!);

interface Seed {
  sectors: Sector[];
  sensitive: boolean;
  contactLevels: (Level | null)[];
  telecomLevels: (Level | null)[][];
  directTelecomLevels: (Level | null)[];
  flags: boolean[];
  nonce: number;
}

const levelArb = fc.constantFrom<Level | null>(1, 2, 3, null);
const seedArb: fc.Arbitrary<Seed> = fc.record({
  sectors: fc.subarray<Sector>(['sanitaire', 'ms', 'ville']),
  sensitive: fc.boolean(),
  contactLevels: fc.array(levelArb, { maxLength: 3 }),
  telecomLevels: fc.array(fc.array(levelArb, { maxLength: 3 }), { minLength: 3, maxLength: 3 }),
  directTelecomLevels: fc.array(levelArb, { maxLength: 2 }),
  flags: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
  nonce: fc.integer({ min: 0, max: 1e9 }),
});

class Builder {
  readonly canaries = new Map<string, CanaryInfo>();
  private n = 0;
  constructor(readonly seed: Seed, readonly resourceType: string, readonly sensitive: boolean) {}
  canary(kind: CanaryKind, level?: Level): string {
    const value = `CANARY-${this.seed.nonce}-${this.n++}-${kind}`;
    this.canaries.set(value, { kind, level, sectors: this.seed.sectors, sensitive: this.sensitive, resourceType: this.resourceType });
    return value;
  }
  levelExt(url: string, level: Level | null) {
    return level === null ? [] : [{ url, valueCodeableConcept: { coding: [{ system: R283, code: String(level) }] } }];
  }
  /** A ContactPoint with its ROR extensions; `contactLevel` = level of the enclosing contact. */
  contactPoint(level: Level | null, contactLevel: Level | null = 1) {
    const effective = Math.max(level ?? 3, contactLevel ?? 3) as Level;
    return {
      extension: [
        { url: ROR + 'ror-telecom-communication-channel', valueCodeableConcept: { coding: [{ system: NOS('TRE_R200-CanalCommunication'), code: '2' }] } },
        ...this.levelExt(ROR + 'ror-telecom-confidentiality-level', level),
      ],
      system: 'phone',
      value: this.canary('contact', effective),
    };
  }
  cc(system: string, code: string, kind?: CanaryKind) {
    return { coding: [{ system, code, display: kind ? this.canary(kind) : 'libellé' }] };
  }
}

const champOf = (sectors: Sector[]): string => (sectors.length === 1 ? { sanitaire: '01', ms: '04', ville: '05' }[sectors[0]] : '01');
const meta = () => ({ lastUpdated: '2025-01-01T00:00:00Z' });
const creation = { url: ROR + 'ror-meta-creation-date', valueDateTime: '2020-01-01T00:00:00Z' };

function organization(seed: Seed): CanaryCase {
  const b = new Builder(seed, 'Organization', seed.sensitive);
  const contact = seed.contactLevels.map((cl, i) => ({
    extension: b.levelExt(ROR + 'ror-contact-confidentiality-level', cl),
    name: { text: b.canary('contact', (cl ?? 3) as Level) },
    telecom: (seed.telecomLevels[i] ?? []).map((tl) => b.contactPoint(tl, cl)),
  }));
  const extension: unknown[] = [creation];
  if (seed.flags[0]) extension.push({ url: ROR + 'ror-organization-drop-zone', valueBoolean: true, id: b.canary('dropZone') });
  if (seed.flags[1]) extension.push({ url: ROR + 'ror-organization-level-recours-orsan', valueCodeableConcept: b.cc(NOS('TRE_R284-NiveauRecoursORSAN'), '1', 'orsan') });
  const resource: Resource = {
    resourceType: 'Organization', id: `org-${seed.nonce}`, meta: meta(), extension,
    identifier: [{ system: 'https://finess.esante.gouv.fr', value: '750000001' }],
    type: [{ coding: [{ system: NOS('TRE_R66-CategorieEtablissement'), code: '101' }] }],
    name: 'Établissement', address: [{ line: ['1 rue de la Paix'], city: 'Paris', postalCode: '75001' }],
    telecom: seed.directTelecomLevels.map((l) => b.contactPoint(l)),
    ...(contact.length ? { contact } : {}),
  };
  return { resource, ctx: ctxOf(seed, seed.sensitive), canaries: b.canaries };
}

function healthcareService(seed: Seed): CanaryCase {
  const b = new Builder(seed, 'HealthcareService', seed.sensitive);
  const acts: [CanaryKind, string, string, string?][] = [
    ['specificAct', NOS('TRE_R210-ActeSpecifique'), '0101', 'specificAct'],
    ['outsideOfficeAct', NOS('TRE_R210-ActeSpecifique'), '0102', 'outsideOfficeAct'],
    ['takingCareSpeciality', NOS('TRE_R246-SpecialisationDePriseEnCharge'), '01'],
    ['ressourceProfession', NOS('TRE_R241-ProfessionRessource'), '01'],
    ['specificCompetence', NOS('TRE_R216-CompetenceSpecifique'), '01'],
  ];
  const characteristic: unknown[] = [{ coding: [{ system: NOS('TRE_R213-ModePriseEnCharge'), code: '01', display: 'Hospitalisation complète' }] }];
  acts.forEach(([kind, system, code, actType], i) => {
    if (!seed.flags[i]) return;
    characteristic.push({ ...(actType ? { extension: [{ url: ROR + 'ror-act-type', valueCode: actType }] } : {}), ...b.cc(system, code, kind) });
  });
  if (seed.flags[5]) characteristic.push({ extension: [{ url: ROR + 'ror-act-type', valueCode: 'specificAct' }], ...b.cc(NOS('TRE_R210-ActeSpecifique'), '0007', 'nrbc') });
  const contacts = seed.contactLevels.map((cl, i) => ({
    url: ROR + 'ror-healthcareservice-contact',
    extension: [
      { url: 'description', valueString: b.canary('contact', (cl ?? 3) as Level) },
      ...b.levelExt(ROR + 'ror-confidentiality-level', cl),
      ...(seed.telecomLevels[i] ?? []).map((tl) => ({
        url: ROR + 'ror-healthcareservice-contact-telecom',
        extension: [...b.levelExt(ROR + 'ror-telecom-confidentiality-level', tl), { url: 'telecomAddress', valueString: b.canary('contact', Math.max(tl ?? 3, cl ?? 3) as Level) }],
      })),
    ],
  }));
  const resource: Resource = {
    resourceType: 'HealthcareService', id: `hcs-${seed.nonce}`, meta: meta(),
    extension: [
      creation,
      { url: ROR + 'ror-healthcareservice-sensitive-unit', valueBoolean: seed.sensitive },
      { url: ROR + 'ror-healthcareservice-patient-type', extension: [{ url: 'ageRange', valueRange: { low: { value: 18 }, high: { value: 99 } } }] },
      ...contacts,
    ],
    identifier: [{ value: `06/${seed.nonce}` }],
    providedBy: { reference: 'Organization/org-1' },
    type: [{ coding: [{ system: NOS('TRE_R227-ChampActivite'), code: champOf(seed.sectors) }] }],
    specialty: [{ coding: [{ system: NOS('TRE_R211-ActiviteOperationnelle'), code: '022' }] }],
    name: 'Offre', characteristic,
    telecom: seed.directTelecomLevels.map((l) => b.contactPoint(l)),
  };
  return { resource, ctx: ctxOf(seed, false), canaries: b.canaries };
}

function capacity(b: Builder, status: string, temporality: string, assignment: string | null, crisis: boolean, kind?: CanaryKind) {
  const cc = (system: string, code: string) => ({ coding: [{ system: NOS(system), code }] });
  return {
    url: ROR + 'ror-location-supported-capacity',
    extension: [
      { url: 'capacityType', valueCodeableConcept: cc('TRE_R329-NatureCapacite', '01') },
      { url: 'capacityStatus', valueCodeableConcept: cc('TRE_R330-TypeStatutCapacite', status) },
      { url: 'temporalityCapacity', valueCodeableConcept: cc('TRE_R331-TemporaliteCapacite', temporality) },
      { url: 'nbCapacity', valueInteger: 12 },
      ...(assignment ? [{ url: 'temporaryAssignement', valueCodeableConcept: cc('TRE_R337-AffectationTemporaire', assignment) }] : []),
      ...(crisis ? [{ url: 'crisisType', valueCodeableConcept: cc('TRE_R336-TypeCrise', '02') }] : []),
      ...(kind ? [{ url: 'comment', valueString: b.canary(kind) }] : []),
    ],
  };
}

function location(seed: Seed): CanaryCase {
  const b = new Builder(seed, 'Location', seed.sensitive);
  const extension: unknown[] = [creation, { url: ROR + 'ror-commune-cog', valueCodeableConcept: { coding: [{ code: '78646' }] } }];
  extension.push(capacity(b, '01', '01', '01', false)); // installed-current: libre
  if (seed.flags[0]) extension.push(capacity(b, '02', '01', '01', false, 'capacityOperational'));
  if (seed.flags[1]) extension.push(capacity(b, '01', '03', '01', false, 'capacityOperational'));
  if (seed.flags[2]) extension.push(capacity(b, '06', '01', '01', true, 'capacityCrisis'));
  if (seed.flags[3]) extension.push(capacity(b, '02', '01', '02', false, 'capacityCrisis'));
  if (seed.flags[4]) extension.push({ url: ROR + 'ror-location-equipment', extension: [{ url: 'equipmentType', valueCodeableConcept: b.cc(NOS('TRE_R212-Equipement'), '001', 'equipment') }] });
  const resource: Resource = {
    resourceType: 'Location', id: `loc-${seed.nonce}`, meta: meta(), extension,
    name: 'Lieu', address: { line: ['2 rue'], city: 'Versailles' },
    telecom: seed.directTelecomLevels.map((l) => b.contactPoint(l)),
  };
  return { resource, ctx: ctxOf(seed, seed.sensitive), canaries: b.canaries };
}

function practitioner(seed: Seed): CanaryCase {
  const b = new Builder(seed, 'Practitioner', seed.sensitive);
  const resource: Resource = {
    resourceType: 'Practitioner', id: `pr-${seed.nonce}`, meta: meta(), extension: [creation],
    identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.1', value: b.canary('personal') }],
    name: [{ family: b.canary('personal'), prefix: ['DR'] }],
    telecom: seed.directTelecomLevels.map((l) => b.contactPoint(l)),
    qualification: [{ code: b.cc(NOS('TRE_R48-DiplomeEtatFrancais'), 'DE01', 'exercise') }],
  };
  return { resource, ctx: ctxOf(seed, seed.sensitive), canaries: b.canaries };
}

function practitionerRole(seed: Seed): CanaryCase {
  const b = new Builder(seed, 'PractitionerRole', seed.sensitive);
  const extension: unknown[] = [
    creation,
    { url: ROR + 'ror-practitionerrole-unit-exercise-mode', valueCodeableConcept: b.cc(NOS('TRE_R23-ModeExercice'), 'L', 'exercise') },
    { url: ROR + 'ror-practitionerrole-name', extension: [{ url: 'exerciseLastName', valueString: b.canary('personal') }, { url: 'exerciseFirstName', valueString: b.canary('personal') }] },
  ];
  if (seed.flags[0]) extension.push({ url: 'https://apifhir.annuaire.sante.fr/ws-sync/exposed/structuredefinition/practitionerRole-contracted', valueCodeableConcept: b.cc(NOS('TRE_R282-CNAMAmeliSecteurConventionnement'), 'c1', 'liberal') });
  const resource: Resource = {
    resourceType: 'PractitionerRole', id: `prr-${seed.nonce}`, meta: meta(), extension,
    practitioner: { reference: 'Practitioner/pr-1' }, healthcareService: [{ reference: 'HealthcareService/hcs-1' }],
    code: [b.cc(NOS('TRE_G15-ProfessionSante'), '10', 'personal')],
    specialty: [b.cc(NOS('TRE_R04-TypeSavoirFaire'), 'S', 'exercise')],
    telecom: seed.directTelecomLevels.map((l) => b.contactPoint(l)),
  };
  return { resource, ctx: ctxOf(seed, seed.sensitive), canaries: b.canaries };
}

function ctxOf(seed: Seed, sensitive: boolean): PolicyContext {
  return { sectors: new Set(seed.sectors), sensitive, referenceMask: () => ALL_PROFILES };
}

export const organizationArb = seedArb.map(organization);
export const healthcareServiceArb = seedArb.map(healthcareService);
export const locationArb = seedArb.map(location);
export const practitionerArb = seedArb.map(practitioner);
export const practitionerRoleArb = seedArb.map(practitionerRole);
/** Any of the five métier types. */
export const rorResourceArb: fc.Arbitrary<CanaryCase> = fc.oneof(organizationArb, healthcareServiceArb, locationArb, practitionerArb, practitionerRoleArb);

/** Canary strings found in a JSON value. */
export function canariesIn(value: unknown): string[] {
  return JSON.stringify(value ?? null).match(/CANARY-\d+-\d+-[A-Za-z]+/g) ?? [];
}
