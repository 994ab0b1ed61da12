// Sector rules (policy-decisions §1) as pure helpers: the fhir layer gathers the neighbours (offers,
// EGs, partOf chains) at write time and calls these to build PolicyContext.sectors.
import egDomain from './generated/eg-domain.json' with { type: 'json' };
import { SECTORS, type Sector } from './types.js';

/** Every candidate sector: what "unknown" means (never public). */
export const ALL_SECTORS: ReadonlySet<Sector> = new Set(SECTORS);

const CHAMP: Readonly<Record<string, Sector>> = { '01': 'sanitaire', '02': 'sanitaire', '03': 'sanitaire', '04': 'ms', '05': 'ville' };

/** Champ d'activité (JDV_J20 / TRE_R227) of an offer: 01 MCO, 02 SSR, 03 PSY → sanitaire; 04 → ms; 05 → ville. */
export function sectorOfChamp(code: string | undefined | null): Sector | null {
  return (code && CHAMP[code]) || null;
}

/** Catégorie d'établissement (JDV_J55) of an EG through the ANS domain table; "Non defini" → null. */
export function sectorOfEgCategory(code: string | undefined | null): Sector | null {
  return (code && (egDomain as Record<string, Sector>)[code]) || null;
}

/** Union of candidate sets; no known candidate at all = all three. */
export function candidateSectors(sets: Iterable<ReadonlySet<Sector> | Sector | null | undefined>): ReadonlySet<Sector> {
  const out = new Set<Sector>();
  for (const s of sets) {
    if (!s) continue;
    if (typeof s === 'string') out.add(s);
    else for (const x of s) out.add(x);
  }
  return out.size === 0 ? ALL_SECTORS : out;
}

/**
 * An offer (HealthcareService) and what hangs off it (its contacts, PractitionerRoles): its champ
 * d'activité; missing or unknown: the sector(s) of the providing EG; none known: all three.
 */
export function sectorsOfOffer(champCode: string | undefined | null, providingEgSectors?: ReadonlySet<Sector>): ReadonlySet<Sector> {
  const s = sectorOfChamp(champCode);
  return s ? new Set([s]) : providingEgSectors ?? ALL_SECTORS;
}

/** An EG: its category; unmapped category: all three. */
export function sectorsOfEg(categoryCode: string | undefined | null): ReadonlySet<Sector> {
  const s = sectorOfEgCategory(categoryCode);
  return s ? new Set([s]) : ALL_SECTORS;
}

/** An OI takes its EG's sector (the caller walks partOf up to the EG). */
export function sectorsOfOi(egSectors: ReadonlySet<Sector> | undefined): ReadonlySet<Sector> {
  return egSectors && egSectors.size > 0 ? egSectors : ALL_SECTORS;
}

/**
 * An EJ takes its EGs' sector when they all agree; when they disagree every candidate counts; no EG:
 * all three.
 */
export function sectorsOfEj(egSectorSets: readonly ReadonlySet<Sector>[]): ReadonlySet<Sector> {
  return candidateSectors(egSectorSets);
}

/** A Location: the sectors of the offers using it; no offer: its managing EG's; neither: all three. */
export function sectorsOfLocation(offerSectorSets: readonly ReadonlySet<Sector>[], managingEgSectors?: ReadonlySet<Sector>): ReadonlySet<Sector> {
  if (offerSectorSets.length > 0) return candidateSectors(offerSectorSets);
  return managingEgSectors && managingEgSectors.size > 0 ? managingEgSectors : ALL_SECTORS;
}

/** A Practitioner: the sectors of the offers of its roles; no role: all three. */
export function sectorsOfPractitioner(roleOfferSectorSets: readonly ReadonlySet<Sector>[]): ReadonlySet<Sector> {
  return candidateSectors(roleOfferSectorSets);
}
