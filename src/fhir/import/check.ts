// The checks every imported resource passes before it is yielded, whatever the container format.

import type { Resource } from '../../policy/types.js';
import { DIRECTORY_TYPES } from './items.js';
import { deterministicId } from './ids.js';
import { ImportError, type ImportPosition } from './errors.js';

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export const isFhirId = (id: string): boolean => FHIR_ID.test(id);

/**
 * Checks that `value` is a directory resource and gives it an id if it has none: `urlId` (a PUT entry's
 * url id, which a differing resource id contradicts) or a deterministic one.
 */
export function checkResource(value: unknown, where: ImportPosition, urlId?: string): Resource {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ImportError(where, 'not a FHIR resource (not a JSON object)');
  }
  const resourceType = (value as { resourceType?: unknown }).resourceType;
  if (typeof resourceType !== 'string') throw new ImportError(where, 'not a FHIR resource (no resourceType)');
  if (!DIRECTORY_TYPES.has(resourceType)) {
    throw new ImportError(where, `resourceType ${JSON.stringify(resourceType)} is not a directory resource type (expected one of ${[...DIRECTORY_TYPES].join(', ')})`);
  }
  const resource = value as Resource;
  if (urlId !== undefined) {
    if (resource.id !== undefined && resource.id !== urlId) {
      throw new ImportError(where, `resource id ${JSON.stringify(resource.id)} differs from the PUT url id ${JSON.stringify(urlId)}`);
    }
    resource.id = urlId;
  }
  if (resource.id === undefined) {
    resource.id = deterministicId(resource);
  } else if (typeof resource.id !== 'string' || !isFhirId(resource.id)) {
    throw new ImportError(where, `invalid id ${JSON.stringify(resource.id)}`);
  }
  return resource;
}
