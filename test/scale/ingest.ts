// Ingests resources like `ror demo` / `ror import`: chunks of one transaction, batches within a chunk.
import { openIngestSession } from '../../src/fhir/ingest.js';
import type { Resource } from '../../src/policy/types.js';
import type { Store } from '../../src/store/contract.js';

const CHUNK = 20_000;
const BATCH = 1_000;

/** Returns the seconds taken. */
export async function ingestAll(store: Store, resources: Resource[]): Promise<number> {
  const started = performance.now();
  for (let c = 0; c < resources.length; c += CHUNK) {
    const chunk = resources.slice(c, c + CHUNK);
    await store.transaction(async (tx) => {
      const session = openIngestSession(tx);
      for (let i = 0; i < chunk.length; i += BATCH) await session.add(chunk.slice(i, i + BATCH));
      await session.finish();
    });
  }
  return (performance.now() - started) / 1000;
}

