import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { change } from '../contract.fixtures.js';
import { openSqliteStore } from './store.js';
import { WalSync } from './wal-sync.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-walsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('shares one sync between the callers that arrive while one runs, and follows a replaced WAL file', async () => {
  const file = join(dir, 'w.sqlite');
  let db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x)');
  const sync = new WalSync(file);
  const first = sync.sync();
  const second = sync.sync();
  const third = sync.sync();
  expect(second).toBe(third); // both wait for the one sync after the running one
  expect(second).not.toBe(first);
  await Promise.all([first, second, third]);
  await sync.settled();

  // closing the last connection deletes the WAL; a new one is a new file that sync() must open
  db.close();
  db = new Database(file);
  db.exec('INSERT INTO t VALUES (1)');
  await sync.sync();
  expect((sync as unknown as { ino: number }).ino).toBe(statSync(`${file}-wal`).ino);
  sync.close();
  db.close();
});

it('answers concurrent transactions only once durable, in commit order, and closes cleanly', async () => {
  const store = await openSqliteStore(join(dir, 's.sqlite'));
  await store.migrate();
  const done: string[] = [];
  await Promise.all(
    ['a', 'b', 'c', 'd'].map((id) => store.transaction(async (tx) => tx.write(change({ type: 'Organization', id }))).then(() => done.push(id))),
  );
  expect(done).toEqual(['a', 'b', 'c', 'd']);
  const pending = store.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'e' })));
  await store.close(); // waits for the queued transaction and its sync
  await expect(pending).resolves.toBeUndefined();
  const db = new Database(join(dir, 's.sqlite'), { readonly: true });
  expect((db.prepare('SELECT COUNT(*) AS n FROM res').get() as { n: number }).n).toBe(5);
  db.close();
});

it('cuts the WAL file back to four checkpoint thresholds when a write starts it over after a burst', async () => {
  const file = join(dir, 'burst.sqlite');
  // the checkpoints are another connection's (as in a server): this store's commits never run one
  const store = await openSqliteStore(file, { walAutocheckpointPages: 100, externalCheckpoint: true });
  await store.migrate();
  const checkpointer = new Database(file);
  const limit = 4 * 100 * Number(checkpointer.pragma('page_size', { simple: true }));
  await store.transaction(async (tx) => {
    for (let i = 0; i < 10_000; i++) await tx.write(change({ type: 'Organization', id: `burst-${i}` }));
  });
  expect(statSync(`${file}-wal`).size).toBeGreaterThan(2 * limit);
  expect(checkpointer.pragma('wal_checkpoint(PASSIVE)')).toEqual([expect.objectContaining({ busy: 0 })]);
  checkpointer.close();
  // the next write starts the WAL over: the file shrinks back to the limit
  await store.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'after' })));
  expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(limit);
  await store.close();
});
