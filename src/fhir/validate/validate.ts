// validateResource: lenient validation of a directory resource (policy-decisions §4c). Issues with
// severity 'error' mean refuse (structurally broken: not FHIR, wrong JSON types or formats, unknown
// elements); 'warning' means store with a warning (ROR profile deviations).

import type { Issue } from '../errors.js';
import { compileStructure } from './structure.js';
import { compileProfile, checkRorExtension, PROFILED_TYPES, type ProfileCheck } from './profile.js';

export const VALIDATED_TYPES: readonly string[] = ['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole', 'Task'];

type Structure = ReturnType<typeof compileStructure>;
// Compiled once, at first use.
let compiled: { structure: Structure; profiles: Map<string, ProfileCheck> } | undefined;
let structureOnly: Structure | undefined;
function rules() {
  if (!compiled) {
    const profiles = new Map<string, ProfileCheck>();
    for (const t of PROFILED_TYPES) profiles.set(t, compileProfile(t));
    compiled = { structure: compileStructure(VALIDATED_TYPES, checkRorExtension), profiles };
  }
  return compiled;
}

export function validateResource(resource: unknown): Issue[] {
  const issues: Issue[] = [];
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
    return [{ severity: 'error', code: 'structure', diagnostics: 'not a FHIR resource (not a JSON object)' }];
  }
  const type = (resource as { resourceType?: unknown }).resourceType;
  if (typeof type !== 'string') return [{ severity: 'error', code: 'structure', diagnostics: 'not a FHIR resource (no resourceType)' }];
  const { structure, profiles } = rules();
  const validate = structure.get(type);
  if (!validate) return [{ severity: 'error', code: 'not-supported', diagnostics: `${type} is not a directory resource type`, expression: [type] }];
  validate(resource, type, issues);
  // Profile checks assume the structure is sound; after a structural error they would only add noise.
  if (issues.length === 0) profiles.get(type)?.(resource as Record<string, unknown>, issues);
  return issues;
}

/**
 * The errors of validateResource alone, i.e. the structural ones: what refuses a write. The ROR profile
 * checks only ever warn, so they are skipped (a write keeps no warning).
 */
export function structuralErrors(resource: unknown): Issue[] {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource) || typeof (resource as { resourceType?: unknown }).resourceType !== 'string') {
    return validateResource(resource);
  }
  const type = (resource as { resourceType: string }).resourceType;
  structureOnly ??= compileStructure(VALIDATED_TYPES, undefined, { rememberValid: true });
  const validate = structureOnly.get(type);
  if (!validate) return validateResource(resource);
  const issues: Issue[] = [];
  validate(resource, type, issues);
  return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
}
