// Write profiles (policy-decisions §7) as catalogue data: which elements a tool's write profile may change.
// The guard itself belongs to the fhir layer; this is the data it reads.
import { ror } from './catalogue/urls.js';

export type WriteProfile = 'A' | 'B';

export interface WritableElement {
  type: string;
  /** Catalogue-style path; '*' = the whole resource (create, read, search, status change). */
  path: string;
  extensionUrl?: string;
  note: string;
}

export const WRITE_PROFILES: Readonly<Record<WriteProfile, { title: string; elements: readonly WritableElement[] }>> = {
  A: {
    title: 'Profil A : capacitaire et disponibilité en lits, lien entre l\'offre et le lieu de réalisation',
    elements: [
      { type: 'Location', path: 'extension(ror-location-supported-capacity)', extensionUrl: ror('ror-location-supported-capacity'), note: 'capacity indicators of the EGs the tool is registered for' },
      { type: 'HealthcareService', path: 'location', note: 'offer ↔ location link' },
    ],
  },
  B: {
    title: 'Profil B : écriture des anomalies',
    elements: [{ type: 'Task', path: '*', note: 'RORTask: create, read, search, status change (businessStatus)' }],
  },
};

/** Whether write profile `profile` may change `path` (catalogue-style) of a resource of `type`. */
export function mayWrite(profile: WriteProfile, type: string, path: string): boolean {
  return WRITE_PROFILES[profile].elements.some((e) => e.type === type && (e.path === '*' || e.path === path));
}
