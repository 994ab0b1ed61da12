// Who gets which read profile (policy-decisions §6): the seed's matrices as data, with operator overrides.
import professions from './generated/health-professions.json' with { type: 'json' };
import type { Profile } from './types.js';

/** A CU code (JDV_J68 / TRE_R78) → read profile. `'CU24'` is resolved by the user's role (below). */
export const DEFAULT_CU_PROFILES: Readonly<Record<string, Profile>> = {
  CU22: 1, // Régulation de soins non programmés
  CU25: 1, // Gestion de crise
  CU17: 2, // Professionnel de santé
  CU18: 2, // Orientation sanitaire et médico-sociale
  CU20: 2, // Coordination sanitaire et médico-sociale
  CU19: 3, // Orientation médico-sociale
  CU21: 3, // Coordination médico-sociale
  CU23: 0, // Accès public
  CU28: 4, // Pilotage de l'offre sanitaire
  CU29: 4, // Pilotage de l'offre médico-sociale
  CU30: 5, // Orientation sanitaire et médico-sociale sans disponibilité en lit
};

/** CU24 Gestionnaire de DAC: « Professionnel de santé exerçant en DAC » → P2; any other coordinator → P5. */
export const CU24_HEALTH_PROFESSION_PROFILE: Profile = 2;
export const CU24_OTHER_PROFILE: Profile = 5;

/** TRE_G15 health-profession codes, as included in JDV_J65-SubjectRole-DMP (generated). */
export const HEALTH_PROFESSION_CODES: ReadonlySet<string> = new Set(professions.codes);
const G15_SYSTEMS = new Set([professions.system, professions.oid, `urn:oid:${professions.oid}`, 'TRE_G15', 'TRE_G15-ProfessionSante']);

export interface UserRole {
  code: string;
  /** System of the code (URL, OID or NOS name). Absent: the code is read as TRE_G15. */
  system?: string;
}

/** Whether a role names a health profession of TRE_G15 (CU24 rule). */
export function isHealthProfession(role: UserRole | undefined): boolean {
  if (!role || !HEALTH_PROFESSION_CODES.has(role.code)) return false;
  return role.system === undefined || role.system === '' || G15_SYSTEMS.has(role.system);
}

export interface Habilitation {
  profileForUser(cu: string, role?: UserRole): Profile | null;
}

/**
 * The habilitation table with operator overrides: an override maps a CU code to a profile, or to null
 * to refuse it. Unknown codes (CU26, CU27, anything else) → null unless overridden.
 */
export function createHabilitation(overrides: Readonly<Record<string, Profile | null>> = {}): Habilitation {
  return {
    profileForUser(cu, role) {
      if (Object.prototype.hasOwnProperty.call(overrides, cu)) return overrides[cu];
      if (cu === 'CU24') return isHealthProfession(role) ? CU24_HEALTH_PROFESSION_PROFILE : CU24_OTHER_PROFILE;
      return Object.prototype.hasOwnProperty.call(DEFAULT_CU_PROFILES, cu) ? DEFAULT_CU_PROFILES[cu] : null;
    },
  };
}

const DEFAULT_HABILITATION = createHabilitation();

/** Read profile of a finalité (CU code) and optional user role, with the default table. */
export function profileForUser(cu: string, role?: UserRole): Profile | null {
  return DEFAULT_HABILITATION.profileForUser(cu, role);
}
