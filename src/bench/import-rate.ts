// Import rate: the NDJSON file of the dataset loaded into a fresh database with the real loader
// (validation, views, index: everything), against the least any loader must do with the same lines:
// parse each one and insert it as a raw (id, text) row, in one transaction, into a bare SQLite table.

import { createReadStream, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { openStore } from '../store/open.js';
import { bulkLoadCacheMiB } from '../store/sqlite/index.js';
import { loadFile } from '../fhir/load.js';
import type { Store } from '../store/contract.js';

export interface ImportRate {
  resources: number;
  seconds: number;
  perSecond: number;
}

const rate = (resources: number, startedNs: bigint): ImportRate => {
  const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
  return { resources, seconds, perSecond: resources / seconds };
};

export function removeSqliteFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '.token-key']) rmSync(file + suffix, { force: true });
}

/** The real loader into an opened, migrated, empty store. */
export async function timeLoad(store: Store, ndjson: string): Promise<ImportRate> {
  const started = process.hrtime.bigint();
  const report = await loadFile(store, ndjson);
  return rate(report.resources, started);
}

/** The real loader into a fresh SQLite file (removed afterwards). */
export async function importIntoFreshSqlite(ndjson: string, dbFile: string): Promise<ImportRate> {
  removeSqliteFiles(dbFile);
  const store = await openStore(dbFile, { cacheMiB: bulkLoadCacheMiB() }); // as `ror import` does
  try {
    await store.migrate();
    return await timeLoad(store, ndjson);
  } finally {
    await store.close();
    removeSqliteFiles(dbFile);
  }
}

/** The baseline: raw rows in a bare better-sqlite3 table (WAL, like the store), one transaction. */
export async function rawInsert(ndjson: string, dbFile: string): Promise<ImportRate> {
  removeSqliteFiles(dbFile);
  const db = new Database(dbFile);
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT OR REPLACE INTO raw (id, body) VALUES (?, ?)');
    const started = process.hrtime.bigint();
    let n = 0;
    db.exec('BEGIN');
    try {
      for await (const line of createInterface({ input: createReadStream(ndjson), crlfDelay: Infinity })) {
        if (!line) continue;
        const r = JSON.parse(line) as { resourceType: string; id: string };
        insert.run(`${r.resourceType}/${r.id}`, line);
        n++;
      }
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
    return rate(n, started);
  } finally {
    db.close();
    removeSqliteFiles(dbFile);
  }
}
