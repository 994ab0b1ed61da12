// `ror migrate`: applies the pending schema migrations (either store) and prints the schema version.
// Safe to run while servers are up and from several hosts at once (migrations take a lock).
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { isPostgresUrl, openStore } from '../store/open.js';
import { migrations } from '../store/sql/migrations.js';
import { postgresDialect, postgresSchemaVersion, redactedUrl } from '../store/postgres/index.js';
import { defaultDb } from './main.js';

function sqliteSchemaVersion(file: string): number | null {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    return row.v;
  } finally {
    db.close();
  }
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending schema migrations and print the schema version')
    .option('--db <file|url>', 'SQLite file or postgres:// URL (env ROR_DB, DATABASE_URL)', defaultDb())
    .action(async (o: { db: string }) => {
      if (o.db === ':memory:') throw new Error('migrate needs a database file or a postgres:// URL');
      const pg = isPostgresUrl(o.db);
      const before = pg ? await postgresSchemaVersion(o.db) : null;
      const store = await openStore(o.db);
      try {
        await store.migrate();
      } finally {
        await store.close();
      }
      const version = pg ? await postgresSchemaVersion(o.db) : sqliteSchemaVersion(o.db);
      const latest = Math.max(...migrations(postgresDialect).map((m) => m.version));
      const from = pg && before !== version ? ` (was ${before ?? 'empty'})` : '';
      process.stdout.write(`ror: ${pg ? redactedUrl(o.db) : o.db} schema version ${version}${from}; this release knows up to ${latest}\n`);
    });
}
