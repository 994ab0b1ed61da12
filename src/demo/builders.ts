// Small builders for the ROR-profile elements every generated resource repeats (meta, telecoms, contacts,
// capacity indicators, addresses). Plain object literals: they run ~10 M times for a national dataset.
import type { Address, ContactPoint, Extension, Meta } from './fhir-types.js';
import { CANAL, CONFIDENTIALITY_DISPLAY, ROR, SYS, cc, coding } from './codes.js';
import type { Rng } from './prng.js';

export const PROFILE = {
  organization: `${ROR}ror-organization`,
  healthcareService: `${ROR}ror-healthcareservice`,
  location: `${ROR}ror-location`,
  practitioner: `${ROR}ror-practitioner`,
  practitionerRole: `${ROR}ror-practitionerrole`,
} as const;

/** The generator's "now": fixed, so output does not depend on the clock. */
export const REFERENCE_DATE = Date.UTC(2026, 10, 1, 8, 0, 0);

/** Opening days: one availableTime per day, as the ROR profile allows one daysOfWeek per entry. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const DAY = 86_400_000;

export const isoDateTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function meta(profile: string, region: string, rng: Rng): Meta {
  return {
    lastUpdated: isoDateTime(REFERENCE_DATE - rng.int(0, 400) * DAY - rng.int(0, 86_399) * 1000),
    profile: [profile],
    tag: [{ system: SYS.region, code: region }],
  };
}

export function creationDate(rng: Rng): Extension {
  return {
    url: `${ROR}ror-meta-creation-date`,
    valueDateTime: isoDateTime(Date.UTC(2015, 0, 1) + rng.int(0, 3300) * DAY + rng.int(0, 86_399) * 1000),
  };
}

const level = (code: string) => cc(SYS.confidentialite, code, CONFIDENTIALITY_DISPLAY[code]);

export type Channel = keyof typeof CANAL;
const SYSTEM_OF: Record<Channel, ContactPoint['system']> = { tel: 'phone', fax: 'fax', mail: 'email', mss: 'email' };

/** A ContactPoint with the ROR telecom extensions; level undefined = the level is missing (deny-by-default case). */
export function telecom(channel: Channel, value: string, levelCode: string | undefined, usage?: string): ContactPoint {
  const extension: Extension[] = [
    { url: `${ROR}ror-telecom-communication-channel`, valueCodeableConcept: cc(SYS.canal, CANAL[channel][0], CANAL[channel][1]) },
  ];
  if (usage) extension.push({ url: `${ROR}ror-telecom-usage`, valueString: usage });
  if (levelCode) extension.push({ url: `${ROR}ror-telecom-confidentiality-level`, valueCodeableConcept: level(levelCode) });
  return { extension, system: SYSTEM_OF[channel], value };
}

/** The telecom inside ror-healthcareservice-contact (an extension, not a ContactPoint). */
export function hcsContactTelecom(channel: Channel, value: string, levelCode: string | undefined): Extension {
  const extension: Extension[] = [
    { url: `${ROR}ror-telecom-communication-channel`, valueCodeableConcept: cc(SYS.canal, CANAL[channel][0], CANAL[channel][1]) },
  ];
  if (levelCode) extension.push({ url: `${ROR}ror-telecom-confidentiality-level`, valueCodeableConcept: level(levelCode) });
  extension.push({ url: 'telecomAddress', valueString: value });
  return { url: `${ROR}ror-healthcareservice-contact-telecom`, extension };
}

export interface ContactSpec {
  fonction?: readonly [string, string];
  nature: readonly [string, string];
  level: string | undefined;
  name?: string;
  telecoms: { channel: Channel; value: string; level: string | undefined }[];
}

export function organizationContact(spec: ContactSpec) {
  const extension: Extension[] = [];
  if (spec.fonction) extension.push({ url: `${ROR}ror-contact-function-contact`, valueCodeableConcept: cc(SYS.fonctionContact, spec.fonction[0], spec.fonction[1]) });
  if (spec.level) extension.push({ url: `${ROR}ror-contact-confidentiality-level`, valueCodeableConcept: level(spec.level) });
  return {
    extension,
    purpose: cc(SYS.natureContact, spec.nature[0], spec.nature[1]),
    ...(spec.name ? { name: { text: spec.name } } : {}),
    telecom: spec.telecoms.map((t) => telecom(t.channel, t.value, t.level)),
  };
}

export function healthcareServiceContact(spec: ContactSpec): Extension {
  const extension: Extension[] = [];
  if (spec.name) extension.push({ url: 'name', valueHumanName: { text: spec.name } });
  if (spec.fonction) extension.push({ url: `${ROR}ror-contact-function-contact`, valueCodeableConcept: cc(SYS.fonctionContact, spec.fonction[0], spec.fonction[1]) });
  extension.push({ url: 'purposeContact', valueCodeableConcept: cc(SYS.natureContact, spec.nature[0], spec.nature[1]) });
  if (spec.level) extension.push({ url: `${ROR}ror-confidentiality-level`, valueCodeableConcept: level(spec.level) });
  for (const t of spec.telecoms) extension.push(hcsContactTelecom(t.channel, t.value, t.level));
  return { url: `${ROR}ror-healthcareservice-contact`, extension };
}

