import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFixture } from '../../test/fixtures/directory.js';
import type { Store, StoredView } from '../store/contract.js';
import { openStore } from '../store/open.js';
import { openIngestSession } from './ingest.js';
import { rerenderAll } from './rerender.js';

describe('rerenderAll', () => {
  let dir: string;
  let store: Store;
  const resources = directoryFixture();
  const states = async () => {
    const out = new Map<string, StoredView[]>();
    for (const r of resources) out.set(`${r.resourceType}/${r.id}`, await store.readViewStates(r.resourceType, r.id!));
    return out;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ror-rerender-'));
    store = await openStore(join(dir, 'db.sqlite'));
    await store.migrate();
    await store.transaction(async (tx) => {
      const s = openIngestSession(tx);
      await s.add(resources);
      await s.finish();
    });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves every view that comes out the same as it is', async () => {
    const before = await states();
    const report = await rerenderAll(store);
    expect(report.rendered).toBeGreaterThanOrEqual(resources.length);
    expect(await states()).toEqual(before);
  });

  it('replaces a view rendered by another reading of the policy, with a new version', async () => {
    const org = resources.find((r) => r.resourceType === 'Organization')!;
    const right = (await store.readView('Organization', org.id!, 0))!;
    expect(right.body).not.toBeNull();
    // a profile-0 view as an earlier release might have stored it: one datum too many
    const stale = JSON.stringify({ ...JSON.parse(right.body!), alias: ['STALE-LEAK'] });
    const resource = (await store.readResource('Organization', org.id!))!;
    await store.transaction((tx) => tx.write({ resource, resourceUnchanged: true, views: [{ profile: 0, version: right.version + 1, lastUpdated: right.lastUpdated + 1, hash: 'stale', body: stale }], index: null }));
    expect((await store.readView('Organization', org.id!, 0))!.body).toContain('STALE-LEAK');
    await rerenderAll(store);
    const again = (await store.readView('Organization', org.id!, 0))!;
    expect(again.body).not.toContain('STALE-LEAK');
    expect(again.version).toBe(right.version + 2);
    expect(JSON.parse(again.body!).name).toBe(JSON.parse(right.body!).name);
  });
});
