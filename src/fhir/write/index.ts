// Writes: the operator's full rights, write profiles A (capacities, offer↔location link) and B (anomaly
// reports), each change versioned through the ingest machinery and audited in its own transaction.
export { createResource, updateResource, conditionalUpdate, patchResource, conditionalPatch, deleteResource, patchFormat } from './handlers.js';
export { processBundle } from './bundle.js';
export { capacityPatch, indicatorExtension, indicatorPath, indicatorIssues, indicatorKey, type IndicatorSpec } from './capacity.js';
export { guardSearchParams, maySeeTask, reporterOf, REPORTER_SYSTEM, TASK_TRANSITIONS } from './task.js';
export { establishmentKeys } from './establishment.js';
export { applyJsonPatch } from './json-patch.js';
export { applyFhirPathPatch, parseFhirPathPatch } from './fhirpath-patch.js';
export type { WriteContext, AuditSlot } from './commit.js';

export { WRITE_OPERATIONS, runWriteOperation, type WriteArguments, type WriteOperation } from './operations.js';
