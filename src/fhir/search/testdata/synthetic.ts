// Synthetic ROR resources exercising the IG extensions the published examples lack (capacities,
// equipment limits, prices, territorial division, contacts, practitioners). Test-only.

const ROR = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
const NOS = (tre: string) => `https://mos.esante.gouv.fr/NOS/${tre}/FHIR/${tre.replace('_', '-')}`;
const cc = (tre: string, code: string, display?: string) => ({ coding: [{ system: NOS(tre), code, ...(display ? { display } : {}) }] });
const telecomExt = (level: string) => [
  { url: `${ROR}ror-telecom-communication-channel`, valueCodeableConcept: cc('TRE_R200-CanalCommunication', '2') },
  { url: `${ROR}ror-telecom-confidentiality-level`, valueCodeableConcept: cc('TRE_R283-NiveauConfidentialite', level) },
];

export const syntheticLocation = {
  resourceType: 'Location',
  id: 'loc-1',
  meta: { lastUpdated: '2025-03-01T10:00:00Z', tag: [{ system: NOS('TRE_R30-RegionOM'), code: '53' }] },
  extension: [
    { url: `${ROR}ror-commune-cog`, valueCodeableConcept: cc('TRE_R13-CommuneOM', '35238', 'Rennes') },
    {
      url: `${ROR}ror-location-supported-capacity`,
      extension: [
        { url: 'capacityType', valueCodeableConcept: cc('TRE_R329-NatureCapacite', '01', 'Lit') },
        { url: 'capacityStatus', valueCodeableConcept: cc('TRE_R330-TypeStatutCapacite', '02', 'Disponible') },
        { url: 'temporalityCapacity', valueCodeableConcept: cc('TRE_R331-TemporaliteCapacite', '01') },
        { url: 'nbCapacity', valueInteger: 12 },
        { url: 'genderCapacityAvailable', valueCodeableConcept: cc('TRE_R332-GenreCapacite', '01') },
        { url: 'capacityUpdateDate', valueDateTime: '2025-03-01T08:30:00+01:00' },
        { url: 'temporaryAssignement', valueCodeableConcept: cc('TRE_R337-AffectationTemporaire', '01') },
      ],
    },
    {
      url: `${ROR}ror-location-supported-capacity`,
      extension: [
        { url: 'capacityType', valueCodeableConcept: cc('TRE_R329-NatureCapacite', '01') },
        { url: 'capacityStatus', valueCodeableConcept: cc('TRE_R330-TypeStatutCapacite', '06') },
        { url: 'temporalityCapacity', valueCodeableConcept: cc('TRE_R331-TemporaliteCapacite', '03') },
        { url: 'nbCapacity', valueInteger: 3 },
        { url: 'additionalBedType', valueCodeableConcept: cc('TRE_R334-TypeLitSupplementaire', '02') },
        { url: 'crisisType', valueCodeableConcept: cc('TRE_R336-TypeCrise', '02') },
        { url: 'capacityClosingType', valueCodeableConcept: cc('TRE_R333-TypeFermetureCapacite', '01') },
        { url: 'capacityUpdateDate', valueDateTime: '2025-03-02T08:30:00Z' },
      ],
    },
    {
      url: `${ROR}ror-location-equipment`,
      extension: [
        { url: 'equipmentType', valueCodeableConcept: cc('TRE_R212-Equipement', '045', 'Lit bariatrique') },
        { url: 'nbInService', valueInteger: 2 },
        {
          url: `${ROR}ror-location-equipment-limit`,
          extension: [
            { url: 'equipmentFeature', valueCodeableConcept: cc('TRE_R344-TypeCaracteristiqueEquipement', '001', 'Poids maximum') },
            { url: 'limitValue', valueQuantity: { value: 300, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } },
          ],
        },
      ],
    },
    {
      url: `${ROR}ror-location-residential-capacity`,
      extension: [
        { url: 'residentialType', valueCodeableConcept: cc('TRE_R213-TypeHabitation', '03') },
        { url: 'residentialNumber', valueInteger: 40 },
      ],
    },
  ],
  identifier: [{ type: cc('TRE_R345-TypeIdentifiantAutre', '26'), value: 'EXT-SYNC-1' }],
  status: 'active',
  operationalStatus: { system: NOS('TRE_R224-StatutLieu'), code: '01' },
  name: 'Unité de soins Étage 2',
  alias: ['USI Nord'],
  telecom: [{ system: 'phone', value: '0299000000', extension: telecomExt('2') }],
  address: { line: ['2 rue Henri Le Guilloux'], city: 'Rennes', postalCode: '35000', state: 'Bretagne' },
  position: { latitude: 48.1211, longitude: -1.6941 },
  managingOrganization: { reference: 'Organization/eg-1' },
  partOf: { reference: 'Location/loc-0' },
};

