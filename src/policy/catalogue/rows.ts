// THE CATALOGUE: (resource type, element path or extension, condition) → group. Hold it next to the
// seed's tables; docs/policy-catalogue.md renders it. Paths are relative to the resource; `extension(x)`
// names an extension by short name or URL (see urls.ts). Children not listed inherit their parent's row,
// except at the resource root (an unlisted element is hors catalogue) and for extensions (an unlisted
// extension URL is hors catalogue, anywhere). A datum is visible to a profile only if every row on its
// path lets it (so a telecom is as strict as the stricter of itself and its contact).
import type { GroupKey } from './groups.js';
import type { DiscriminatorName, LevelReaderName } from './conditions.js';

export const CATALOGUE_TYPES = ['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole', 'Task', 'Measure', 'MeasureReport'] as const;
export type CatalogueResourceType = (typeof CATALOGUE_TYPES)[number];

export interface CatalogueRow {
  type: CatalogueResourceType;
  path: string;
  /** Case of the path's discriminator (see DISCRIMINATED_PATHS); absent = unconditional. */
  when?: string;
  /** 'inherit' = a known element that takes its parent's row (listed so nothing is unknown). */
  group: GroupKey | 'inherit';
  /** The level is the datum's own (contacts and telecoms). */
  levelFrom?: LevelReaderName;
  /** The element is a Reference: it is removed when its target does not exist for the profile. */
  reference?: true;
  note?: string;
}

/** Paths whose row depends on the datum's content; no matching case = hors catalogue. */
export const DISCRIMINATED_PATHS: Readonly<Record<string, DiscriminatorName>> = {
  'HealthcareService.characteristic': 'characteristicSlice',
  'Location.extension(ror-location-supported-capacity)': 'capacityIndicator',
};

type Rows = CatalogueRow[];
type T = CatalogueResourceType;
const row = (type: T, path: string, group: CatalogueRow['group'], extra: Partial<CatalogueRow> = {}): CatalogueRow => ({ type, path, group, ...extra });
const inherit = (type: T, base: string, children: string[]): Rows => children.map((c) => row(type, `${base}.${c}`, 'inherit'));
const subExt = (type: T, base: string, names: string[]): Rows => inherit(type, base, names.map((n) => `extension(${n})`));

/** Resource bookkeeping shared by every type: identification-level, never a reason to exist. */
function common(type: T, metaExtensions = true): Rows {
  return [
    row(type, 'id', 'identification'),
    row(type, 'meta', 'identification', { note: 'meta.tag codeRegion included; versionId/lastUpdated set by the caller' }),
    row(type, 'implicitRules', 'identification'),
    row(type, 'language', 'identification'),
    row(type, 'text', 'horsCatalogue', { note: 'narrative may restate anything: profile 1 only' }),
    row(type, 'contained', 'horsCatalogue', { note: 'contained resources escape the catalogue: profile 1 only' }),
    ...(metaExtensions
      ? [
          row(type, 'extension(ror-meta-creation-date)', 'identification'),
          row(type, 'extension(ror-meta-questionnaire-used-as-a-template)', 'identification', { note: 'modèle de saisie' }),
        ]
      : []),
  ];
}

function telecom(type: T, base: string, extraExtensions: string[] = []): Rows {
  return [
    row(type, base, 'contacts', { levelFrom: 'telecom', note: 'own ror-telecom-confidentiality-level; missing = très restreint' }),
    ...subExt(type, base, ['ror-telecom-communication-channel', 'ror-telecom-usage', 'ror-telecom-confidentiality-level', ...extraExtensions]),
  ];
}

function address(type: T, base: string, withGeolocation: boolean): Rows {
  const line = ['careOf', 'additionalLocator', 'houseNumber', 'buildingNumberSuffix', 'streetNameType', 'streetNameBase', 'postalBox', 'lieuDit'];
  return [
    row(type, base, 'adresse'),
    ...subExt(type, base, ['inseeCode']),
    ...subExt(type, `${base}.line`, line),
    ...(withGeolocation
      ? [row(type, `${base}.extension(geolocation)`, 'inherit'), ...subExt(type, `${base}.extension(geolocation)`, ['latitude', 'longitude', 'ror-confidence-geolocation'])]
      : []),
  ];
}

