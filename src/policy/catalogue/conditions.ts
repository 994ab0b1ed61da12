// The catalogue's conditions: how a datum's own content selects its row (characteristic slices, capacity
// indicators) or its level (contacts and telecoms). Pure functions of the datum, named so rows cite them.
import type { Level } from '../types.js';
import { ror } from './urls.js';

type Json = Record<string, unknown>;

const codingsOf = (cc: unknown): Json[] => {
  const coding = (cc as Json | undefined)?.coding;
  return Array.isArray(coding) ? (coding as Json[]) : [];
};
const firstCode = (cc: unknown): string | undefined => {
  const code = codingsOf(cc)[0]?.code;
  return typeof code === 'string' ? code : undefined;
};
const extensionsOf = (node: unknown): Json[] => {
  const ext = (node as Json | undefined)?.extension;
  return Array.isArray(ext) ? (ext as Json[]) : [];
};
const ext = (node: unknown, url: string): Json | undefined => extensionsOf(node).find((e) => e?.url === url);

/** TRE_R283 level of a `valueCodeableConcept`; anything else (missing, unknown code) is très restreint. */
export function levelOfConfidentialityExtension(extension: Json | undefined): Level {
  const code = firstCode(extension?.valueCodeableConcept);
  return code === '1' ? 1 : code === '2' ? 2 : 3;
}

export const LEVEL_READERS = {
  /** Organization.contact: `ror-contact-confidentiality-level`. */
  organizationContact: (v: unknown): Level => levelOfConfidentialityExtension(ext(v, ror('ror-contact-confidentiality-level'))),
  /** ror-healthcareservice-contact: its sub-extension `ror-confidentiality-level`. */
  healthcareServiceContact: (v: unknown): Level => levelOfConfidentialityExtension(ext(v, ror('ror-confidentiality-level'))),
  /** Any ContactPoint and ror-healthcareservice-contact-telecom: `ror-telecom-confidentiality-level`. */
  telecom: (v: unknown): Level => levelOfConfidentialityExtension(ext(v, ror('ror-telecom-confidentiality-level'))),
} as const;
export type LevelReaderName = keyof typeof LEVEL_READERS;

/** Characteristic slices: the IG discriminates by coding.system and the `ror-act-type` extension. */
const CHARACTERISTIC_SYSTEMS: readonly [slice: string, pattern: RegExp][] = [
  ['careMode', /ModePriseEnCharge|ModePriseCharge|J19-/],
  ['receptionType', /TemporaliteAccueil|J30-/],
  ['receptionModality', /ModaliteAccueil|J226-/],
  ['managementType', /ModeGestion|J26-/],
  ['takingCareSpeciality', /SpecialisationDePriseEnCharge|SpecialisationPriseEnCharge|J35-/],
  ['annualOpening', /OuvertureAnnuelle|J28-/],
  ['ressourceProfession', /ProfessionRessource|J186-/],
  ['specificCompetence', /CompetenceSpecifique|J33-/],
  ['expertiseLevel', /NiveauExpertise|J227-/],
  ['temporalityStopService', /TypeFermeture|J185-/],
];

export const DISCRIMINATORS = {
  /**
   * HealthcareService.characteristic → slice name. `ror-act-type` decides acts (specificAct,
   * outsideOfficeAct); otherwise the coding system's NOS name. No match: null (hors catalogue).
   */
  characteristicSlice(v: unknown): string | null {
    const actType = ext(v, ror('ror-act-type'))?.valueCode;
    if (actType === 'specificAct' || actType === 'outsideOfficeAct') return actType;
    if (actType !== undefined) return null;
    const system = codingsOf(v)[0]?.system;
    if (typeof system !== 'string') return null;
    for (const [slice, pattern] of CHARACTERISTIC_SYSTEMS) if (pattern.test(system)) return slice;
    return null;
  },
  /**
   * A capacity indicator (`ror-location-supported-capacity`) is one datum (policy-decisions §2):
   * crisis when `crisisType` is present or `temporaryAssignement` is not `01` Aucune (missing counts as
   * not Aucune: deny by default); installed-current when status `01` Installé and temporality `01`
   * Courant; every other indicator is operational / availability / forecast.
   */
  capacityIndicator(v: unknown): string {
    const sub = (name: string) => ext(v, name);
    if (sub('crisisType') !== undefined) return 'crisis';
    if (firstCode(sub('temporaryAssignement')?.valueCodeableConcept) !== '01') return 'crisis';
    const status = firstCode(sub('capacityStatus')?.valueCodeableConcept);
    const temporality = firstCode(sub('temporalityCapacity')?.valueCodeableConcept);
    return status === '01' && temporality === '01' ? 'installed-current' : 'operational';
  },
} as const;
export type DiscriminatorName = keyof typeof DISCRIMINATORS;

/** NRBC decontamination acts (TRE_R210 / JDV_J16 codes 0006, 0007, 0008): très restreint wherever found. */
export const NRBC_CODES: ReadonlySet<string> = new Set(['0006', '0007', '0008']);
const NRBC_SYSTEM = /TRE[_-]R210|JDV[_-]J16/;

export function isNrbcCoding(coding: unknown): boolean {
  const c = coding as Json | null;
  return !!c && typeof c.code === 'string' && NRBC_CODES.has(c.code) && typeof c.system === 'string' && NRBC_SYSTEM.test(c.system);
}

/** A CodeableConcept or Coding node naming an NRBC act. */
export function carriesNrbc(node: Json): boolean {
  const coding = node.coding;
  if (Array.isArray(coding)) {
    for (const c of coding) if (isNrbcCoding(c)) return true;
  }
  return typeof node.code === 'string' && isNrbcCoding(node);
}
