// The capacity indicator (`ror-location-supported-capacity`) as data: the codes of each value set
// (JDV_J187–J195, IG-NOS / terminologies-ig copies; capacity-rules.test.ts checks them against the
// terminology files) and which combinations make a valid indicator. One indicator is identified by its
// status, temporality, gender, closing type, supplementary type, crisis type and temporary assignment
// (the criteria the national server quotes in its business-rule errors).
//
// Combinations (our reading of the JDV definitions, IG digest §1.6):
// - only « Disponible » (02) has forecasts (temporality other than 01 Courant) and a gender;
// - « Fermé » (05) alone has a closing type; « Supplémentaire » (06) alone has a supplementary bed type
//   and a crisis type (exceptional capacity);
// - every status may carry a temporary assignment (Covid+/-, 01 Aucune by default).

export const SUPPORTED_CAPACITY_URL = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-location-supported-capacity';
/** The expression the national server reports when no indicator matches a replace. */
export const CAPACITY_EXPRESSION = `Location.extension.where(url='${SUPPORTED_CAPACITY_URL}')`;

const nos = (tre: string) => `https://mos.esante.gouv.fr/NOS/${tre}/FHIR/${tre.replace('_', '-')}`;

export interface CodedField {
  /** Sub-extension url. */
  url: string;
  /** French business attribute, quoted in errors. */
  attribute: string;
  valueSet: string;
  system: string;
  codes: readonly string[];
  required: boolean;
}

export const CODED_FIELDS: readonly CodedField[] = [
  { url: 'capacityType', attribute: 'natureCapacite', valueSet: 'JDV_J187', system: nos('TRE_R329-NatureCapacite'), codes: ['01', '02'], required: true },
  { url: 'capacityStatus', attribute: 'typeStatutCapacite', valueSet: 'JDV_J188', system: nos('TRE_R330-TypeStatutCapacite'), codes: ['01', '02', '03', '04', '05', '06'], required: true },
  { url: 'temporalityCapacity', attribute: 'temporaliteCapacite', valueSet: 'JDV_J189', system: nos('TRE_R331-TemporaliteCapacite'), codes: ['01', '02', '03', '04', '05'], required: true },
  { url: 'genderCapacityAvailable', attribute: 'genreCapacite', valueSet: 'JDV_J190', system: nos('TRE_R332-GenreCapacite'), codes: ['01', '02', '03', '04'], required: false },
  { url: 'capacityClosingType', attribute: 'typeFermeture', valueSet: 'JDV_J191', system: nos('TRE_R333-TypeFermetureCapacite'), codes: ['01', '02', '03'], required: false },
  { url: 'additionalBedType', attribute: 'typeLitSupplementaire', valueSet: 'JDV_J192', system: nos('TRE_R334-TypeLitSupplementaire'), codes: ['01', '02', '03'], required: false },
  { url: 'capacitySourceType', attribute: 'typeSourceCapacite', valueSet: 'JDV_J193', system: nos('TRE_R335-TypeSourceCapacite'), codes: ['01', '02', '03', '04'], required: true },
  { url: 'crisisType', attribute: 'typeCrise', valueSet: 'JDV_J194', system: nos('TRE_R336-TypeCrise'), codes: ['01', '02'], required: false },
  { url: 'temporaryAssignement', attribute: 'affectationTemporaire', valueSet: 'JDV_J195', system: nos('TRE_R337-AffectationTemporaire'), codes: ['01', '02', '03'], required: true },
];

/** The sub-extensions that identify an indicator, in the order the national server quotes them. */
export const KEY_FIELDS = ['capacityStatus', 'temporalityCapacity', 'genderCapacityAvailable', 'capacityClosingType', 'additionalBedType', 'crisisType', 'temporaryAssignement'] as const;

type Allowed = 'forbidden' | 'optional';

export interface StatusRule {
  temporalities: readonly string[];
  genderCapacityAvailable: Allowed;
  capacityClosingType: Allowed;
  additionalBedType: Allowed;
  crisisType: Allowed;
}

const CURRENT = ['01'];
const base: StatusRule = { temporalities: CURRENT, genderCapacityAvailable: 'forbidden', capacityClosingType: 'forbidden', additionalBedType: 'forbidden', crisisType: 'forbidden' };

/** Per capacityStatus (JDV_J188): what the other criteria may be. */
export const STATUS_RULES: Readonly<Record<string, StatusRule>> = {
  '01': base, // Installé
  '02': { ...base, temporalities: ['01', '02', '03', '04', '05'], genderCapacityAvailable: 'optional' }, // Disponible
  '03': base, // Occupé
  '04': base, // Réservé
  '05': { ...base, capacityClosingType: 'optional' }, // Fermé
  '06': { ...base, additionalBedType: 'optional', crisisType: 'optional' }, // Supplémentaire
};
