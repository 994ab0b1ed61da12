// Bulk ingestion of directory resources (import, demo data): stores them raw, then renders every
// affected resource's per-profile views and search index once, at the end of the transaction.

import type { Resource } from '../policy/types.js';
import type { StoredView, StoreTx } from '../store/contract.js';
import { isStoredType } from './resource-types.js';
import { badRequest } from './errors.js';
import { contextDependants, renderAll } from './views/propagate.js';
import { SessionNeighbourhood, type StoredWithRaw } from './views/session.js';
import type { RenderWorker } from './views/render-pool.js';
import { rawContent } from './views/render.js';

export interface IngestStats {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

/** A deletion in a batch or transaction Bundle. */
export interface Deletion {
  delete: { type: string; id: string };
}

/** A resource already in its stored form (rawContent text), as the import's reader thread prepares it. */
export interface PreparedResource {
  type: string;
  id: string;
  content: string;
  /** Every reference string of the resource (collectReferences), found where it was prepared. */
  references?: string[];
}

export type IngestItem = Resource | Deletion | PreparedResource;

/**
 * One all-or-nothing ingestion inside a store transaction. Call add() with batches in any order
 * (references may point forward), then finish(). Re-adding identical content changes nothing.
 */
export interface IngestSession {
  add(resources: IngestItem[]): Promise<void>;
  finish(): Promise<IngestStats>;
  /** After finish(): the view of `profile` this session wrote for a resource, when it wrote one (called
   * for the resource named by `watch` only). */
  writtenView(type: string, id: string, profile: number): StoredView | undefined;
}

export interface IngestOptions {
  /** Resources the caller has just read in `tx` (their current stored versions, parsed bodies included
   * when the caller has them): not read or parsed again. The parsed bodies must not be mutated. */
  current?: StoredWithRaw[];
  /** A resource whose written views writtenView() answers for. */
  watch?: { type: string; id: string };
  /** Render and forget every this many resources (default RENDER_EVERY). */
  renderEvery?: number;
  /** The added resources are JSON objects in stored form, never mutated afterwards: the session takes
   * them as the parsed stored bodies (their text is not parsed again). */
  keepObjects?: boolean;
  /** Renders on this worker thread while the session reads and writes the store (long ingestions). */
  renderWorker?: RenderWorker;
}

const isDeletion = (x: IngestItem): x is Deletion => {
  const d = (x as Deletion).delete;
  return typeof d === 'object' && d !== null && typeof d.type === 'string';
};

const isPrepared = (x: IngestItem): x is PreparedResource => typeof (x as PreparedResource).content === 'string' && !('resourceType' in x);

/** Type, id and stored text of a resource or prepared resource. */
const stored = (x: Resource | PreparedResource): PreparedResource =>
  isPrepared(x) ? x : { type: x.resourceType, id: x.id ?? '', content: storedBody(x) };

/**
 * A long ingestion (a 1 GB file is one all-or-nothing transaction) renders what it has every this many
 * resources and forgets it, so that its memory stays bounded. Rendering early is safe: a resource whose
 * neighbours come later is re-rendered with them (dependants and fix-ups of renderAll).
 */
const RENDER_EVERY = 20_000;

export function openIngestSession(tx: StoreTx, now: () => number = Date.now, options: IngestOptions = {}): IngestSession {
  const touched = new Set<string>();
  const dependants = new Set<string>();
  const stats: IngestStats = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
  // One neighbourhood for the whole session: it knows what it wrote (current versions, view states).
  const nb = new SessionNeighbourhood(tx);
  for (const stored of options.current ?? []) nb.remember(stored);
  if (options.watch) nb.watch(options.watch.type, options.watch.id);

  async function renderTouched(): Promise<void> {
    if (touched.size === 0) return;
    for (const d of dependants) touched.add(d);
    // Dependants too: a batch may bring a resource before the neighbours its context reads.
    await renderAll(tx, touched, now(), true, nb, options.renderWorker);
    touched.clear();
    dependants.clear();
  }

  return {
    async add(batch) {
      const at = now();
      await nb.prefetch(batch.map((item) => (isDeletion(item) ? item.delete : isPrepared(item) ? item : { type: item.resourceType, id: item.id ?? '' })));
      for (const item of batch) {
        if (isDeletion(item)) {
          const { type, id } = item.delete;
          const current = await nb.current(type, id);
          if (current.version === null || current.deleted) continue;
          for (const d of await contextDependants(tx, nb, `${type}/${id}`)) dependants.add(d);
          await nb.put({ type, id, version: current.version + 1, lastUpdated: at, body: null }, false, false);
          touched.add(`${type}/${id}`);
          stats.deleted++;
          continue;
        }
        const { type, id, content, references } = stored(item);
        if (!isStoredType(type)) throw badRequest(`Resource type ${type} is not stored by this directory`);
        if (!id) throw badRequest(`A ${type} has no id`);
        const key = `${type}/${id}`;
        const current = await nb.current(type, id);
        // stored bodies are written in rawContent form: equal text, equal content (else compare contents)
        if (current.raw && (current.body === content || rawContent(current.raw) === content)) {
          stats.unchanged++;
          continue;
        }
        if (current.raw) {
          // The old version's neighbours (e.g. a Location the offer no longer uses) must be re-rendered.
          for (const d of await contextDependants(tx, nb, key)) dependants.add(d);
          stats.updated++;
        } else {
          stats.created++;
        }
        const version = (current.version ?? 0) + 1;
        // written together with its views by finish(): one write per resource instead of two
        const raw = options.keepObjects && !isPrepared(item) ? { raw: item } : {};
        await nb.put({ type, id, version, lastUpdated: at, body: content, ...raw, ...(references ? { references } : {}) }, current.version === null, true);
        touched.add(key);
      }
      if (touched.size >= (options.renderEvery ?? RENDER_EVERY)) {
        await renderTouched();
        await nb.forget();
      }
    },
    async finish() {
      await renderTouched();
      await nb.flush();
      return stats;
    },
    writtenView(type, id, profile) {
      return nb.writtenViews(type, id)?.get(profile);
    },
  };
}

/** The stored body: the resource as given, without server-managed meta (the views carry their own). */
function storedBody(resource: Resource): string {
  return rawContent(resource);
}
