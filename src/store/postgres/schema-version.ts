// The schema version recorded in a PostgreSQL database (for `ror migrate`), or null before any migration.
import pg from 'pg';
import { postgresSettings } from './url.js';

export async function postgresSchemaVersion(url: string): Promise<number | null> {
  const client = new pg.Client(postgresSettings(url).config);
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS e`);
    if (!exists.rows[0].e) return null;
    const { rows } = await client.query('SELECT MAX(version)::int AS v FROM schema_migrations');
    return rows[0].v ?? null;
  } finally {
    await client.end();
  }
}
