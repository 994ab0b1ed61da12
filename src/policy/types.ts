// Vocabulary of the access policy (Politique d'accès aux données du ROR, modèle d'exposition 3.0).
// Pure types: no I/O, no other layer.

/** A FHIR resource as plain JSON. */
export type Resource = { resourceType: string; id?: string; [key: string]: unknown };

/** The six read profiles (profils d'accès en lecture). */
export type Profile = 0 | 1 | 2 | 3 | 4 | 5;
export const PROFILES: readonly Profile[] = [0, 1, 2, 3, 4, 5];

/** A set of profiles as a 6-bit mask: bit p set = profile p. */
export type ProfileMask = number;
export const ALL_PROFILES: ProfileMask = 0b111111;
export const maskOf = (...profiles: Profile[]): ProfileMask => profiles.reduce<number>((m, p) => m | (1 << p), 0);
export const maskHas = (mask: ProfileMask, p: Profile): boolean => (mask & (1 << p)) !== 0;

/** The policy's three columns: établissements sanitaires, médico-social and coordination (ms), ville. */
export type Sector = 'sanitaire' | 'ms' | 'ville';
export const SECTORS: readonly Sector[] = ['sanitaire', 'ms', 'ville'];

/** Confidentiality level (TRE_R283): 1 libre, 2 restreint, 3 très restreint. */
export type Level = 1 | 2 | 3;

/**
 * What the policy needs to know about a resource beyond its own content, resolved by the caller
 * (fhir/views) from the resource's neighbours at write time (policy-decisions §1, §4, §4b).
 */
export interface PolicyContext {
  /** Candidate sectors of the resource's data. Several or none known: every candidate counts. */
  sectors: ReadonlySet<Sector>;
  /** The resource is a sensitive unit or falls in a sensitive unit's cascade (policy-decisions §4). */
  sensitive: boolean;
  /**
   * Profiles for which a referenced resource exists ("Type/id" literal reference). References to a
   * resource that does not exist for a profile are removed from that profile's view (§4b).
   * Unknown references (outside the directory) return ALL_PROFILES.
   */
  referenceMask(reference: string): ProfileMask;
}

/** Why a path was removed from a profile's view: the catalogue row that decided. */
export interface HiddenPath {
  path: string;
  group: string;
  level: Level;
  sectors: Sector[];
  rule: string;
}

/** The rendering of one resource for all six profiles. */
export interface RenderedViews {
  /** views[p] = what profile p sees, or null when the resource does not exist for p. */
  views: (Resource | null)[];
  /** hidden[p] = the paths removed from views[p] and why. */
  hidden: HiddenPath[][];
}
