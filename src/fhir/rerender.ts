// Renders every stored resource again under the policy as this release reads it. Views are materialised at
// write time, so a database rendered by an earlier release keeps that release's reading until its
// resources change: after an upgrade that reads the policy more strictly (see docs/policy.md), this brings
// every view and index row to the current reading. A view that comes out the same is left as it is (same
// version, same instant); one that differs gets a new version, like any change. Resources are taken type by
// type, in id order, CHUNK per transaction, so that memory stays bounded and servers keep writing between
// two transactions.
import type { Store } from '../store/contract.js';
import { STORED_TYPES } from './resource-types.js';
import { renderAll } from './views/propagate.js';

const CHUNK = 2_000;

export interface RerenderReport {
  /** Resources rendered again (referrers re-rendered because a resource's existence moved included). */
  rendered: number;
}

export async function rerenderAll(store: Store, onProgress?: (type: string, rendered: number) => void): Promise<RerenderReport> {
  let rendered = 0;
  for (const type of STORED_TYPES) {
    let after: { values: (string | number | null)[]; id: string } | undefined;
    for (;;) {
      // profile 1 sees every resource that exists (deleted ones have no view to render)
      const page = await store.search({ type, profile: 1, where: [], sort: [], count: CHUNK, total: false, ...(after ? { after } : {}) });
      if (page.rows.length === 0) break;
      rendered += await store.transaction((tx) => renderAll(tx, page.rows.map((r) => `${type}/${r.id}`), Date.now(), false));
      onProgress?.(type, rendered);
      if (!page.more) break;
      const last = page.rows[page.rows.length - 1];
      after = { values: last.sortValues, id: last.id };
    }
  }
  return { rendered };
}
