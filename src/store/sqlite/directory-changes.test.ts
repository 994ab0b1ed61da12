// The caches across transactions are kept through the audit writer's commits (batches of read events),
// and forgotten at any other commit that changes a resource or a view, even after a rolled back write.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { change } from '../contract.fixtures.js';
import type { AuditRecord, Store } from '../contract.js';
import { SqlReader } from '../sql/reader.js';
import { DirectoryChanges } from './directory-changes.js';
import { openSqliteStore } from './store.js';
import { ViewRefCache } from './view-refs.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-directory-changes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const readEvent = (id: string): AuditRecord => ({ recorded: Date.now(), clientId: 'reader', action: 'R', interaction: 'read', outcome: 0, entities: [{ type: 'Location', id }], body: { id } });
const token = (store: Store) => store.transaction(async (tx) => tx.changeToken!());

interface Opened {
  store: Store;
  /** A second store on the same file (another process, the server's other store). */
  other: Store;
  /** A plain connection to the file, closed with the stores. */
  connect: (options?: Database.Options) => Database.Database;
}

/** Runs `test` on a new migrated database, then closes every connection it opened. */
async function withStores(test: (o: Opened) => Promise<void>): Promise<void> {
  const file = join(dir, `db-${++n}.sqlite`);
  const store = await openSqliteStore(file);
  await store.migrate();
  const other = await openSqliteStore(file);
  const plain: Database.Database[] = [];
  const connect = (options?: Database.Options) => {
    const db = new Database(file, options);
    plain.push(db);
    return db;
  };
  try {
    await test({ store, other, connect });
  } finally {
    for (const db of plain) if (db.open) db.close();
    await other.close();
    await store.close();
  }
}

describe('directory changes', () => {
  it('a batch of the audit of reads changes no token and forgets no remembered read', () => withStores(async ({ store, other }) => {
    await store.transaction(async (tx) => tx.write(change({ type: 'Location', id: 'a' })));
    await store.transaction(async (tx) => tx.readViewStates('Location', 'a'));
    const before = await token(store);
    // the audit writer thread (a connection of its own) commits a batch
    await store.appendAudit!([readEvent('a')]);
    await other.appendAudit!([readEvent('a')]);
    const reads = vi.spyOn(SqlReader.prototype, 'readViewStates');
    try {
      await store.transaction(async (tx) => tx.readViewStates('Location', 'a'));
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    expect(await token(store)).toBe(before);
    expect((await store.searchAudit!({ count: 10 })).length).toBe(2);
  }));

  it('another connection\'s change of a resource or of a view changes the token, whoever writes it', () => withStores(async ({ store, other, connect }) => {
    const raw = connect();
    const t0 = await token(store);
    await store.transaction(async (tx) => tx.write(change({ type: 'Location', id: 'a' }))); // own: no change
    expect(await token(store)).toBe(t0);
    await other.transaction(async (tx) => tx.write(change({ type: 'Location', id: 'b' })));
    const t1 = await token(store);
    expect(t1).not.toBe(t0);
    // a process that does not know the counter (an older release): the triggers count its changes
    raw.prepare('UPDATE views SET version = version + 1 WHERE profile = 1').run();
    const t2 = await token(store);
    expect(t2).not.toBe(t1);
    raw.prepare("UPDATE res SET version = version + 1 WHERE id = 'b'").run();
    expect(await token(store)).not.toBe(t2);
  }));

  it('a rolled back write of this connection leaves the next change of another one seen', () => withStores(async ({ store, other, connect }) => {
    const raw = connect();
    await expect(store.transaction(async (tx) => {
      await tx.write(change({ type: 'Location', id: 'a' }));
      throw new Error('refused');
    })).rejects.toThrow('refused');
    const t1 = await token(store);
    await other.transaction(async (tx) => tx.write(change({ type: 'Location', id: 'b' })));
    expect(await token(store)).not.toBe(t1);
    // rolled back after its count was read for COMMIT (a COMMIT that failed): that count never happened
    const changes = new DirectoryChanges(raw);
    changes.current();
    raw.exec('BEGIN IMMEDIATE');
    raw.exec('UPDATE views SET version = version + 1 WHERE profile = 1 AND rid = (SELECT min(rid) FROM views)'); // one row
    changes.committing();
    raw.exec('ROLLBACK');
    changes.rolledBack();
    const t2 = changes.current();
    // exactly one change (one row): the count it brings equals the one that was rolled back
    const another = connect();
    another.prepare("UPDATE res SET version = version + 1 WHERE id = 'b'").run();
    another.close();
    expect(changes.current()).not.toBe(t2);
  }));

  it('the read connection\'s view references outlive audit commits, not directory changes', () => withStores(async ({ store, other, connect }) => {
    const db = connect({ readonly: true });
    await store.transaction(async (tx) => tx.write(change({ type: 'Location', id: 'a' })));
    const refs = new ViewRefCache(db);
    const lookup = vi.fn(() => ({ version: 1, last_updated: 0, bid: 1 }));
    refs.get(1, 'Location', 'a', lookup);
    await other.appendAudit!([readEvent('a')]);
    refs.get(1, 'Location', 'a', lookup);
    expect(lookup).toHaveBeenCalledTimes(1);
    await other.transaction(async (tx) => tx.write(change({ type: 'Location', id: 'a', version: 2 })));
    refs.get(1, 'Location', 'a', lookup);
    expect(lookup).toHaveBeenCalledTimes(2);
  }));

  it('before the migration that counts changes, any other commit is a change', async () => {
    const file = join(dir, `db-${++n}.sqlite`);
    const writer = new Database(file);
    writer.exec('CREATE TABLE t (x)');
    const reader = new Database(file, { readonly: true });
    const changes = new DirectoryChanges(reader);
    const t0 = changes.current();
    expect(changes.current()).toBe(t0);
    writer.exec('INSERT INTO t VALUES (1)');
    expect(changes.current()).not.toBe(t0);
    reader.close();
    writer.close();
  });
});
