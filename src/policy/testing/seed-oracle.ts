// An oracle written from the seed's text, independently of the catalogue: for a canary of a given kind
// (and own level for contacts), the profiles that may see it. Used by leak tests (here and end-to-end).
import type { Level, Profile, ProfileMask, Sector } from '../types.js';

export type CanaryKind =
  | 'contact' // Contacts et Télécommunications (level carried by the datum)
  | 'personal' // Données personnelles des professionnels de santé
  | 'exercise' // exercise data of a professional (same level as personal data, policy-decisions §4b)
  | 'liberal' // secteur de conventionnement, OPTAM, carte vitale
  | 'specificAct' | 'outsideOfficeAct' | 'takingCareSpeciality' | 'ressourceProfession' | 'specificCompetence'
  | 'equipment'
  | 'capacityOperational' // capacité opérationnelle / disponibilité / prévisionnelle
  | 'capacityCrisis' // capacité exceptionnelle, affectation temporaire ≠ aucune
  | 'dropZone' | 'orsan' | 'nrbc';

/** The seed's three tables, one line per kind: [sanitaire, médico-social, ville]. */
const SEED_LEVELS: Record<Exclude<CanaryKind, 'contact'>, [Level, Level, Level]> = {
  personal: [2, 2, 1],
  exercise: [2, 2, 1],
  liberal: [2, 2, 1],
  specificAct: [2, 1, 2],
  outsideOfficeAct: [2, 2, 2],
  takingCareSpeciality: [2, 1, 2],
  ressourceProfession: [2, 1, 2],
  specificCompetence: [2, 1, 2],
  equipment: [2, 2, 2],
  capacityOperational: [2, 2, 2],
  capacityCrisis: [3, 3, 3],
  dropZone: [3, 3, 3],
  orsan: [3, 3, 3],
  nrbc: [3, 3, 3],
};
const SECTOR_INDEX: Record<Sector, 0 | 1 | 2> = { sanitaire: 0, ms: 1, ville: 2 };
const ALL: Sector[] = ['sanitaire', 'ms', 'ville'];

/** Profile p may see a datum of `kind` at `level` in `sector` (the seed's profile definitions). */
function seedSees(p: Profile, kind: CanaryKind | 'sensitive', level: Level, sector: Sector): boolean {
  switch (p) {
    case 0: return level === 1;
    case 1: return true;
    case 2: return level <= 2;
    case 3: return sector === 'ms' ? level <= 2 : level === 1;
    case 4: return kind !== 'contact' && kind !== 'personal'; // « sauf les données de contact et les données personnelles »
    case 5: return level <= 2 && kind !== 'capacityOperational' && kind !== 'capacityCrisis';
  }
}

export interface CanaryInfo {
  kind: CanaryKind;
  /** Own level (contacts: the stricter of the contact's and the telecom's; missing = 3). */
  level?: Level;
  sectors: readonly Sector[];
  /** The resource is a sensitive unit or in its cascade. */
  sensitive: boolean;
  resourceType: string;
}

function maskOver(kind: CanaryKind | 'sensitive', sectors: readonly Sector[], levelOf: (s: Sector) => Level): ProfileMask {
  const candidates = sectors.length === 0 ? ALL : sectors;
  let mask = 0;
  for (const p of [0, 1, 2, 3, 4, 5] as Profile[]) if (candidates.every((s) => seedSees(p, kind, levelOf(s), s))) mask |= 1 << p;
  return mask;
}

/** Profiles that may see a canary (an upper bound: redaction may hide more, e.g. an empty shell). */
export function profilesForCanary(info: CanaryInfo): ProfileMask {
  const own = maskOver(info.kind, info.sectors, (s) => (info.kind === 'contact' ? info.level ?? 3 : SEED_LEVELS[info.kind as Exclude<CanaryKind, 'contact'>][SECTOR_INDEX[s]]));
  let exists = info.sensitive ? maskOver('sensitive', info.sectors, () => 3) : 0b111111;
  if (info.resourceType === 'Practitioner' || info.resourceType === 'PractitionerRole') {
    exists &= maskOver('exercise', info.sectors, (s) => SEED_LEVELS.exercise[SECTOR_INDEX[s]]);
  }
  return own & exists;
}
