// The one place where the IG's search parameters are corrected (ror-ig-digest §3.1, key fact 11). The
// generated JSON records the IG as published; registry.ts applies these rows over it at load time.
// Each row says what it fixes and why, so a new IG release can be re-checked row by row.

const ROR = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
const CAPACITY = `Location.extension.where(url='${ROR}ror-location-supported-capacity')`;
const EQUIPMENT = `Location.extension.where(url='${ROR}ror-location-equipment')`;
const PRICE = `Organization.extension.where(url='${ROR}ror-organization-price')`;

/** fr-core address INSEE-code extensions: the current fr-core canonical and the interopsante one of
 * the FrOrganization base the IG still derives from. */
export const ADDRESS_INSEE_EXTENSIONS = [
  'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code',
  'http://interopsante.org/fhir/StructureDefinition/FrAddressInseeCode',
] as const;
export const COMMUNE_COG_EXTENSION = `${ROR}ror-commune-cog`;

/**
 * Applied to EVERY expression (R4 and ROR): FHIRPath `as(T)` requires a singleton input and fails on a
 * collection (fhirpath.js raises "Expected singleton on left side of 'as'"), yet SearchParameter
 * expressions use it to select a choice type among repeating elements (several capacities, equipments,
 * prices on one resource). FHIR R5 rewrote these as `ofType(T)`, which is what they mean; so do we.
 */
export function normalizeExpression(expression: string): string {
  return expression.replace(/\.as\(\s*([A-Za-z]+)\s*\)/g, '.ofType($1)');
}

export interface SearchParameterOverride {
  code: string;
  base: string;
  /** Corrected FHIRPath, or null when the parameter is served another way (see `chainVia`). */
  expression: string | null;
  why: string;
  /** Only for rows that add a parameter the IG does not declare under this code. */
  add?: { type: string; url: string; description: string };
  /** Served as a chain through this reference parameter of the base (the element lives there). */
  chainVia?: { param: string; targetType: string; targetParam: string };
}

const capacityToken = (code: string, sub: string): SearchParameterOverride => ({
  code,
  base: 'Location',
  expression: `${CAPACITY}.extension.where(url='${sub}').value.as(CodeableConcept)`,
  why: `ror-location-supported-capacity.${sub} is a CodeableConcept; the IG's .value.as(code) selects nothing`,
});

export const SEARCH_PARAMETER_OVERRIDES: readonly SearchParameterOverride[] = [
  capacityToken('additional-bed-type', 'additionalBedType'),
  capacityToken('capacity-closing-type', 'capacityClosingType'),
  capacityToken('capacity-status', 'capacityStatus'),
  capacityToken('capacity-type', 'capacityType'),
  capacityToken('crisis-type', 'crisisType'),
  capacityToken('gender-capacity-available', 'genderCapacityAvailable'),
  capacityToken('temporality-capacity', 'temporalityCapacity'),
  {
    code: 'equipment-feature',
    base: 'Location',
    expression: `${EQUIPMENT}.extension.where(url='${ROR}ror-location-equipment-limit').extension.where(url='equipmentFeature').value.as(CodeableConcept)`,
    why: 'ror-location-equipment-limit is nested in ror-location-equipment, not a top-level Location extension',
  },
  {
    code: 'limit-value',
    base: 'Location',
    expression: `${EQUIPMENT}.extension.where(url='${ROR}ror-location-equipment-limit').extension.where(url='limitValue').value.as(Quantity)`,
    why: 'ror-location-equipment-limit is nested in ror-location-equipment, not a top-level Location extension',
  },
  {
    code: 'equipment-type',
    base: 'HealthcareService',
    expression: null,
    chainVia: { param: 'location', targetType: 'Location', targetParam: 'equipment-type' },
    why: 'the IG points to a non-existent ror30 ror-healthcareservice-equipement extension; equipment is described on the offer\'s Locations (ror-location-equipment), so HealthcareService?equipment-type=X is served as location:Location.equipment-type=X',
  },
  {
    code: 'oi-name',
    base: 'Organization',
    expression: "Organization.where(identifier.where(system='https://oi.esante.gouv.fr').exists() or type.coding.where(system.contains('TypeOrganisationInterne')).exists()).name",
    why: 'the IG points to a non-existent ror-organization-oi-name extension; the nomOI is Organization.name of an organisation interne (identifierOI slice, system https://oi.esante.gouv.fr, or an OIType type coding)',
  },
  {
    code: 'special-price',
    base: 'Organization',
    expression: `${PRICE}.extension.where(url='specialPrice').value.as(CodeableConcept)`,
    why: 'the IG expression reads dependencyLevel (a copy of price-dependency-level); the condition tarifaire is specialPrice (J39)',
  },
  {
    code: 'price-validity-start-date',
    base: 'Organization',
    expression: `${PRICE}.extension.where(url='startDate').value.as(dateTime)`,
    why: 'the IG expression targets the ror-organization profile URL instead of the ror-organization-price extension, and startDate is a dateTime',
  },
  {
    code: 'price-amount-value',
    base: 'Organization',
    expression: `${PRICE}.extension.where(url='amount').value.as(Money).value`,
    add: {
      type: 'number',
      url: 'https://interop.esante.gouv.fr/ig/fhir/ror/SearchParameter/ror-sp-organization-price-amount-value',
      description: 'Montant du tarif (alias of amount-value: the CapabilityStatement declares this code)',
    },
    why: 'the SearchParameter code is amount-value but the CapabilityStatement declares price-amount-value; both are served',
  },
  {
    code: 'near-insee-code',
    base: 'Location',
    expression: `Location.extension.where(url='${COMMUNE_COG_EXTENSION}').value.as(CodeableConcept) | Location.address.extension.where(url='${ADDRESS_INSEE_EXTENSIONS[0]}').value.as(Coding) | Location.address.extension.where(url='${ADDRESS_INSEE_EXTENSIONS[1]}').value`,
    why: 'the IG uses a stale fr-address-insee-code URL; RORLocation carries its commune in ror-commune-cog (IG example: 78646). Indexed as a geo point: Location.position when present, else the centroid of that commune (data/communes.json.gz)',
  },
];