function availableTime(type: T, base: string, group: GroupKey): Rows {
  return [
    row(type, base, group),
    ...subExt(type, base, ['ror-available-time-type-of-time', 'ror-available-time-effective-opening-closing-date', 'ror-available-time-number-days-of-week']),
  ];
}

const territorialDivision = (type: T): Rows => [
  row(type, 'extension(ror-territorial-division)', 'description', { note: 'territoire de santé / zone d\'intervention' }),
  ...subExt(type, 'extension(ror-territorial-division)', ['typeTerritorialDivision', 'codeTerritorialDivision']),
];

const ORGANIZATION: Rows = [
  ...common('Organization'),
  row('Organization', 'active', 'identification'),
  row('Organization', 'identifier', 'identification', { note: 'all slices: idNatSt, finess, sirene, numSIRET, rppsRang, adeliRang, identifierOI' }),
  row('Organization', 'type', 'identification', { note: 'all slices: statut juridique, catégorie d\'établissement, SPH, type d\'OI' }),
  row('Organization', 'name', 'identification'),
  ...subExt('Organization', 'name', ['ror-organization-additional-name']),
  row('Organization', 'alias', 'identification', { note: 'nomOperationnel' }),
  ...telecom('Organization', 'telecom'),
  ...address('Organization', 'address', true),
  row('Organization', 'partOf', 'identification', { reference: true }),
  row('Organization', 'contact', 'contacts', { levelFrom: 'organizationContact', note: 'own ror-contact-confidentiality-level; missing = très restreint' }),
  ...subExt('Organization', 'contact', ['ror-contact-function-contact', 'ror-contact-description', 'ror-contact-confidentiality-level']),
  ...inherit('Organization', 'contact', ['purpose', 'name', 'address']),
  ...telecom('Organization', 'contact.telecom', ['ror-contact-telecom-confidentiality-level', 'ror-contact-telecom-usage']),
  row('Organization', 'extension(usePeriod)', 'identification', { note: 'dateOuverture / dateFermeture' }),
  row('Organization', 'extension(organization-period)', 'identification'),
  row('Organization', 'extension(ror-organization-closing-type)', 'identification'),
  row('Organization', 'extension(ror-organization-reopening-date)', 'identification'),
  row('Organization', 'extension(ror-organization-creation-date)', 'identification'),
  row('Organization', 'extension(ror-organization-price)', 'description', { note: 'tarifs: libre (policy-decisions §2)' }),
  ...subExt('Organization', 'extension(ror-organization-price)', [
    'priceType', 'priceUnit', 'amount', 'startDate', 'under60', 'deliveryIncluded', 'othersDeliveryIncluded', 'residentialType',
    'specialPrice', 'welcomeType', 'mealDeliveryName', 'dependencyLevel', 'humanHelpPriceName', 'managementType',
    'otherAdditionalServiceName', 'additionalServiceName',
  ]),
  ...territorialDivision('Organization'),
  row('Organization', 'extension(ror-organization-financial-help-type)', 'description'),
  row('Organization', 'extension(ror-organization-accomodation-family)', 'description'),
  row('Organization', 'extension(ror-organization-nb-permanent-social-help-place)', 'capaciteInstallee'),
  row('Organization', 'extension(ror-organization-nb-temporary-social-help-place)', 'capaciteInstallee'),
  row('Organization', 'extension(ror-organization-accessibility-location)', 'description', { note: 'accessibilité: libre' }),
  row('Organization', 'extension(ror-organization-level-recours-orsan)', 'orsan'),
  row('Organization', 'extension(ror-organization-drop-zone)', 'zonePoser'),
  row('Organization', 'extension(ror-meta-comment)', 'description'),
  row('Organization', 'extension(ror-organization-comment)', 'description'),
];

