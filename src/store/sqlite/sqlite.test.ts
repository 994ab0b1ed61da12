import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { change, runStoreContract } from '../contract.suite.js';
import { openStore } from '../open.js';
import { openSqliteStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-sqlite-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStoreContract('sqlite file', () => openSqliteStore(join(dir, `db-${++n}.sqlite`)));
runStoreContract('sqlite :memory:', () => openStore(':memory:'));

describe('sqlite specifics', () => {
  it('stores identical view bodies once', async () => {
    const file = join(dir, 'dedupe.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.transaction(async (tx) => {
      await tx.write(change({ type: 'Organization', id: 'a' }));
      await tx.write(change({ type: 'Organization', id: 'b', profiles: [1, 2] }));
    });
    await store.close();
    const db = new Database(file, { readonly: true });
    const bodies = db.prepare('SELECT COUNT(*) AS n FROM bodies').get() as { n: number };
    const views = db.prepare('SELECT COUNT(*) AS n FROM views WHERE bid IS NOT NULL').get() as { n: number };
    db.close();
    expect(views.n).toBe(8);
    expect(bodies.n).toBe(2);
  });

  it('uses WAL and synchronous=FULL by default', async () => {
    const file = join(dir, 'pragmas.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('openStore refuses postgres URLs clearly when the adapter is missing', async () => {
    await expect(openStore('postgres://localhost/x')).rejects.toThrow(/PostgreSQL store/);
  });
});
