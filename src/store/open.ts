// Chooses the store adapter from a URL: postgres:// or postgresql:// → PostgreSQL, anything else is a
// SQLite file path (':memory:' = a private temporary database).
import type { Store } from './contract.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';

/** Whether a database address names PostgreSQL (anything else is a SQLite file). */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

/** `sqlite`: options of the embedded store (a server passes backgroundCheckpoint). */
export async function openStore(url: string, sqlite: SqliteStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(url)) {
    let mod: { openPostgresStore?: (url: string) => Promise<Store> };
    try {
      mod = await import('./postgres/index.js' as string);
    } catch (e) {
      throw new Error(`PostgreSQL store unavailable (src/store/postgres/index.js): ${(e as Error).message}`);
    }
    if (typeof mod.openPostgresStore !== 'function') throw new Error('src/store/postgres/index.js does not export openPostgresStore(url)');
    return mod.openPostgresStore(url);
  }
  return openSqliteStore(url, sqlite);
}
