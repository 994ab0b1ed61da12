// The groups table: every datum of the catalogue belongs to one group, and a group has one level per
// sector (the seed's three tables, policy-decisions §2). Contacts take their level from the data (§3).
import type { Level, Sector } from '../types.js';

export interface GroupDef {
  /** Stable key used in code and tests. */
  key: string;
  /** The seed's French name. */
  name: string;
  /** Level per sector; `null` = the level is read from the datum itself (contacts and telecoms). */
  levels: Readonly<Record<Sector, Level>> | null;
  /** Contact data (profile 4 sees none, policy-decisions §5). */
  contact?: true;
  /** Personal data of professionals (profile 4 sees none, in every sector). */
  personal?: true;
  /** Capacity indicator other than installed-current (profile 5 sees none). */
  capacityBeyondInstalled?: true;
  /** Not part of the ROR profiles: visible to profile 1 only (deny by default). */
  unclassified?: true;
  /** Where the seed says it (quoted in docs/policy.md). */
  seed: string;
}

const all = (l: Level): Record<Sector, Level> => ({ sanitaire: l, ms: l, ville: l });
const per = (sanitaire: Level, ms: Level, ville: Level): Record<Sector, Level> => ({ sanitaire, ms, ville });

export const GROUPS = {
  identification: { key: 'identification', name: 'Identification de la structure', levels: all(1), seed: 'Données en accès libre, tous secteurs' },
  activites: { key: 'activites', name: 'Activités opérationnelles', levels: all(1), seed: 'Données en accès libre, tous secteurs' },
  modePec: { key: 'modePec', name: 'Mode de prise en charge', levels: all(1), seed: 'Données en accès libre, tous secteurs' },
  patientele: { key: 'patientele', name: 'Patientèle', levels: all(1), seed: 'Données en accès libre, tous secteurs' },
  adresse: { key: 'adresse', name: 'Adresse', levels: all(1), seed: 'Données en accès libre, tous secteurs' },
  horaires: { key: 'horaires', name: 'Horaires', levels: all(1), seed: 'Données en accès libre, tous secteurs' },
  description: { key: 'description', name: "Description de l'offre (autres données saisies par la structure)", levels: all(1), seed: '« données de description de l\'offre de santé saisies manuellement par les structures » (libre par défaut)' },
  capaciteInstallee: { key: 'capaciteInstallee', name: 'Capacité installée', levels: all(1), seed: 'Capacité installée : Nb de lits/places installés (libre)' },
  actesSpecifiques: { key: 'actesSpecifiques', name: 'Actes spécifiques', levels: per(2, 1, 2), seed: 'restreint (sanitaire, ville), libre (médico-social)' },
  actesHorsCabinet: { key: 'actesHorsCabinet', name: 'Actes spécifiques hors cabinet', levels: all(2), seed: 'restreint (ville); not listed elsewhere: restreint' },
  specialisationPec: { key: 'specialisationPec', name: 'Spécialisation de prise en charge', levels: per(2, 1, 2), seed: 'restreint (sanitaire), libre (médico-social)' },
  professionsRessources: { key: 'professionsRessources', name: 'Professions ressources', levels: per(2, 1, 2), seed: 'restreint (sanitaire), « Compétences ressources » libre (médico-social)' },
  competencesSpecifiques: { key: 'competencesSpecifiques', name: 'Compétences spécifiques', levels: per(2, 1, 2), seed: 'restreint (sanitaire), « Compétences ressources » libre (médico-social)' },
  equipements: { key: 'equipements', name: 'Équipements spécifiques', levels: all(2), seed: 'restreint, tous secteurs' },
  donneesPersonnelles: { key: 'donneesPersonnelles', name: 'Données personnelles des PS', levels: per(2, 2, 1), personal: true, seed: 'civilité, nom, prénom, profession: restreint hors ville, libre en ville' },
  exerciceLiberal: { key: 'exerciceLiberal', name: 'Exercice libéral', levels: per(2, 2, 1), seed: 'secteur de conventionnement, OPTAM/OPTAM-CO, carte vitale: libre (ville)' },
  exercicePs: { key: 'exercicePs', name: 'Exercice professionnel des PS', levels: per(2, 2, 1), seed: 'policy-decisions §4b: same level as the sector\'s personal data' },
  capaciteOperationnelle: { key: 'capaciteOperationnelle', name: 'Capacité opérationnelle / disponibilité / prévisionnelle', levels: all(2), capacityBeyondInstalled: true, seed: 'Capacité opérationnelle, Disponibilité opérationnelle, Capacité prévisionnelle: restreint' },
  capaciteCrise: { key: 'capaciteCrise', name: 'Capacité exceptionnelle / crise', levels: all(3), capacityBeyondInstalled: true, seed: 'Capacité exceptionnelle; « affectation temporaire différente de aucune »: très restreint' },
  zonePoser: { key: 'zonePoser', name: 'Zone de poser', levels: all(3), seed: 'très restreint' },
  orsan: { key: 'orsan', name: 'Niveau recours ORSAN', levels: all(3), seed: 'très restreint' },
  nrbc: { key: 'nrbc', name: 'Actes NRBC (décontamination)', levels: all(3), seed: 'Unités sensibles … actes spécifiques de décontamination (NRBC): très restreint' },
  unitesSensibles: { key: 'unitesSensibles', name: 'Unités sensibles', levels: all(3), seed: 'Unités sensibles: très restreint' },
  contacts: { key: 'contacts', name: 'Contacts et télécommunications', levels: null, contact: true, seed: 'Cas des données de contact: niveau porté par le contact et la télécommunication' },
  anomalies: { key: 'anomalies', name: "Signalement d'anomalie", levels: all(1), seed: 'Profil B (écriture des anomalies); workflow fields of a RORTask' },
  valeursSignalees: { key: 'valeursSignalees', name: 'Valeurs citées dans une anomalie', levels: all(3), seed: 'may quote a datum of any level: the strictest level counts' },
  pilotage: { key: 'pilotage', name: 'Indicateurs de pilotage', levels: all(2), seed: 'Pilotage de l\'offre (profil 4): not listed in the seed, données réservées aux professionnels' },
  horsCatalogue: { key: 'horsCatalogue', name: 'Hors catalogue (élément ou extension inconnus)', levels: all(3), unclassified: true, seed: 'policy-decisions §2: visible to profile 1 only' },
} as const satisfies Record<string, GroupDef>;

export type GroupKey = keyof typeof GROUPS;
export const GROUP_LIST: readonly GroupDef[] = Object.values(GROUPS);
