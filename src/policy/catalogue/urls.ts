// Extension URLs named in the catalogue. A short name resolves to the ROR canonical base unless aliased.
export const ROR_SD = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
export const SECURITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue';

const HL7 = 'http://hl7.org/fhir/StructureDefinition/';
const ANNUAIRE_SYNC = 'https://apifhir.annuaire.sante.fr/ws-sync/exposed/structuredefinition/';

/** Short names used in catalogue paths whose URL is not `ROR_SD + name`. Several URLs = known variants. */
export const EXTENSION_ALIASES: Readonly<Record<string, readonly string[]>> = {
  careOf: [HL7 + 'iso21090-ADXP-careOf'],
  additionalLocator: [HL7 + 'iso21090-ADXP-additionalLocator'],
  houseNumber: [HL7 + 'iso21090-ADXP-houseNumber'],
  buildingNumberSuffix: [HL7 + 'iso21090-ADXP-buildingNumberSuffix'],
  streetNameType: [HL7 + 'iso21090-ADXP-streetNameType'],
  streetNameBase: [HL7 + 'iso21090-ADXP-streetNameBase'],
  postalBox: [HL7 + 'iso21090-ADXP-postBox'],
  lieuDit: ['https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-lieu-dit'],
  geolocation: [HL7 + 'geolocation'],
  'organization-period': [HL7 + 'organization-period'],
  // FrOrganization slices the ROR differential names without a profile (fr-core and its predecessor).
  usePeriod: ['https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-use-period', 'http://interopsante.org/fhir/StructureDefinition/FrOrganizationUsePeriod'],
  inseeCode: [
    'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code',
    'http://interopsante.org/fhir/StructureDefinition/FrAddressInseeCode',
    'https://interop.esante.gouv.fr/ig/fhir/ror/structuredefinition/datatype/fr-address-insee-code',
  ],
  contracted: [ANNUAIRE_SYNC + 'practitionerRole-contracted'],
  optionCAS: [ANNUAIRE_SYNC + 'practitionerRole-hasCAS'],
  vitalAccepted: [ANNUAIRE_SYNC + 'practitionerRole-vitaleAccepted'],
  'data-absent-reason': [DATA_ABSENT_REASON],
};

/** The URLs of a short name or URL used in a catalogue path. Sub-extension names (no ROR canonical) stay. */
export function extensionUrls(name: string, nested: boolean): readonly string[] {
  if (name.includes('://')) return [name];
  const alias = EXTENSION_ALIASES[name];
  if (alias) return alias;
  if (nested && !name.startsWith('ror-')) return [name];
  return [ROR_SD + name];
}

export const ror = (name: string): string => ROR_SD + name;