export const syntheticOrganization = {
  resourceType: 'Organization',
  id: 'eg-1',
  meta: { lastUpdated: '2025-01-15T00:00:00Z' },
  extension: [
    { url: 'http://hl7.org/fhir/StructureDefinition/organization-period', valuePeriod: { start: '1990-01-01', end: '2030-12-31' } },
    { url: `${ROR}ror-organization-closing-type`, valueCodeableConcept: cc('TRE_R203-TypeFermeture', '2') },
    { url: `${ROR}ror-organization-drop-zone`, valueBoolean: true },
    {
      url: `${ROR}ror-organization-price`,
      extension: [
        { url: 'priceType', valueCodeableConcept: cc('TRE_R241-TypeTarif', '01') },
        { url: 'priceUnit', valueCodeableConcept: cc('TRE_R268-UniteTarif', '02') },
        { url: 'amount', valueMoney: { value: 72.5, currency: 'EUR' } },
        { url: 'startDate', valueDateTime: '2024-01-01' },
        { url: 'specialPrice', valueCodeableConcept: cc('TRE_R242-ConditionTarifaire', '03') },
        { url: 'dependencyLevel', valueCodeableConcept: cc('TRE_R218-GIR', '1') },
        { url: 'residentialType', valueCodeableConcept: cc('TRE_R213-TypeHabitation', '03') },
        { url: 'welcomeType', valueCodeableConcept: cc('TRE_R238-TemporaliteAccueil', '1') },
      ],
    },
    {
      url: `${ROR}ror-territorial-division`,
      extension: [
        { url: 'typeTerritorialDivision', valueCodeableConcept: cc('TRE_R201-TypeDivisionTerritoriale', '4') },
        { url: 'codeTerritorialDivision', valueCodeableConcept: cc('TRE_R13-CommuneOM', '35238') },
      ],
    },
  ],
  identifier: [
    { type: cc('TRE_G07-TypeIdentifiantStructure', '40'), system: 'urn:oid:1.2.250.1.71.4.2.2', value: '1350000001' },
    { type: cc('TRE_G07-TypeIdentifiantStructure', '1'), system: 'https://finess.esante.gouv.fr', value: '350000001' },
  ],
  active: true,
  type: [cc('TRE_R66-CategorieEtablissement', '355', 'Centre Hospitalier (C.H.)')],
  name: 'Centre hospitalier de Rennes',
  alias: ['CHU Pontchaillou'],
  contact: [{
    extension: [{ url: `${ROR}ror-contact-confidentiality-level`, valueCodeableConcept: cc('TRE_R283-NiveauConfidentialite', '1') }],
    purpose: cc('TRE_R287-NatureContact', '06'),
    name: { family: 'Accueil' },
    telecom: [{ system: 'phone', value: '0299111111', extension: telecomExt('1') }],
  }],
  address: {
    extension: [{ url: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code', valueCoding: { code: '35238' } }],
    line: ['2 rue Henri Le Guilloux'], city: 'Rennes', postalCode: '35033',
  },
  partOf: { reference: 'Organization/ej-1' },
};

export const syntheticOI = {
  resourceType: 'Organization',
  id: 'oi-1',
  identifier: [{ type: cc('TRE_R345-TypeIdentifiantAutre', '42'), system: 'https://oi.esante.gouv.fr', value: 'OI-77' }],
  name: 'Pôle Médecine Gériatrique',
  partOf: { reference: 'Organization/eg-1' },
};

export const syntheticHealthcareService = {
  resourceType: 'HealthcareService',
  id: 'hcs-1',
  meta: { lastUpdated: '2025-02-01T00:00:00Z' },
  extension: [
    { url: `${ROR}ror-healthcareservice-sensitive-unit`, valueBoolean: false },
    {
      url: `${ROR}ror-healthcareservice-patient-type`,
      extension: [
        { url: 'supportedPatientInfo', valueCodeableConcept: cc('TRE_R239-PublicPrisEnCharge', '27', 'Personnes âgées') },
        { url: 'ageRange', valueRange: { low: { value: 60, code: 'a', system: 'http://unitsofmeasure.org' }, high: { value: 120, code: 'a', system: 'http://unitsofmeasure.org' } } },
      ],
    },
    {
      url: `${ROR}ror-territorial-division`,
      extension: [
        { url: 'typeTerritorialDivision', valueCodeableConcept: cc('TRE_R201-TypeDivisionTerritoriale', '3') },
        { url: 'codeTerritorialDivision', valueCodeableConcept: cc('TRE_R13-CommuneOM', '35047') },
      ],
    },
    { url: `${ROR}ror-healthcareservice-psychiatric-sector`, valueString: '35G01' },
  ],
  identifier: [{ value: '53/0001' }],
  active: true,
  providedBy: { reference: 'Organization/oi-1' },
  type: [cc('TRE_R227-ChampActivite', '04', 'Médico-social')],
  specialty: [cc('TRE_R211-ActiviteOperationnelle', '261')],
  characteristic: [cc('TRE_R213-ModePriseEnCharge', '07', 'Hébergement complet')],
  location: [{ reference: 'Location/loc-1' }],
  name: 'EHPAD Les Tilleuls',
  notAvailable: [{ id: 'closingReopeningDate', description: 'travaux', during: { start: '2025-07-01', end: '2025-08-31' } }],
};

export const syntheticPractitioner = {
  resourceType: 'Practitioner',
  id: 'pr-1',
  identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000001' }],
  name: [{ prefix: ['Dr'], family: 'Lefèvre', given: ['Anaïs'] }],
  telecom: [{ system: 'email', value: 'a.lefevre@example.mssante.fr' }],
};

export const syntheticPractitionerRole = {
  resourceType: 'PractitionerRole',
  id: 'prr-1',
  active: true,
  period: { start: '2020-09-01' },
  practitioner: { reference: 'Practitioner/pr-1' },
  organization: { reference: 'Organization/eg-1' },
  healthcareService: [{ reference: 'HealthcareService/hcs-1' }],
  location: [{ reference: 'Location/loc-1' }],
  code: [cc('TRE_G15-ProfessionSante', '10', 'Médecin')],
  specialty: [cc('TRE_R38-SpecialiteOrdinale', 'SM26')],
  telecom: [{ system: 'phone', value: '0299222222', extension: telecomExt('3') }],
};

export const syntheticTask = {
  resourceType: 'Task',
  id: 'task-1',
  identifier: [{ system: 'https://ror.example/anomalies', value: 'A-1' }],
  status: 'requested',
  intent: 'order',
  businessStatus: cc('TRE_R352-StatutMetierAnomalie', '08', 'Corrigé'),
  code: cc('TRE_R350-ThematiqueAnomalie', '06'),
  focus: { reference: 'HealthcareService/hcs-1' },
  authoredOn: '2025-03-04T09:15:00+01:00',
  lastModified: '2025-03-05T11:00:00Z',
  requester: { reference: 'Organization/eg-1' },
  owner: { reference: 'https://other.example/fhir/Organization/ej-9' },
  executionPeriod: { start: '2025-03-04' },
};

export const SYNTHETIC = [
  syntheticLocation, syntheticOrganization, syntheticOI, syntheticHealthcareService, syntheticPractitioner,
  syntheticPractitionerRole, syntheticTask,
];
