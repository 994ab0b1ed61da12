// The catalogue's conditions: how a datum's own content selects its row (characteristic slices, capacity
// indicators) or its level (contacts and telecoms). Pure functions of the datum, named so rows cite them.
import type { Level } from '../types.js';
import { ror } from './urls.js';

type Json = Record<string, unknown>;

// Data that contradicts itself (an extension given twice, a concept with several codings) is read the
// strictest way it can be read (policy-decisions §4c: imperfect data is denied by default): every value
// counts, never only the first.
const codingsOf = (cc: unknown): Json[] => {
  const coding = (cc as Json | undefined)?.coding;
  return Array.isArray(coding) ? (coding as Json[]) : [];
};
const extensionsOf = (node: unknown): Json[] => {
  const ext = (node as Json | undefined)?.extension;
  return Array.isArray(ext) ? (ext as Json[]) : [];
};
const extensions = (node: unknown, url: string): Json[] => extensionsOf(node).filter((e) => e?.url === url);
const ext = (node: unknown, url: string): Json | undefined => extensionsOf(node).find((e) => e?.url === url);
/** The codes of every coding of an extension's `valueCodeableConcept` (none, or a coding without a
 * string code: an unknown code, ''). */
const codesOfExtension = (e: Json): string[] => {
  const codings = codingsOf(e.valueCodeableConcept);
  return codings.length ? codings.map((c) => (typeof c?.code === 'string' ? c.code : '')) : [''];
};
/** The codes of every extension `url` of `node`. */
const codesOf = (node: unknown, url: string): string[] => extensions(node, url).flatMap(codesOfExtension);

/** TRE_R283 level of a `valueCodeableConcept`: the strictest of its codings; anything else (missing,
 * unknown code) is très restreint. */
export function levelOfConfidentialityExtension(extension: Json | undefined): Level {
  return strictestLevel(extension ? codesOfExtension(extension) : []);
}

function strictestLevel(codes: string[]): Level {
  if (codes.length === 0) return 3;
  let level: Level = 1;
  for (const code of codes) {
    const l: Level = code === '1' ? 1 : code === '2' ? 2 : 3;
    if (l > level) level = l;
  }
  return level;
}

export const LEVEL_READERS = {
  /** Organization.contact: `ror-contact-confidentiality-level`. */
  organizationContact: (v: unknown): Level => strictestLevel(codesOf(v, ror('ror-contact-confidentiality-level'))),
  /** ror-healthcareservice-contact: its sub-extension `ror-confidentiality-level`. */
  healthcareServiceContact: (v: unknown): Level => strictestLevel(codesOf(v, ror('ror-confidentiality-level'))),
  /** Any ContactPoint and ror-healthcareservice-contact-telecom: `ror-telecom-confidentiality-level`. */
  telecom: (v: unknown): Level => strictestLevel(codesOf(v, ror('ror-telecom-confidentiality-level'))),
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
   * outsideOfficeAct); otherwise the coding systems' NOS name, the same for every coding. No match, or
   * act types or codings that disagree: null (hors catalogue).
   */
  characteristicSlice(v: unknown): string | null {
    const actTypes = new Set(extensions(v, ror('ror-act-type')).map((e) => e.valueCode));
    if (actTypes.size > 1) return null;
    const [actType] = actTypes;
    if (actType === 'specificAct' || actType === 'outsideOfficeAct') return actType as string;
    if (actType !== undefined) return null;
    const codings = codingsOf(v);
    let found: string | null = null;
    for (const c of codings) {
      const system = c?.system;
      const slice = typeof system === 'string' ? CHARACTERISTIC_SYSTEMS.find(([, pattern]) => pattern.test(system))?.[0] : undefined;
      if (!slice || (found !== null && slice !== found)) return null;
      found = slice;
    }
    return found;
  },
  /**
   * A capacity indicator (`ror-location-supported-capacity`) is one datum (policy-decisions §2):
   * crisis when `crisisType` is present or `temporaryAssignement` is not `01` Aucune (missing counts as
   * not Aucune: deny by default); installed-current when status `01` Installé and temporality `01`
   * Courant; every other indicator is operational / availability / forecast.
   */
  capacityIndicator(v: unknown): string {
    const only01 = (name: string) => {
      const codes = codesOf(v, name);
      return codes.length > 0 && codes.every((c) => c === '01');
    };
    if (ext(v, 'crisisType') !== undefined || !only01('temporaryAssignement')) return 'crisis';
    return only01('capacityStatus') && only01('temporalityCapacity') ? 'installed-current' : 'operational';
  },
} as const;
export type DiscriminatorName = keyof typeof DISCRIMINATORS;

/** NRBC decontamination acts (TRE_R210 / JDV_J16 codes 0006, 0007, 0008): très restreint wherever found. */
export const NRBC_CODES: ReadonlySet<string> = new Set(['0006', '0007', '0008']);
/** TRE_R210 and JDV_J16 by name, and TRE_R210 by OID (1.2.250.1.213.3.3.11). */
const NRBC_SYSTEM = /TRE[_-]R210|JDV[_-]J16|1\.2\.250\.1\.213\.3\.3\.11(?![\d.])/;

/** One of the codes in TRE_R210 or J16, or with no system at all (it may be one of them: §4c). */
export function isNrbcCoding(coding: unknown): boolean {
  const c = coding as Json | null;
  if (!c || typeof c.code !== 'string' || !NRBC_CODES.has(c.code)) return false;
  return c.system === undefined || c.system === null || c.system === '' || (typeof c.system === 'string' && NRBC_SYSTEM.test(c.system));
}

/** A CodeableConcept or Coding node naming an NRBC act. */
export function carriesNrbc(node: Json): boolean {
  const coding = node.coding;
  if (Array.isArray(coding)) {
    for (const c of coding) if (isNrbcCoding(c)) return true;
  }
  return typeof node.code === 'string' && isNrbcCoding(node);
}
