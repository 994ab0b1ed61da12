import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { change } from '../../store/contract.fixtures.js';
import { openSqliteStore } from '../../store/sqlite/index.js';
import { GroupCommitter } from './group-commit.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-group-commit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('commits concurrent jobs in groups, in order, and isolates a job that fails after writing', async () => {
  const store = await openSqliteStore(join(dir, 'g.sqlite'));
  await store.migrate();
  const committer = new GroupCommitter(store, 4);
  const transactions: number[] = []; // transactions that ran a job
  const original = store.transaction.bind(store);
  let t = 0;
  store.transaction = (fn) => {
    const n = ++t;
    return original((tx) => {
      transactions.push(n);
      return fn(tx);
    });
  };
  const ids = Array.from({ length: 10 }, (_, i) => `o${i}`);
  const order: string[] = [];
  const jobs = ids.map((id) =>
    committer.run(async (tx) => {
      // each job sees the writes of the jobs before it
      const before = await tx.readResources(ids.map((x) => ({ type: 'Organization', id: x })));
      order.push(`${id}:${before.length}`);
      await tx.write(change({ type: 'Organization', id }));
      if (id === 'o5') throw new Error('half-applied');
      return id;
    }),
  );
  const results = await Promise.allSettled(jobs);
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual(ids.map((id) => (id === 'o5' ? 'rejected' : id)));
  const stored = await store.readResources(ids.map((id) => ({ type: 'Organization', id })));
  expect(stored.map((s) => s.id).sort()).toEqual(ids.filter((id) => id !== 'o5'));
  // fewer transactions than jobs: groups of up to 4 (the failed group is re-run one job at a time)
  expect(t).toBeLessThan(ids.length);
  expect(order[0]).toBe('o0:0');
  expect(order[1]).toBe('o1:1');
  await store.close();
});
