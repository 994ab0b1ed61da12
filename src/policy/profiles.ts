// The six read profiles as predicates over (group, level, sector) (policy-decisions §5), the visibility
// masks derived from them, and the inclusion order derived by enumerating the catalogue.
import { GROUP_LIST, type GroupDef } from './catalogue/groups.js';
import { PROFILES, SECTORS, type Level, type Profile, type ProfileMask, type Sector } from './types.js';

export interface ProfileRule {
  title: string;
  sees(group: GroupDef, level: Level, sector: Sector): boolean;
}

export const PROFILE_RULES: Readonly<Record<Profile, ProfileRule>> = {
  0: { title: 'Profil 0 - Accès aux données en libre accès', sees: (_g, level) => level === 1 },
  1: { title: 'Profil 1 - Accès à toutes les données', sees: () => true },
  2: { title: 'Profil 2 - Accès à toutes les données, hors données en accès très restreint', sees: (_g, level) => level <= 2 },
  3: {
    title: 'Profil 3 - Accès aux données en accès libre et aux données en accès restreint sur le secteur médico-social',
    sees: (_g, level, sector) => (sector === 'ms' ? level <= 2 : level === 1),
  },
  4: {
    title: 'Profil 4 - Accès à toutes les données sauf les données de contact et les données personnelles',
    sees: (g) => !g.contact && !g.personal && !g.unclassified,
  },
  5: {
    title: 'Profil 5 - Accès à toutes les données, hors données en accès très restreint et hors capacitaire et disponibilités en lits et places opérationnels et exceptionnels',
    sees: (g, level) => level <= 2 && !g.capacityBeyondInstalled,
  },
};

/** Bit of a sector in a sector set (bits 0..2 = SECTORS order). */
export const SECTOR_BIT: Readonly<Record<Sector, number>> = { sanitaire: 1, ms: 2, ville: 4 };
export const ALL_SECTOR_BITS = 7;

export function sectorBits(sectors: ReadonlySet<Sector> | Iterable<Sector>): number {
  let bits = 0;
  for (const s of sectors) bits |= SECTOR_BIT[s] ?? 0;
  return bits === 0 ? ALL_SECTOR_BITS : bits; // unknown = every candidate sector
}

export function sectorsOfBits(bits: number): Sector[] {
  return SECTORS.filter((s) => (bits & SECTOR_BIT[s]) !== 0);
}

/** Level of a group in a sector; `override` is the datum's own level (contacts). */
export function levelIn(group: GroupDef, sector: Sector, override?: Level): Level {
  if (override !== undefined) return override;
  return group.levels ? group.levels[sector] : 3; // a contact without a level: très restreint
}

/**
 * Profiles that may see a datum of `group` (with its own `level` for contacts) whose candidate sectors
 * are `bits`: a profile sees it only if every candidate sector's rule lets it (policy-decisions §1).
 */
export function visibilityMask(group: GroupDef, bits: number, level?: Level): ProfileMask {
  let mask = 0;
  for (const p of PROFILES) {
    let ok = true;
    for (const s of SECTORS) {
      if ((bits & SECTOR_BIT[s]) !== 0 && !PROFILE_RULES[p].sees(group, levelIn(group, s, level), s)) ok = false;
    }
    if (ok) mask |= 1 << p;
  }
  return mask;
}

/** Every (group, level, sector) point of the catalogue: the universe the order is derived over. */
export function cataloguePoints(groups: readonly GroupDef[] = GROUP_LIST): { group: GroupDef; level: Level; sector: Sector }[] {
  const points: { group: GroupDef; level: Level; sector: Sector }[] = [];
  for (const group of groups) {
    for (const sector of SECTORS) {
      const levels: Level[] = group.levels ? [group.levels[sector]] : [1, 2, 3];
      for (const level of levels) points.push({ group, level, sector });
    }
  }
  return points;
}

function deriveInclusion(): boolean[][] {
  const points = cataloguePoints();
  return PROFILES.map((a) =>
    PROFILES.map((b) => points.every(({ group, level, sector }) => !PROFILE_RULES[b].sees(group, level, sector) || PROFILE_RULES[a].sees(group, level, sector))),
  );
}

const INCLUSION = deriveInclusion();

/** `a` sees at least everything `b` sees (derived from the catalogue, never written by hand). */
export function profileIncludes(a: Profile, b: Profile): boolean {
  return INCLUSION[a][b];
}
