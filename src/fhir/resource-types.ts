// The resource types this directory stores and serves.

export const DIRECTORY_TYPES = ['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole'] as const;
export const STORED_TYPES = [...DIRECTORY_TYPES, 'Task'] as const;
export type StoredType = (typeof STORED_TYPES)[number];

export const isStoredType = (t: string): t is StoredType => (STORED_TYPES as readonly string[]).includes(t);

/** FHIR logical id syntax (R4: [A-Za-z0-9\-\.]{1,64}). */
export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

/** Splits a literal relative reference "Type/id" (optionally ".../_history/n"); null for anything else. */
export function parseReference(ref: unknown): { type: string; id: string } | null {
  if (typeof ref !== 'string') return null;
  const m = /^(?:[^?#]*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
  if (!m) return null;
  if (/^[a-z]+:/.test(ref) && !ref.includes('/fhir/')) return null; // absolute URL outside this server
  return { type: m[1], id: m[2] };
}
