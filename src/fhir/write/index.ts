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

import { processBundle as bundle } from './bundle.js';
import type { WriteContext as Context } from './commit.js';
import { conditionalPatch, conditionalUpdate, createResource, deleteResource, patchResource, updateResource } from './handlers.js';
import type { FhirResponse } from '../rest/types.js';

/** Every write interaction by name, with its arguments after the context: how a write crosses a thread
 * boundary (src/server/write-thread.ts) as plain data. */
export const WRITE_OPERATIONS = {
  create: createResource,
  update: updateResource,
  conditionalUpdate,
  patch: patchResource,
  conditionalPatch,
  delete: deleteResource,
  bundle,
} satisfies Record<string, (ctx: Context, ...args: any[]) => Promise<FhirResponse>>;

export type WriteOperation = keyof typeof WRITE_OPERATIONS;
export type WriteArguments<Op extends WriteOperation> = (typeof WRITE_OPERATIONS)[Op] extends (ctx: Context, ...args: infer A) => Promise<FhirResponse> ? A : never;

/** Runs the write interaction `op` with its arguments. */
export function runWriteOperation<Op extends WriteOperation>(op: Op, ctx: Context, args: WriteArguments<Op>): Promise<FhirResponse> {
  const operation = WRITE_OPERATIONS[op] as ((ctx: Context, ...a: unknown[]) => Promise<FhirResponse>) | undefined;
  if (typeof operation !== 'function') throw new Error(`unknown write operation '${String(op)}'`);
  return operation(ctx, ...(args as unknown[]));
}