const HEALTHCARE_SERVICE: Rows = [
  ...common('HealthcareService'),
  row('HealthcareService', 'active', 'identification'),
  row('HealthcareService', 'identifier', 'identification', { note: 'identifiantOffre' }),
  row('HealthcareService', 'providedBy', 'identification', { reference: true }),
  row('HealthcareService', 'category', 'identification', { note: 'typeOffre' }),
  row('HealthcareService', 'type', 'identification', { note: 'champ d\'activité' }),
  row('HealthcareService', 'name', 'identification'),
  row('HealthcareService', 'specialty', 'activites', { note: 'operationalActivity, operationalActivityFamily' }),
  row('HealthcareService', 'location', 'identification', { reference: true }),
  row('HealthcareService', 'coverageArea', 'description', { reference: true }),
  row('HealthcareService', 'comment', 'description'),
  ...telecom('HealthcareService', 'telecom'),
  row('HealthcareService', 'characteristic', 'modePec', { when: 'careMode' }),
  row('HealthcareService', 'characteristic', 'modePec', { when: 'receptionType', note: 'temporalité d\'accueil précise le mode de PEC' }),
  row('HealthcareService', 'characteristic', 'modePec', { when: 'receptionModality' }),
  row('HealthcareService', 'characteristic', 'description', { when: 'managementType' }),
  row('HealthcareService', 'characteristic', 'actesSpecifiques', { when: 'specificAct', note: 'NRBC codes: très restreint (global rule)' }),
  row('HealthcareService', 'characteristic', 'actesHorsCabinet', { when: 'outsideOfficeAct' }),
  row('HealthcareService', 'characteristic', 'specialisationPec', { when: 'takingCareSpeciality' }),
  row('HealthcareService', 'characteristic', 'horaires', { when: 'annualOpening', note: 'ouverture annuelle' }),
  row('HealthcareService', 'characteristic', 'professionsRessources', { when: 'ressourceProfession' }),
  row('HealthcareService', 'characteristic', 'competencesSpecifiques', { when: 'specificCompetence' }),
  row('HealthcareService', 'characteristic', 'description', { when: 'expertiseLevel' }),
  row('HealthcareService', 'characteristic', 'horaires', { when: 'temporalityStopService', note: 'type de fermeture' }),
  ...subExt('HealthcareService', 'characteristic', ['ror-act-type']),
  ...availableTime('HealthcareService', 'availableTime', 'horaires'),
  row('HealthcareService', 'notAvailable', 'horaires', { note: 'closingReopeningDate' }),
  row('HealthcareService', 'availabilityExceptions', 'horaires'),
  row('HealthcareService', 'extension(ror-healthcareservice-sensitive-unit)', 'identification', { note: 'the flag itself; a sensitive offer does not exist for profiles without très restreint access' }),
  row('HealthcareService', 'extension(ror-healthcareservice-patient-type)', 'patientele'),
  ...subExt('HealthcareService', 'extension(ror-healthcareservice-patient-type)', ['supportedPatientInfo', 'ageRange']),
  ...territorialDivision('HealthcareService'),
  row('HealthcareService', 'extension(ror-healthcareservice-no-consent-habilitation)', 'description'),
  row('HealthcareService', 'extension(ror-healthcareservice-psychiatric-sector)', 'description'),
  row('HealthcareService', 'extension(ror-healthcareservice-contact)', 'contacts', { levelFrom: 'healthcareServiceContact', note: 'own ror-confidentiality-level; missing = très restreint' }),
  ...subExt('HealthcareService', 'extension(ror-healthcareservice-contact)', ['name', 'ror-contact-function-contact', 'purposeContact', 'description', 'ror-confidentiality-level']),
  row('HealthcareService', 'extension(ror-healthcareservice-contact).extension(ror-healthcareservice-contact-telecom)', 'contacts', { levelFrom: 'telecom', note: 'stricter of its own level and its contact\'s' }),
  ...subExt('HealthcareService', 'extension(ror-healthcareservice-contact).extension(ror-healthcareservice-contact-telecom)', [
    'ror-telecom-communication-channel', 'ror-telecom-usage', 'ror-telecom-confidentiality-level', 'telecomAddress',
  ]),
];

