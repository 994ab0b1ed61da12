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
  const committer = new GroupCommitter(store, { maxBatch: 4 });
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

it('serves the event loop between the jobs of a group, and closes a group once its time budget is spent', async () => {
  const store = await openSqliteStore(join(dir, 'budget.sqlite'));
  await store.migrate();
  let transactions = 0;
  const original = store.transaction.bind(store);
  store.transaction = (fn) => original((tx) => {
    transactions++;
    return fn(tx);
  });
  const ran: string[] = [];
  const submit = (committer: GroupCommitter, prefix: string) =>
    Array.from({ length: 5 }, (_, i) => committer.run(async (tx) => {
      if (i === 0) setImmediate(() => ran.push('event loop'));
      ran.push(`${prefix}${i}`);
      await tx.write(change({ type: 'Organization', id: `${prefix}${i}` }));
    }));

  await Promise.all(submit(new GroupCommitter(store, { budgetMs: 60_000 }), 'a'));
  expect(transactions).toBe(1);
  expect(ran.indexOf('event loop')).toBeGreaterThan(0);
  expect(ran.indexOf('event loop')).toBeLessThan(ran.indexOf('a4'));

  transactions = 0;
  await Promise.all(submit(new GroupCommitter(store, { budgetMs: 0 }), 'b'));
  expect(transactions).toBe(5); // a spent budget: one job per group
  await store.close();
});

it('answers every job when a group transaction fails before running any', async () => {
  const store = await openSqliteStore(join(dir, 'begin.sqlite'));
  await store.migrate();
  const original = store.transaction.bind(store);
  let failures = 2; // the group, then the first job alone
  store.transaction = (fn) => (failures-- > 0 ? Promise.reject(new Error('no lock')) : original(fn));
  const committer = new GroupCommitter(store);
  const results = await Promise.allSettled(['x', 'y'].map((id) => committer.run(async (tx) => {
    await tx.write(change({ type: 'Organization', id }));
    return id;
  })));
  expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
  expect((await store.readResources([{ type: 'Organization', id: 'y' }])).map((r) => r.id)).toEqual(['y']);
  await store.close();
});
