// A long ingestion renders in steps to bound its memory: the result must be exactly the one-step result,
// whatever the order of the resources (neighbours before or after the resources whose context they give).

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open.js';
import type { Store } from '../store/contract.js';
import type { Resource } from '../policy/types.js';
import { openIngestSession } from './ingest.js';
import { rawContent } from './views/render.js';
import { RenderWorker } from './views/render-pool.js';
import { directoryFixture } from '../../test/fixtures/directory.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ingest(name: string, resources: Resource[], renderEvery?: number, renderWorker?: RenderWorker): Promise<Store> {
  const store = await openStore(join(dir, `${name}.db`));
  await store.migrate();
  await store.transaction(async (tx) => {
    const s = openIngestSession(tx, () => 1_700_000_000_000, { renderEvery, renderWorker });
    for (let i = 0; i < resources.length; i += 2) await s.add(resources.slice(i, i + 2));
    await s.finish();
  });
  return store;
}

/** Every view (versions and bodies exactly) and every index row of each resource. */
async function exactly(store: Store, resources: Resource[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const r of resources) {
    out.push(await store.readResource(r.resourceType, r.id!));
    for (let p = 0; p < 6; p++) out.push(await store.viewHistory(r.resourceType, r.id!, p, { count: 100 }));
    for (let p = 0; p < 6; p++) {
      const hits = await store.search({ type: r.resourceType, profile: p, where: [{ op: 'id', ids: [r.id!] }], sort: [], count: 1, total: true });
      out.push(hits.total);
    }
    out.push(await store.referrers(r.resourceType, r.id!));
  }
  return out;
}

async function snapshot(store: Store, resources: Resource[]): Promise<string[]> {
  const out: string[] = [];
  for (const r of resources) {
    for (let p = 0; p < 6; p++) {
      const v = await store.readView(r.resourceType, r.id!, p);
      // Version numbers count intermediate renders inside the transaction (a fix-up after a late
      // neighbour): they may differ; the content of every view may not.
      out.push(`${r.resourceType}/${r.id} p${p} ${v?.body?.replace(/"versionId":"\d+"/, '') ?? 'absent'}`);
    }
    const hits = await store.search({ type: r.resourceType, profile: 1, where: [{ op: 'id', ids: [r.id!] }], sort: [], count: 1, total: true });
    out.push(`${r.resourceType}/${r.id} indexed ${hits.total}`);
  }
  return out;
}

describe('resource bodies', () => {
  it('are stored inside the view that equals them (but for its meta) and read back exactly', async () => {
    const resources = directoryFixture();
    const store = await ingest('bodies', resources);
    for (const r of resources) expect((await store.readResource(r.resourceType, r.id!))?.body).toBe(rawContent(r));
    await store.close();
    const db = new Database(join(dir, 'bodies.db'), { readonly: true });
    const held = db.prepare('SELECT COUNT(*) AS n FROM resource_history WHERE cut_start IS NOT NULL').get() as { n: number };
    const bodies = db.prepare('SELECT COUNT(*) AS n FROM bodies').get() as { n: number };
    const views = db.prepare('SELECT COUNT(DISTINCT bid) AS n FROM view_history').get() as { n: number };
    db.close();
    // the full view (profile 1) of a resource is the resource itself: no body but the views'
    expect(held.n).toBe(resources.length);
    expect(bodies.n).toBe(views.n);
  });
});

describe('rendering on a worker thread', () => {
  it.each([1, 2])('writes exactly what rendering in order on the main thread writes, in one step, in steps, in any order (%i threads)', async (threads) => {
    const resources = directoryFixture();
    const worker = new RenderWorker(threads);
    try {
      for (const [name, order, every] of [['one', resources, undefined], ['steps', resources, 3], ['reversed', [...resources].reverse(), 3]] as const) {
        const main = await exactly(await ingest(`main-${name}-${threads}`, [...order], every), resources);
        const threaded = await exactly(await ingest(`worker-${name}-${threads}`, [...order], every, worker), resources);
        expect(threaded).toEqual(main);
      }
    } finally {
      await worker.close();
    }
  });

  it('renders Organizations three deep (sub-organisations of an EG) as in order, whatever the file order', async () => {
    const all = directoryFixture();
    const pick = (id: string) => structuredClone(all.find((r) => r.id === id)!);
    // sub-organisations without a category take their sector from their ancestors
    const sub = (id: string, parent: string) => {
      const org = { ...pick('eg-chu'), id, partOf: { reference: `Organization/${parent}` } } as Resource & { type?: unknown };
      delete org.type;
      return org;
    };
    const orgs = all.filter((r) => r.resourceType === 'Organization');
    const resources = [...orgs, sub('pole-a', 'eg-chu'), sub('pole-b', 'eg-chu'), sub('unit-a1', 'pole-a'), sub('pole-c', 'eg-ehpad')];
    const worker = new RenderWorker(2);
    try {
      for (const [name, order] of [['parents-first', resources], ['children-first', [...resources].reverse()]] as const) {
        const main = await exactly(await ingest(`deep-main-${name}`, [...order]), resources);
        expect(await exactly(await ingest(`deep-worker-${name}`, [...order], undefined, worker), resources)).toEqual(main);
      }
    } finally {
      await worker.close();
    }
  });

  it('sees the sector an Organization takes from its siblings, as in order', async () => {
    // eg-sibling has no category: its sector comes from its parent's other child (eg-ehpad, médico-social),
    // whose index rows must be written before its context is resolved; its contacts' visibility depends on it
    const all = directoryFixture();
    const pick = (id: string) => structuredClone(all.find((r) => r.id === id)!);
    const sibling = { ...pick('eg-chu'), id: 'eg-sibling', partOf: { reference: 'Organization/ej-ehpad' } } as Resource & { type?: unknown };
    delete sibling.type;
    const resources = [pick('ej-ehpad'), pick('eg-ehpad'), sibling];
    const worker = new RenderWorker();
    try {
      const main = await exactly(await ingest('sibling-main', resources), resources);
      expect(await exactly(await ingest('sibling-worker', resources, undefined, worker), resources)).toEqual(main);
    } finally {
      await worker.close();
    }
  });

  it('fails the ingestion when the worker is gone', async () => {
    const worker = new RenderWorker();
    await worker.close();
    await expect(ingest('closed-worker', directoryFixture(), undefined, worker)).rejects.toThrow(/render worker/);
  });
});

describe('ingestion in steps', () => {
  it('gives the same views as one step, in dependency order and in reverse order', async () => {
    const resources = directoryFixture();
    const whole = await snapshot(await ingest('whole', resources), resources);
    const steps = await snapshot(await ingest('steps', resources, 3), resources);
    const reversed = await snapshot(await ingest('reversed', [...resources].reverse(), 3), resources);
    expect(steps).toEqual(whole);
    expect(reversed).toEqual(whole);
  });
});
