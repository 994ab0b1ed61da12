// Code systems and the code tables the demo generator draws from. Codes of the value sets saved under
// ../shared/spec/terminology (J20, J55, J18, J187-J195, J204, J218, J220-J222, J238, TRE_R01 SM codes,
// TRE_G15) are exact; the others (TRE_R211 activities, R213 care modes, R210 acts...) are a small plausible
// subset, flagged in docs/datasets.md.
import type { CodeableConcept, Coding } from './fhir-types.js';

export const ROR = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
export const ANNUAIRE = 'https://apifhir.annuaire.sante.fr/ws-sync/exposed/structuredefinition/';
const nos = (id: string) => `https://mos.esante.gouv.fr/NOS/${id}/FHIR/${id.replace('_', '-')}`;

export const SYS = {
  region: nos('TRE_R30-RegionOM'),
  typeIdStructure: nos('TRE_G07-TypeIdentifiantStructure'),
  typeIdAutre: 'https://mos.esante.gouv.fr/NOS/TRE_R345-TypeIdentifiantAutre/FHIR/TRE_R345-TypeIdentifiantAutre',
  typeIdOffre: nos('TRE_R355-TypeIdentifiantOffre'),
  categorieEtab: nos('TRE_R66-CategorieEtablissement'),
  secteurActivite: nos('TRE_R02-SecteurActivite'),
  espic: nos('TRE_R73-ESPIC'),
  typeOI: nos('TRE_R208-TypeOrganisationInterne'),
  commune: nos('TRE_R13-CommuneOM'),
  champ: nos('TRE_R227-ChampActivite'),
  activite: nos('TRE_R211-ActiviteOperationnelle'),
  modePec: nos('TRE_R213-ModePriseEnCharge'),
  acte: nos('TRE_R210-ActeSpecifique'),
  specialisationPec: nos('TRE_R245-SpecialisationPriseEnCharge'),
  professionRessource: nos('TRE_R246-ProfessionRessource'),
  competenceSpecifique: nos('TRE_R39-CompetenceSpecifique'),
  publicPec: nos('TRE_R239-PublicPrisEnCharge'),
  typeOffre: nos('TRE_R244-CategorieOrganisation'),
  ucum: nos('TRE_R247-UcumUniteMesure'),
  canal: nos('TRE_R200-CanalCommunication'),
  confidentialite: nos('TRE_R283-NiveauConfidentialite'),
  fonctionContact: nos('TRE_R251-FonctionContact'),
  natureContact: nos('TRE_R287-NatureContact'),
  natureCapacite: nos('TRE_R329-NatureCapacite'),
  statutCapacite: nos('TRE_R330-TypeStatutCapacite'),
  temporaliteCapacite: nos('TRE_R331-TemporaliteCapacite'),
  genreCapacite: nos('TRE_R332-GenreCapacite'),
  fermetureCapacite: nos('TRE_R333-TypeFermetureCapacite'),
  litSupplementaire: nos('TRE_R334-TypeLitSupplementaire'),
  sourceCapacite: nos('TRE_R335-TypeSourceCapacite'),
  typeCrise: nos('TRE_R336-TypeCrise'),
  affectationTemporaire: nos('TRE_R337-AffectationTemporaire'),
  equipement: nos('TRE_R212-Equipement'),
  caracteristiqueEquipement: nos('TRE_R348-TypeCaracteristiqueEquipement'),
  orsan: nos('TRE_R284-NiveauRecoursORSAN'),
  fonctionLieu: nos('TRE_R343-FonctionLieu'),
  statutLieu: nos('TRE_R342-StatutLieu'),
  typeTarif: nos('TRE_R240-TypeTarif'),
  unitePrix: nos('TRE_R285-UnitePrix'),
  groupeDependance: nos('TRE_R241-GroupeTarifaireDependance'),
  temporaliteAccueil: nos('TRE_R237-TemporaliteAccueil'),
  profession: nos('TRE_G15-ProfessionSante'),
  savoirFaire: nos('TRE_R01-EnsembleSavoirFaire-CISIS'),
  typeSavoirFaire: nos('TRE_R04-TypeSavoirFaire'),
  civilite: nos('TRE_R11-CiviliteExercice'),
  civilitePs: nos('TRE_R81-Civilite'),
  modeExercice: nos('TRE_R23-ModeExercice'),
  secteurConventionnement: nos('TRE_R282-CNAMAmeliSecteurConventionnement'),
  divisionTerritoriale: nos('TRE_R201-TypeDivisionTerritoriale'),
  actType: 'https://interop.esante.gouv.fr/ig/fhir/ror/CodeSystem/act-type-ror-codesystem',
} as const;

export const coding = (system: string, code: string, display?: string): Coding =>
  display === undefined ? { system, code } : { system, code, display };
export const cc = (system: string, code: string, display?: string): CodeableConcept => ({
  coding: [coding(system, code, display)],
});

/** Champ d'activité (JDV_J20 / TRE_R227). */
export const CHAMP = {
  MCO: ['01', 'Médecine, Chirurgie, Obstétrique (MCO)'],
  SSR: ['02', 'Soins de Suite et Réadaptation (SSR)'],
  PSY: ['03', 'Psychiatrie (PSY)'],
  MS: ['04', 'Médico-social (MS)'],
  VILLE: ['05', 'Ambulatoire'],
} as const;
export type Champ = keyof typeof CHAMP;