const CAPACITY_SUBS = [
  'capacityType', 'capacityStatus', 'temporalityCapacity', 'nbCapacity', 'capacitySourceType', 'genderCapacityAvailable',
  'capacityUpdateDate', 'capacityClosingType', 'additionalBedType', 'crisisType', 'temporaryAssignement', 'comment',
];

const LOCATION: Rows = [
  ...common('Location'),
  row('Location', 'identifier', 'identification', { note: 'idExterneSynchro, idLocation' }),
  row('Location', 'status', 'identification'),
  row('Location', 'operationalStatus', 'identification', { note: 'statut du lieu' }),
  row('Location', 'name', 'identification'),
  row('Location', 'alias', 'identification', { note: 'nomExterneSynchro' }),
  row('Location', 'description', 'description'),
  row('Location', 'mode', 'identification'),
  row('Location', 'type', 'identification', { note: 'fonction du lieu' }),
  row('Location', 'physicalType', 'description'),
  ...telecom('Location', 'telecom'),
  ...address('Location', 'address', false),
  row('Location', 'position', 'adresse'),
  ...subExt('Location', 'position', ['ror-coordinate-reliability']),
  row('Location', 'managingOrganization', 'identification', { reference: true }),
  row('Location', 'partOf', 'identification', { reference: true }),
  row('Location', 'hoursOfOperation', 'horaires'),
  row('Location', 'availabilityExceptions', 'horaires'),
  row('Location', 'extension(ror-commune-cog)', 'adresse'),
  row('Location', 'extension(ror-comment)', 'description'),
  row('Location', 'extension(ror-location-equipment)', 'equipements'),
  ...subExt('Location', 'extension(ror-location-equipment)', ['equipmentType', 'nbInService', 'ror-location-equipment-limit']),
  ...subExt('Location', 'extension(ror-location-equipment).extension(ror-location-equipment-limit)', ['equipmentFeature', 'limitValue']),
  row('Location', 'extension(ror-location-residential-capacity)', 'capaciteInstallee', { note: 'capacité d\'habitation' }),
  ...subExt('Location', 'extension(ror-location-residential-capacity)', ['residentialType', 'residentialNumber']),
  row('Location', 'extension(ror-location-supported-capacity)', 'capaciteInstallee', { when: 'installed-current', note: 'status 01 Installé, temporality 01 Courant, no crisis marker' }),
  row('Location', 'extension(ror-location-supported-capacity)', 'capaciteCrise', { when: 'crisis', note: 'crisisType present or temporaryAssignement ≠ 01 Aucune' }),
  row('Location', 'extension(ror-location-supported-capacity)', 'capaciteOperationnelle', { when: 'operational', note: 'every other indicator' }),
  ...subExt('Location', 'extension(ror-location-supported-capacity)', CAPACITY_SUBS),
];

const PRACTITIONER: Rows = [
  ...common('Practitioner'),
  row('Practitioner', 'active', 'exercicePs'),
  row('Practitioner', 'identifier', 'donneesPersonnelles', { note: 'idNat_PS (RPPS)' }),
  row('Practitioner', 'name', 'donneesPersonnelles', { note: 'civilité (prefix), nom, prénom' }),
  ...telecom('Practitioner', 'telecom'),
  row('Practitioner', 'qualification', 'exercicePs'),
  row('Practitioner', 'qualification.issuer', 'exercicePs', { reference: true }),
];

