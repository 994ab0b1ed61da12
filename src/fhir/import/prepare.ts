// Prepares the batches of an import file for ingestion: validates each resource leniently and turns it
// into its stored text. Runs on the import's reader thread (read-worker.ts), beside the ingestion.
import type { Resource } from '../../policy/types.js';
import { FhirError, type Issue } from '../errors.js';
import type { Deletion, PreparedResource } from '../ingest.js';
import { validateResource } from '../validate/index.js';
import { rawContent } from '../views/render.js';
import { collectReferences } from '../views/context.js';
import { isDeletion, type ImportItem } from './items.js';

export interface PreparedBatch {
  items: (PreparedResource | Deletion)[];
  /** Warnings of the batch's resources, and the first ones as text (`file: Type/id: diagnostics`). */
  warnings: number;
  sampleWarnings: string[];
  /** Bytes of the file read so far. */
  bytesRead: number;
}

/** Validates and prepares one batch; throws the errors of the first invalid resource, as loadFile reports them. */
export function prepareBatch(file: string, batch: ImportItem[], bytesRead: number, sampleRoom: number): PreparedBatch {
  const out: PreparedBatch = { items: [], warnings: 0, sampleWarnings: [], bytesRead };
  for (const item of batch) {
    if (isDeletion(item)) {
      out.items.push({ delete: { type: item.delete.type, id: item.delete.id } });
      continue;
    }
    const resource = item as Resource;
    const issues: Issue[] = validateResource(resource);
    const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
    const where = `${file}: ${resource.resourceType}/${resource.id ?? '(no id)'}`;
    if (errors.length) throw FhirError.withIssues(400, errors.map((e) => ({ ...e, diagnostics: `${where}: ${e.diagnostics}` })));
    out.warnings += issues.length;
    for (const w of issues) if (out.sampleWarnings.length < sampleRoom) out.sampleWarnings.push(`${where}: ${w.diagnostics}`);
    // the references too: the ingesting thread needs them for every resource it renders
    out.items.push({ type: resource.resourceType, id: resource.id ?? '', content: rawContent(resource), references: collectReferences(resource) });
  }
  return out;
}
