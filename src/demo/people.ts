// Synthetic professionals: names are drawn from lists of frequent French names; identifiers are fake
// (RPPS-like numbers starting with 99, which no real RPPS uses).
import type { Extension, Practitioner, PractitionerRole } from './fhir-types.js';
import { ANNUAIRE, CONFIDENTIALITY as L, ROR, SYS, cc, coding } from './codes.js';
import { PROFILE, creationDate, meta, phone, telecom } from './builders.js';
import type { Rng } from './prng.js';
import type { UnitSpec } from './units.js';

const FAMILY = ['MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LAURENT',
  'SIMON', 'MICHEL', 'LEFEBVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL', 'FOURNIER', 'GIRARD', 'BONNET', 'DUPONT',
  'LAMBERT', 'FONTAINE', 'ROUSSEAU', 'VINCENT', 'MULLER', 'LEFEVRE', 'FAURE', 'ANDRE', 'MERCIER', 'BLANC', 'GUERIN',
  'BOYER', 'GARNIER', 'CHEVALIER', 'FRANCOIS', 'LEGRAND', 'GAUTHIER', 'GARCIA', 'PERRIN', 'ROBIN', 'CLEMENT', 'MORIN',
  'NICOLAS', 'HENRY', 'ROUSSEL', 'MATHIEU', 'GAUTIER', 'MASSON', 'LE GALL', 'LE GOFF', 'GUILLOU', 'TANGUY', 'KERBRAT'];
const GIVEN_F = ['Marie', 'Nathalie', 'Isabelle', 'Sylvie', 'Catherine', 'Anne', 'Claire', 'Julie', 'Camille', 'Sophie', 'Laura', 'Emma', 'Léa', 'Chloé', 'Manon'];
const GIVEN_M = ['Jean', 'Philippe', 'Michel', 'Alain', 'Patrick', 'Nicolas', 'Christophe', 'Pierre', 'Thomas', 'Julien', 'Antoine', 'Lucas', 'Hugo', 'Yann', 'Erwan'];

export interface Person { family: string; given: string; female: boolean }
export function person(rng: Rng): Person {
  const female = rng.chance(0.55);
  return { family: rng.pick(FAMILY), given: rng.pick(female ? GIVEN_F : GIVEN_M), female };
}

export interface ProfessionCode { profession: readonly [string, string]; speciality?: readonly [string, string]; doctorTitle: boolean }

function practitioner(rng: Rng, region: string, id: string, p: Person, rpps: string): Practitioner {
  return {
    resourceType: 'Practitioner',
    id,
    meta: meta(PROFILE.practitioner, region, rng),
    extension: [creationDate(rng)],
    identifier: [{ type: cc(SYS.typeIdStructure.replace('TRE_G07-TypeIdentifiantStructure', 'TRE_G08-TypeIdentifiantPersonne').replace('TRE-G07-TypeIdentifiantStructure', 'TRE-G08-TypeIdentifiantPersonne'), 'IDNPS'), system: 'urn:oid:1.2.250.1.71.4.2.1', value: `8${rpps}` }],
    active: true,
    name: [{ family: p.family, given: [p.given], prefix: [p.female ? 'MME' : 'M'] }],
  };
}

export interface RoleSpec {
  id: string;
  practitioner: string;
  healthcareService: string;
  organization: string;
  location?: string;
  code: ProfessionCode;
  person: Person;
  liberal: boolean;
  dep: string;
}

function role(rng: Rng, region: string, s: RoleSpec): PractitionerRole {
  const nameExt: Extension[] = [];
  if (s.code.doctorTitle) nameExt.push({ url: 'exerciseTitle', valueCodeableConcept: cc(SYS.civilite, 'DR', 'Docteur') });
  nameExt.push({ url: 'exerciseLastName', valueString: s.person.family }, { url: 'exerciseFirstName', valueString: s.person.given });
  const ext: Extension[] = [
    { url: `${ROR}ror-practitionerrole-unit-exercise-mode`, valueCodeableConcept: s.liberal ? cc(SYS.modeExercice, 'L', 'Libéral') : cc(SYS.modeExercice, 'S', 'Salarié') },
    { url: `${ROR}ror-practitionerrole-name`, extension: nameExt },
    creationDate(rng),
  ];
  if (s.liberal) {
    const sector = s.code.doctorTitle && s.code.speciality && rng.chance(0.35) ? ['c3', 'Secteur 2'] : ['c1', 'Secteur 1 ou conventionné'];
    ext.push(
      { url: `${ANNUAIRE}practitionerRole-contracted`, valueCodeableConcept: cc(SYS.secteurConventionnement, sector[0], sector[1]) },
      { url: `${ANNUAIRE}practitionerRole-hasCAS`, valueBoolean: sector[0] === 'c3' ? rng.chance(0.5) : false },
      { url: `${ANNUAIRE}practitionerRole-vitaleAccepted`, valueBoolean: rng.chance(0.97) },
    );
  }
  const specialty = [cc(SYS.typeSavoirFaire, 'S', 'Spécialité ordinale')];
  if (s.code.speciality) specialty.push({ coding: [coding(SYS.savoirFaire, s.code.speciality[0], s.code.speciality[1])] });
  const r: PractitionerRole = {
    resourceType: 'PractitionerRole',
    id: s.id,
    meta: meta(PROFILE.practitionerRole, region, rng),
    extension: ext,
    active: true,
    practitioner: { reference: s.practitioner },
    organization: { reference: s.organization },
    code: [cc(SYS.profession, s.code.profession[0], s.code.profession[1])],
    specialty,
    ...(s.location ? { location: [{ reference: s.location }] } : {}),
    healthcareService: [{ reference: s.healthcareService }],
  };
  if (rng.chance(0.6)) {
    const lv = s.liberal ? rng.pick([L.libre, L.libre, L.restreint] as const) : rng.pick([L.restreint, L.tresRestreint] as const);
    r.telecom = [telecom('tel', phone(rng, s.dep), rng.chance(0.02) ? undefined : lv)];
  }
  return r;
}

export function professional(rng: Rng, region: string, key: string, s: Omit<RoleSpec, 'id' | 'practitioner' | 'person'>): [Practitioner, PractitionerRole] {
  const p = person(rng);
  const rpps = `99${rng.digits(9)}`;
  const pr = practitioner(rng, region, `ps-${key}`, p, rpps);
  return [pr, role(rng, region, { ...s, id: `pr-${key}`, practitioner: `Practitioner/${pr.id}`, person: p })];
}

const SPEC_OF_UNIT: Record<string, readonly [string, string]> = {
  MCO: ['SM54', 'Médecine générale (SM)'], PSY: ['SM42', 'Psychiatrie (SM)'],
};
export function hospitalPractitioner(_seed: number, rng: Rng, region: string, key: string, u: UnitSpec, hcs: string, org: string, loc: string, dep: string) {
  const speciality = u.kind === 'rea' ? (['SM46', 'Médecine intensive-réanimation (SM)'] as const) : u.kind === 'urg' ? (['SM59', "Médecine d'urgence (SM)"] as const) : SPEC_OF_UNIT[u.champ];
  return professional(rng, region, `h-${key}`, {
    healthcareService: hcs, organization: org, location: loc, dep, liberal: false,
    code: { profession: ['10', 'Médecin'], speciality, doctorTitle: true },
  });
}
