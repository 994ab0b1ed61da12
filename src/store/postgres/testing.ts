// Test support: the PostgreSQL test database (127.0.0.1:5432/test, trust auth; ROR_TEST_DATABASE_URL
// overrides it) and private schemas, so parallel test files never see each other's tables.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { redactedUrl } from './url.js';

export const TEST_DATABASE_URL = process.env.ROR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the test database answers; null if it does, else the reason. */
export async function probePostgres(url = TEST_DATABASE_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Decides whether PostgreSQL tests run. Unreachable: under CI this throws (the tests must never be skipped
 * silently there); elsewhere it prints why they are skipped and returns false.
 */
export async function postgresAvailable(url = TEST_DATABASE_URL): Promise<boolean> {
  const reason = await probePostgres(url);
  if (reason === null) return true;
  const message = `PostgreSQL not reachable at ${redactedUrl(url)} (${reason})`;
  if (process.env.CI) throw new Error(`${message}: CI requires the PostgreSQL store tests`);
  console.warn(`${message}: PostgreSQL store tests skipped`);
  return false;
}

/** Schemas created by this process, dropped by dropTestSchemas(). */
export class TestSchemas {
  private readonly created: string[] = [];

  constructor(private readonly url = TEST_DATABASE_URL, private readonly prefix = 'ror_test') {}

  /** A database URL whose tables live in a new, unique schema (created by the store's migrate). */
  next(): string {
    const name = `${this.prefix}_${randomBytes(6).toString('hex')}`;
    this.created.push(name);
    const u = new URL(this.url);
    u.searchParams.set('schema', name);
    return u.toString();
  }

  async dropAll(): Promise<void> {
    if (this.created.length === 0) return;
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      for (const name of this.created.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    } finally {
      await client.end();
    }
  }
}
