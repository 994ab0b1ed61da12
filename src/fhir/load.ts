// Loads files into the store: each file is read streaming, validated leniently and ingested in one
// all-or-nothing transaction (idempotent: re-loading the same data changes nothing). Reading and
// rendering run on worker threads beside the ingestion (import/threaded-read.ts, views/render-pool.ts).

import { statSync } from 'node:fs';
import type { Store } from '../store/contract.js';
import { readPrepared } from './import/threaded-read.js';
import { openIngestSession, type IngestStats } from './ingest.js';
import { BULK_RENDER_THREADS, RenderWorker } from './views/render-pool.js';

export interface LoadReport extends IngestStats {
  file: string;
  resources: number;
  warnings: number;
  /** The first warnings, for display. */
  sampleWarnings: string[];
}

export interface LoadProgress {
  (bytesRead: number, totalBytes: number, resources: number): void;
}

export async function loadFile(store: Store, file: string, onProgress?: LoadProgress): Promise<LoadReport> {
  const totalBytes = statSync(file).size;
  const report: LoadReport = { file, resources: 0, warnings: 0, sampleWarnings: [], created: 0, updated: 0, unchanged: 0, deleted: 0 };
  // More threads: one reads, validates and prepares the file's batches, two render the views, while this
  // one reads and writes the store.
  const renderWorker = new RenderWorker(BULK_RENDER_THREADS);
  const stats = await store.transaction(async (tx) => {
    const session = openIngestSession(tx, Date.now, { renderWorker });
    for await (const batch of readPrepared(file)) {
      report.warnings += batch.warnings;
      for (const w of batch.sampleWarnings) if (report.sampleWarnings.length < 10) report.sampleWarnings.push(w);
      await session.add(batch.items);
      report.resources += batch.items.length;
      onProgress?.(batch.bytesRead, totalBytes, report.resources);
    }
    return session.finish();
  }, { bulk: true }).finally(() => renderWorker.close());
  Object.assign(report, stats);
  return report;
}
