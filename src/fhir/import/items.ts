// What the readers yield: resources to store, and deletions requested by Bundle DELETE entries.

import type { Resource } from '../../policy/types.js';

/** The resource types of the directory; any other resourceType in an import file is refused. */
export const DIRECTORY_TYPES: ReadonlySet<string> = new Set([
  'Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole', 'Task',
]);

/**
 * A DELETE entry of a batch/transaction Bundle: `{ delete: { type, id } }`, the shape IngestSession.add
 * takes (fhir/ingest.ts `Deletion`). It has no `resourceType`, so it cannot pass for a Resource.
 */
export class ImportDeletion {
  readonly delete: { readonly type: string; readonly id: string };
  constructor(type: string, id: string) {
    this.delete = { type, id };
  }
}

export type ImportItem = Resource | ImportDeletion;

export const isDeletion = (item: ImportItem): item is ImportDeletion => 'delete' in item && !('resourceType' in item);