export interface CapacitySpec {
  type: '01' | '02';
  status: '01' | '02' | '03' | '04' | '05' | '06';
  temporality?: '01' | '03' | '05';
  nb: number;
  gender?: '01' | '02' | '03';
  closingType?: '01' | '02' | '03';
  additionalBedType?: '01' | '02' | '03';
  crisisType?: '01' | '02';
  temporaryAssignement?: '01' | '02' | '03';
  comment?: string;
}
const STATUS_DISPLAY = ['', 'Installé', 'Disponible', 'Occupé', 'Réservé', 'Fermé', 'Supplémentaire'];
const TEMPORALITY_DISPLAY: Record<string, string> = { '01': 'Courant', '03': 'Prévisionnel 24 heures', '05': 'Prévisionnel 7 jours' };

/** One capacity indicator (ror-location-supported-capacity) with all its mandatory sub-extensions. */
export function capacity(c: CapacitySpec, updateMs: number, source: '01' | '02'): Extension {
  const ext: Extension[] = [
    { url: 'capacityType', valueCodeableConcept: cc(SYS.natureCapacite, c.type, c.type === '01' ? 'Lit' : 'Place') },
    { url: 'capacityStatus', valueCodeableConcept: cc(SYS.statutCapacite, c.status, STATUS_DISPLAY[Number(c.status)]) },
    { url: 'temporalityCapacity', valueCodeableConcept: cc(SYS.temporaliteCapacite, c.temporality ?? '01', TEMPORALITY_DISPLAY[c.temporality ?? '01']) },
    { url: 'nbCapacity', valueInteger: c.nb },
    { url: 'capacitySourceType', valueCodeableConcept: cc(SYS.sourceCapacite, source, source === '01' ? 'Saisie manuelle' : 'Bed management') },
    { url: 'capacityUpdateDate', valueDateTime: isoDateTime(updateMs) },
    { url: 'temporaryAssignement', valueCodeableConcept: cc(SYS.affectationTemporaire, c.temporaryAssignement ?? '01', { '01': 'Aucune', '02': 'Covid+', '03': 'Covid-' }[c.temporaryAssignement ?? '01']) },
  ];
  if (c.gender) ext.push({ url: 'genderCapacityAvailable', valueCodeableConcept: cc(SYS.genreCapacite, c.gender, { '01': 'Femme', '02': 'Homme', '03': 'Indifférencié' }[c.gender]) });
  if (c.closingType) ext.push({ url: 'capacityClosingType', valueCodeableConcept: cc(SYS.fermetureCapacite, c.closingType, { '01': 'Réactivable', '02': 'Non réactivable', '03': 'Indéterminé' }[c.closingType]) });
  if (c.additionalBedType) ext.push({ url: 'additionalBedType', valueCodeableConcept: cc(SYS.litSupplementaire, c.additionalBedType, { '01': 'Mobilisé', '02': 'Mobilisable sans ressources humaines', '03': 'Mobilisable avec ressources humaines' }[c.additionalBedType]) });
  if (c.crisisType) ext.push({ url: 'crisisType', valueCodeableConcept: cc(SYS.typeCrise, c.crisisType, c.crisisType === '01' ? 'PMIE 1' : 'Situation sanitaire Exceptionnelle (SSE) (Plan blanc)') });
  if (c.comment) ext.push({ url: 'comment', valueString: c.comment });
  return { url: `${ROR}ror-location-supported-capacity`, extension: ext };
}

export function equipment(code: readonly [string, string], nbInService: number, maxWeightKg?: number): Extension {
  const extension: Extension[] = [
    { url: 'equipmentType', valueCodeableConcept: cc(SYS.equipement, code[0], code[1]) },
    { url: 'nbInService', valueInteger: nbInService },
  ];
  if (maxWeightKg) {
    extension.push({
      url: `${ROR}ror-location-equipment-limit`,
      extension: [
        { url: 'equipmentFeature', valueCodeableConcept: cc(SYS.caracteristiqueEquipement, '001', 'Poids maximum') },
        { url: 'limitValue', valueQuantity: { value: maxWeightKg, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } },
      ],
    });
  }
  return { url: `${ROR}ror-location-equipment`, extension };
}

/** Address with the INSEE commune code and (optionally) the geolocation extension. */
export function address(line: string[], postalCode: string, city: string, cog: string, lat?: number | null, lon?: number | null): Address {
  const extension: Extension[] = [
    { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-inseeCode', valueString: cog } as Extension,
  ];
  if (lat != null && lon != null) {
    extension.push({
      url: 'http://hl7.org/fhir/StructureDefinition/geolocation',
      extension: [{ url: 'latitude', valueDecimal: lat }, { url: 'longitude', valueDecimal: lon }],
    });
  }
  return { extension, use: 'work', type: 'both', line: line.filter(Boolean), postalCode, city, country: 'FRA' };
}

export const communeCog = (code: string, name: string): Extension => ({
  url: `${ROR}ror-commune-cog`,
  valueCodeableConcept: cc(SYS.commune, code, name),
});

export const identifier = (typeSystem: string, typeCode: string, system: string | undefined, value: string) => ({
  type: { coding: [coding(typeSystem, typeCode)] },
  ...(system ? { system } : {}),
  value,
});

/** French-looking phone numbers: keep the real FINESS number when there is one. */
export function phone(rng: Rng, dep: string): string {
  const zone = dep.startsWith('97') ? '05' : ({ '7': '01', '9': '01', '2': '03', '5': '02', '3': '05', '1': '04', '0': '04', '6': '04', '4': '04', '8': '03' } as Record<string, string>)[dep[0]] ?? '01';
  return zone + rng.digits(8);
}
