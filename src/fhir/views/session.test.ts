// The write session writes each new resource once, with its views; versions within one session must still
// all reach the history, and a deletion after an addition in the same session must win.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/contract.js';
import { openSqliteStore } from '../../store/sqlite/index.js';
import { openIngestSession } from '../ingest.js';

const org = (id: string, name: string) => ({ resourceType: 'Organization', id, name });

describe('ingest session', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    await store.migrate();
  });
  afterEach(async () => store.close());

  it('keeps every version of a resource added twice in one session', async () => {
    const stats = await store.transaction(async (tx) => {
      const s = openIngestSession(tx, () => 1000);
      await s.add([org('a', 'first')]);
      await s.add([org('a', 'second'), org('b', 'other')]);
      return s.finish();
    });
    expect(stats).toEqual({ created: 2, updated: 1, unchanged: 0, deleted: 0 });
    const history = await store.resourceHistory('Organization', 'a', { count: 10 });
    expect(history.map((h) => [h.version, JSON.parse(h.body!).name])).toEqual([[2, 'second'], [1, 'first']]);
    const view = await store.readView('Organization', 'a', 1);
    expect(JSON.parse(view!.body!).name).toBe('second');
    expect(view!.version).toBe(1);
  });

  it('a deletion after an addition in the same session leaves no view', async () => {
    await store.transaction(async (tx) => {
      const s = openIngestSession(tx, () => 1000);
      await s.add([org('a', 'first')]);
      await s.add([{ delete: { type: 'Organization', id: 'a' } }]);
      await s.finish();
    });
    expect((await store.readResource('Organization', 'a'))?.body).toBeNull();
    expect((await store.resourceHistory('Organization', 'a', { count: 10 })).map((h) => h.version)).toEqual([2, 1]);
    for (let p = 0; p < 6; p++) expect((await store.readView('Organization', 'a', p))?.body ?? null).toBeNull();
  });

  it('re-rendering an unchanged resource does not rewrite it', async () => {
    await store.transaction(async (tx) => {
      const s = openIngestSession(tx, () => 1000);
      await s.add([org('parent', 'p')]);
      await s.finish();
    });
    // a child makes the parent a dependant: re-rendered, but its own row and history stay as they were
    await store.transaction(async (tx) => {
      const s = openIngestSession(tx, () => 2000);
      await s.add([{ ...org('child', 'c'), partOf: { reference: 'Organization/parent' } }]);
      await s.finish();
    });
    const parent = await store.readResource('Organization', 'parent');
    expect([parent?.version, parent?.lastUpdated]).toEqual([1, 1000]);
    expect((await store.resourceHistory('Organization', 'parent', { count: 10 })).length).toBe(1);
    expect((await store.readResource('Organization', 'child'))?.version).toBe(1);
  });

  it('answers the watched resource\'s written views as stored, and reuses what the caller has read', async () => {
    await store.transaction(async (tx) => {
      const s = openIngestSession(tx, () => 1000);
      await s.add([org('a', 'first')]);
      await s.finish();
    });
    const seen = await store.transaction(async (tx) => {
      const stored = await tx.readResource('Organization', 'a');
      const s = openIngestSession(tx, () => 2000, { current: [stored!], watch: { type: 'Organization', id: 'a' } });
      await s.add([org('a', 'first')]); // identical: nothing written
      await s.add([org('a', 'second')]);
      const stats = await s.finish();
      const written = [0, 1, 2, 3, 4, 5].map((p) => s.writtenView('Organization', 'a', p));
      const stateInTx = await Promise.all([0, 1, 2, 3, 4, 5].map((p) => tx.readView('Organization', 'a', p)));
      return { stats, written, stateInTx };
    });
    expect(seen.stats).toEqual({ created: 0, updated: 1, unchanged: 1, deleted: 0 });
    for (let p = 0; p < 6; p++) {
      if (seen.written[p]) expect(seen.written[p]).toEqual(seen.stateInTx[p]);
    }
    expect(seen.written[1]).toBeDefined();
    expect(JSON.parse(seen.written[1]!.body!).name).toBe('second');
    expect((await store.readResource('Organization', 'a'))?.version).toBe(2);
  });
});
