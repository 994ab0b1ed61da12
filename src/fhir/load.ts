// Loads files into the store: each file is read streaming, validated leniently and ingested in one
// all-or-nothing transaction (idempotent: re-loading the same data changes nothing).

import { statSync } from 'node:fs';
import type { Resource } from '../policy/types.js';
import type { Store } from '../store/contract.js';
import { isDeletion, readResources } from './import/index.js';
import { validateResource } from './validate/index.js';
import { FhirError, type Issue } from './errors.js';
import { openIngestSession, type Deletion, type IngestStats } from './ingest.js';
import { RenderWorker } from './views/render-pool.js';

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
  // rendering overlaps with the store's reads and writes on a second thread
  const renderWorker = new RenderWorker();
  const stats = await store.transaction(async (tx) => {
    const session = openIngestSession(tx, Date.now, { renderWorker });
    const reader = readResources(file);
    for await (const batch of reader) {
      for (const item of batch as (Resource | Deletion)[]) {
        if (isDeletion(item)) continue;
        const issues: Issue[] = validateResource(item as Resource);
        const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
        const where = `${file}: ${(item as Resource).resourceType}/${(item as Resource).id ?? '(no id)'}`;
        if (errors.length) throw FhirError.withIssues(400, errors.map((e) => ({ ...e, diagnostics: `${where}: ${e.diagnostics}` })));
        report.warnings += issues.length;
        for (const w of issues) if (report.sampleWarnings.length < 10) report.sampleWarnings.push(`${where}: ${w.diagnostics}`);
      }
      await session.add(batch as (Resource | Deletion)[]);
      report.resources += batch.length;
      onProgress?.(reader.bytesRead, totalBytes, report.resources);
    }
    return session.finish();
  }).finally(() => renderWorker.close());
  Object.assign(report, stats);
  return report;
}
