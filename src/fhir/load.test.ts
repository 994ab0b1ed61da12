// loadFile reads, validates and renders on worker threads: the result must be the one of ingesting the
// same resources on this thread, and the file's problems must surface exactly as before.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open.js';
import type { Store } from '../store/contract.js';
import type { Resource } from '../policy/types.js';
import { directoryFixture } from '../../test/fixtures/directory.js';
import { FhirError } from './errors.js';
import { openIngestSession } from './ingest.js';
import { loadFile } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function fresh(): Promise<Store> {
  const store = await openStore(join(dir, `db-${++n}.sqlite`));
  await store.migrate();
  return store;
}

const ndjson = (resources: unknown[]): string => {
  const file = join(dir, `f-${++n}.ndjson`);
  writeFileSync(file, resources.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
};

/** Every view's content (its meta's instant aside: the two loads run at different times) and existence. */
async function views(store: Store, resources: Resource[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of resources) {
    out.push(`${r.resourceType}/${r.id} ${(await store.readResource(r.resourceType, r.id!))?.body}`);
    for (let p = 0; p < 6; p++) {
      const v = await store.readView(r.resourceType, r.id!, p);
      out.push(`p${p} v${v?.version} ${v?.body?.replace(/"lastUpdated":"[^"]*"/, '') ?? 'absent'}`);
    }
  }
  return out;
}

describe('loadFile', () => {
  it('stores what an ingestion on this thread stores, and re-loading changes nothing', async () => {
    const resources = directoryFixture();
    const file = ndjson(resources);
    const loaded = await fresh();
    const report = await loadFile(loaded, file);
    expect(report).toMatchObject({ resources: resources.length, created: resources.length, updated: 0, unchanged: 0, deleted: 0 });
    const here = await fresh();
    await here.transaction(async (tx) => {
      const s = openIngestSession(tx);
      await s.add(resources);
      return s.finish();
    });
    expect(await views(loaded, resources)).toEqual(await views(here, resources));
    expect(await loadFile(loaded, file)).toMatchObject({ created: 0, unchanged: resources.length });
    await loaded.close();
    await here.close();
  });

  it('counts warnings and keeps the first ten as text', async () => {
    // no creation-date extension: two warnings per Organization
    const orgs = Array.from({ length: 8 }, (_, i) => ({ resourceType: 'Organization', id: `w${i}`, name: `W ${i}` }));
    const store = await fresh();
    const report = await loadFile(store, ndjson(orgs));
    expect(report.warnings).toBe(16);
    expect(report.sampleWarnings).toHaveLength(10);
    expect(report.sampleWarnings[0]).toMatch(/f-\d+\.ndjson: Organization\/w0: /);
    await store.close();
  });

  it('refuses a file with an invalid resource or a malformed line as a whole', async () => {
    const store = await fresh();
    const good = { resourceType: 'Organization', id: 'g1', name: 'G' };
    const invalid = ndjson([good, { resourceType: 'Organization', id: 'bad', active: 'yes' }]);
    const error = await loadFile(store, invalid).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(FhirError);
    expect((error as FhirError).status).toBe(400);
    expect((error as FhirError).message).toMatch(/f-\d+\.ndjson: Organization\/bad: /);
    const malformed = join(dir, 'malformed.ndjson');
    writeFileSync(malformed, `${JSON.stringify(good)}\n{"resourceType":\n`);
    await expect(loadFile(store, malformed)).rejects.toThrow(/malformed\.ndjson line 2: not JSON/);
    expect(await store.readResource('Organization', 'g1')).toBeNull();
    await store.close();
  });

  it('applies the deletions of a transaction Bundle', async () => {
    const store = await fresh();
    await loadFile(store, ndjson([{ resourceType: 'Organization', id: 'd1', name: 'D' }]));
    const bundle = join(dir, 'delete.json');
    writeFileSync(bundle, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: 'Organization/d1' } }] }));
    expect(await loadFile(store, bundle)).toMatchObject({ resources: 1, deleted: 1 });
    expect((await store.readResource('Organization', 'd1'))?.body).toBeNull();
    await store.close();
  });
});
