// Connection settings from a postgres:// URL. Besides libpq's own parameters, `schema=<name>` selects the
// schema that holds the directory's tables (created by migrate), so one database can host several
// directories or test runs; `pool=<n>` sizes the connection pool of one process.
import type pg from 'pg';
import { pgTypes } from './connection.js';

export interface PostgresSettings {
  config: pg.PoolConfig;
  /** Schema of the tables, or null for the server's default search_path. */
  schema: string | null;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const DEFAULT_POOL = 10;

export function postgresSettings(url: string): PostgresSettings {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  const pool = u.searchParams.get('pool');
  u.searchParams.delete('schema');
  u.searchParams.delete('pool');
  // libpq would default to the OS user name; without one (containers), the usual superuser name
  if (!u.username && !process.env.PGUSER && !process.env.USER) u.username = 'postgres';
  if (schema !== null && !IDENTIFIER.test(schema)) throw new Error(`invalid schema name '${schema}' in the database URL`);
  const max = pool === null ? DEFAULT_POOL : Number(pool);
  if (!Number.isInteger(max) || max < 1) throw new Error(`invalid pool size '${pool}' in the database URL`);
  const config: pg.PoolConfig = {
    connectionString: u.toString(),
    max,
    types: pgTypes as pg.CustomTypesConfig,
    application_name: 'ror',
  };
  // lz4 compresses the JSON bodies several times faster than the default pglz (PostgreSQL ≥ 14)
  const options = ['-c default_toast_compression=lz4'];
  if (schema) options.push(`-c search_path=${schema}`);
  config.options = options.join(' ');
  return { config, schema };
}

/** The URL with its password hidden, for messages. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