const PRACTITIONER_ROLE: Rows = [
  ...common('PractitionerRole'),
  row('PractitionerRole', 'active', 'exercicePs'),
  row('PractitionerRole', 'identifier', 'exercicePs', { note: 'identifiantSituationOperationnelle' }),
  row('PractitionerRole', 'period', 'exercicePs'),
  row('PractitionerRole', 'practitioner', 'exercicePs', { reference: true }),
  row('PractitionerRole', 'organization', 'exercicePs', { reference: true }),
  row('PractitionerRole', 'healthcareService', 'exercicePs', { reference: true }),
  row('PractitionerRole', 'location', 'exercicePs', { reference: true }),
  row('PractitionerRole', 'code', 'donneesPersonnelles', { note: 'profession' }),
  row('PractitionerRole', 'specialty', 'exercicePs', { note: 'savoir-faire, compétences (all slices)' }),
  ...telecom('PractitionerRole', 'telecom'),
  ...availableTime('PractitionerRole', 'availableTime', 'exercicePs'),
  row('PractitionerRole', 'notAvailable', 'exercicePs'),
  row('PractitionerRole', 'availabilityExceptions', 'exercicePs'),
  row('PractitionerRole', 'extension(ror-practitionerrole-name)', 'donneesPersonnelles', { note: 'civilité d\'exercice, nom, prénom' }),
  ...subExt('PractitionerRole', 'extension(ror-practitionerrole-name)', ['exerciseTitle', 'exerciseLastName', 'exerciseFirstName']),
  row('PractitionerRole', 'extension(ror-practitionerrole-unit-exercise-mode)', 'exercicePs'),
  row('PractitionerRole', 'extension(contracted)', 'exerciceLiberal', { note: 'secteur de conventionnement' }),
  row('PractitionerRole', 'extension(optionCAS)', 'exerciceLiberal', { note: 'OPTAM / OPTAM-CO' }),
  row('PractitionerRole', 'extension(vitalAccepted)', 'exerciceLiberal', { note: 'carte Vitale acceptée' }),
  row('PractitionerRole', 'extension(ror-meta-comment)', 'exercicePs'),
];

const TASK: Rows = [
  ...common('Task', false),
  ...['identifier', 'partOf', 'status', 'statusReason', 'businessStatus', 'intent', 'priority', 'code', 'executionPeriod', 'authoredOn', 'lastModified', 'reasonCode', 'restriction']
    .map((p) => row('Task', p, 'anomalies')),
  row('Task', 'focus', 'anomalies', { reference: true }),
  row('Task', 'requester', 'anomalies', { reference: true }),
  row('Task', 'owner', 'anomalies', { reference: true }),
  row('Task', 'location', 'anomalies', { reference: true }),
  row('Task', 'restriction.recipient', 'anomalies', { reference: true }),
  row('Task', 'description', 'valeursSignalees', { note: 'free text may quote the datum in anomaly' }),
  row('Task', 'input', 'anomalies', { note: 'ruleErrorId, pathElementError, systemRequester, identifierRequester' }),
  row('Task', 'input.value', 'valeursSignalees', { note: 'errorValue / proposedValue may quote a datum of any level; the strictest counts' }),
  row('Task', 'output', 'anomalies'),
  row('Task', 'output.value', 'valeursSignalees', { note: 'newValue' }),
];

const MEASURE: Rows = [
  ...common('Measure', false),
  ...['url', 'identifier', 'version', 'name', 'title', 'status', 'date', 'publisher', 'description', 'purpose', 'topic', 'type', 'group']
    .map((p) => row('Measure', p, 'pilotage', { note: 'définition d\'indicateur de pilotage' })),
];

const MEASURE_REPORT: Rows = [
  ...common('MeasureReport', false),
  ...['identifier', 'status', 'type', 'date', 'period', 'group'].map((p) => row('MeasureReport', p, 'pilotage')),
  row('MeasureReport', 'measure', 'pilotage'),
  row('MeasureReport', 'subject', 'pilotage', { reference: true }),
  row('MeasureReport', 'reporter', 'pilotage', { reference: true }),
];

export const CATALOGUE: readonly CatalogueRow[] = [
  ...ORGANIZATION, ...HEALTHCARE_SERVICE, ...LOCATION, ...PRACTITIONER, ...PRACTITIONER_ROLE, ...TASK, ...MEASURE, ...MEASURE_REPORT,
];
