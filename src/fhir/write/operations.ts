// Every write interaction by name: how a write crosses a thread boundary (src/server/write-thread.ts) as
// plain data, and how an inline server runs the same interactions.
import { processBundle as bundle } from './bundle.js';
import type { WriteContext as Context } from './commit.js';
import { conditionalPatch, conditionalUpdate, createResource, deleteResource, patchResource, updateResource } from './handlers.js';
import type { FhirResponse } from '../rest/types.js';

/** Every write interaction by name, with its arguments after the context. */
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