/** Mode de prise en charge (JDV_J19 / TRE_R213), subset. */
export const MODE_PEC = {
  HC: ['07', 'Hospitalisation complète (HC)'],
  HDJ: ['06', 'Hospitalisation de jour (HDJ)'],
  HAD: ['10', 'Hospitalisation à domicile (HAD)'],
  AMBU: ['21', 'Consultation / Soins externes'],
  URG: ['33', 'Accueil des urgences'],
  HEB_PERM: ['11', 'Hébergement complet internat'],
  HEB_TEMP: ['12', 'Hébergement temporaire'],
  ACC_JOUR: ['13', 'Accueil de jour'],
  DOMICILE: ['16', 'Prestation sur le lieu de vie'],
  CABINET: ['40', 'Consultation en cabinet'],
} as const;

/** Actes spécifiques (JDV_J16 / TRE_R210): the three NRBC decontamination acts are exact. */
export const ACTES = {
  nrbc: [['0006', 'Décontamination bactériologique (NRBC)'], ['0007', 'Décontamination chimique (NRBC)'],
    ['0008', 'Décontamination patient irradié ou radio contaminé (NRBC)']],
  common: [['0001', 'Endoscopie digestive'], ['0023', 'Coronarographie'], ['0040', 'Dialyse péritonéale'],
    ['0105', 'Pose de chambre implantable'], ['0137', 'Thrombolyse'], ['0214', 'Ventilation non invasive'],
    ['0300', 'Electroencéphalogramme'], ['0451', 'Echographie'], ['0512', 'Plâtre et contention']],
  outside: [['0612', 'Soins infirmiers à domicile'], ['0613', 'Pansement complexe à domicile'],
    ['0620', 'Rééducation à domicile']],
} as const;
export const SPECIALISATIONS = [['01', 'Maladie d\'Alzheimer et maladies apparentées'], ['03', 'Obésité sévère'],
  ['06', 'Troubles du spectre de l\'autisme'], ['11', 'Soins palliatifs'], ['15', 'Polyhandicap']] as const;
export const PROFESSIONS_RESSOURCE = [['01', 'Ergothérapeute'], ['02', 'Psychologue'], ['04', 'Diététicien'],
  ['07', 'Orthophoniste'], ['09', 'Assistant de service social']] as const;
export const COMPETENCES = [['01', 'Langue des signes française'], ['04', 'Prise en charge de patients trachéotomisés'],
  ['07', 'Prise en charge de patients sous nutrition entérale'], ['12', 'Prise en charge de la douleur']] as const;

/** Types d'offre (JDV_J238 / TRE_R244), exact codes from the saved value set. */
export const TYPE_OFFRE = {
  UHSI: ['292', 'Unité Hospitalière Sécurisée Interrégionale (UHSI)'],
  USMP: ['309', 'Unité Sanitaire en Milieu Pénitentiaire (USMP, ex UCSA)'],
  REA: ['121', 'Unité de réanimation'],
  URG: ['20', 'Structure des urgences polyvalentes 24h/24 7j/7'],
  SAMU: ['246', "Service d'Aide Médicale Urgente (SAMU)"],
  SMUR: ['247', 'Structure Mobile d\'Urgence et de Réanimation (SMUR)'],
} as const;

/** Équipements spécifiques (JDV_J18 / TRE_R212), exact codes. */
export const EQUIPEMENTS = {
  pressionNegative: ['009', 'Chambre à pression négative'],
  isolement: ['097', "Chambre d'isolement et de contention"],
  decontamination: ['131', 'Module fixe de décontamination'],
  carcerale: ['137', 'Chambre carcérale'],
  doubleFlux: ['154', 'Chambre à double flux'],
} as const;
/** Caractéristique d'équipement (JDV_J228): 001 poids maximum. */
export const EQUIPMENT_FEATURE_WEIGHT = ['001', 'Poids maximum'] as const;

export const CONFIDENTIALITY = { libre: '1', restreint: '2', tresRestreint: '3' } as const;
export const CONFIDENTIALITY_DISPLAY: Record<string, string> = {
  '1': 'Accès libre', '2': 'Accès restreint', '3': 'Accès très restreint',
};
/** Canal de communication (TRE_R200). */
export const CANAL = { tel: ['2', 'Téléphone fixe'], fax: ['3', 'Fax'], mail: ['4', 'Mail'], mss: ['5', 'MSSanté'] } as const;
export const FONCTION_CONTACT = [['01', 'Directeur'], ['03', 'Cadre de santé'], ['05', 'Secrétaire'],
  ['10', 'Chef de service'], ['12', 'Référent ROR'], ['22', "Responsable d'unité"]] as const;
export const NATURE_CONTACT = {
  accueil: ['01', 'Accueil'], rdv: ['02', 'Prise de rendez-vous'], admission: ['03', 'Admission'],
  standard: ['06', 'Standard'], secretariat: ['07', 'Secrétariat'], alerte: ['08', 'Alerte-Tension-SSE'],
  garde: ['14', 'Garde ou astreinte'],
} as const;
export const ORSAN = [['1', 'Première ligne'], ['4', 'Deuxième ligne']] as const;

/** Pour the Practitioner side: profession (TRE_G15) and, for physicians, ordinal speciality (TRE_R01 SM). */
export interface ProfessionSpec {
  profession: readonly [string, string];
  speciality?: readonly [string, string];
  activity: readonly [string, string];
  label: string;
}
