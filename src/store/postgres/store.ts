// The PostgreSQL adapter. Reads run on a pool (READ COMMITTED: every read sees every transaction committed
// before it started, whichever process committed it, so there is no cache to invalidate). A search reads
// its rows and its total in ONE statement, hence from one snapshot.
//
// Writes: one dedicated connection per transaction, BEGIN … COMMIT, and the first statement takes a
// transaction-scoped advisory lock (per schema). Writers are therefore serialised across every process
// on the database, exactly like SQLite's single writer: the FHIR layer's read-modify-write (current
// version, view states, then write) can never interleave with another writer's, so no update is lost and
// no transaction has to be retried. Write volume of a directory is small (capacity updates); bulk imports
// hold the lock per chunk, which bounds how long another writer waits.
import pg from 'pg';
import type { Store, StoreTx } from '../contract.js';
import type { SearchQuery, SearchResult } from '../query.js';
import type { CompiledSearch } from '../sql/compile-search.js';
import { applyMigrations } from '../sql/migrate.js';
import { migrations } from '../sql/migrations.js';
import { SqlAudit } from '../sql/audit.js';
import { ParamCatalog } from '../sql/param-catalog.js';
import { WriteQueue } from '../sql/write-queue.js';
import { delegateReads, searchResult, SqlReader, type SearchRow } from '../sql/reader.js';
import { PgQueryable, pgQuery } from './connection.js';
import { postgresDialect } from './dialect.js';
import { PgTransaction } from './transaction.js';
import { postgresSettings, redactedUrl } from './url.js';

/** Lock keys are per search_path, so directories in different schemas do not wait for each other. */
const WRITER_LOCK = `SELECT pg_advisory_xact_lock(hashtext('ror.writer:' || current_setting('search_path')))`;
const MIGRATE_LOCK = `SELECT pg_advisory_lock(hashtext('ror.migrate:' || current_setting('search_path')))`;
const MIGRATE_UNLOCK = `SELECT pg_advisory_unlock(hashtext('ror.migrate:' || current_setting('search_path')))`;

async function checkReplicaSchema(client: pg.PoolClient): Promise<void> {
  const latest = Math.max(...migrations(postgresDialect).map((m) => m.version));
  const exists = (await client.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS e`)).rows[0].e;
  const version = exists ? (await client.query('SELECT MAX(version)::int AS v FROM schema_migrations')).rows[0].v : null;
  if (version === null || version < latest) {
    throw new Error(`this database is a read replica at schema version ${version ?? 'none'}; run ror migrate on the primary first (this release needs ${latest})`);
  }
}

/** A transaction writing this many resources may have changed the data's shape (an import). */
const ANALYZE_MIN_WRITES = 1000;
const ANALYZED_TABLES = ['res', 'resource_history', 'bodies', 'views', 'view_history', 'search_params',
  'idx_token', 'idx_string', 'idx_uri', 'idx_number', 'idx_date', 'idx_quantity', 'idx_reference', 'idx_geo'];

/**
 * Planner statistics after a bulk write that grew the directory by more than 10%: the searches of the
 * servers that start right after an import must not be planned on an empty-table estimate, and
 * autovacuum may analyze only a minute later (or be off).
 */
async function analyzeAfterBulk(client: pg.PoolClient, written: number): Promise<void> {
  const { rows } = await client.query(`SELECT GREATEST(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = to_regclass('res')`);
  const before = rows.length ? Number(rows[0].n) : 0;
  if (written > 0.1 * before) await client.query(`ANALYZE ${ANALYZED_TABLES.join(', ')}`);
}

/** Rows and total of a search in one statement: the total drives a lateral join on the page. */
function combinedSearch(compiled: CompiledSearch, query: SearchQuery): { text: string; args: unknown[] } {
  const order = [
    ...query.sort.flatMap((s, i) => [`(s.s${i} IS NULL)`, `s.s${i} ${s.descending ? 'DESC' : 'ASC'}`]),
    's.id ASC',
  ].join(', ');
  const total = compiled.total!;
  return {
    text: `SELECT s.*, t.n AS ror_total FROM (${total.text}) t LEFT JOIN LATERAL (${compiled.select.text}) s ON TRUE ORDER BY ${order}`,
    args: [...total.args, ...compiled.select.args],
  };
}

class PoolReader extends SqlReader {
  constructor(private readonly pool: pg.Pool, params: ParamCatalog) {
    super(new PgQueryable(pool), postgresDialect, params, false);
  }

  protected override async runSearch(compiled: CompiledSearch, query: SearchQuery): Promise<SearchResult> {
    if (!compiled.total) return searchResult(compiled, query, await pgQuery<SearchRow>(this.pool, compiled.select.text, compiled.select.args), undefined);
    const { text, args } = combinedSearch(compiled, query);
    const rows = await pgQuery<SearchRow & { ror_total: number }>(this.pool, text, args);
    const n = rows.length ? Number(rows[0].ror_total) : 0;
    return searchResult(compiled, query, rows.filter((r) => r.id !== null), { n });
  }
}

export async function openPostgresStore(url: string): Promise<Store> {
  const { config, schema } = postgresSettings(url);
  const pool = new pg.Pool(config);
  // an idle connection dropped by the server must not crash the process; the next query reconnects
  pool.on('error', () => undefined);
  try {
    (await pool.connect()).release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new Error(`PostgreSQL store: cannot connect to ${redactedUrl(url)}: ${(e as Error).message}`);
  }
  const params = new ParamCatalog();
  const reader = new PoolReader(pool, params);
  const audit = new SqlAudit(postgresDialect);
  // Local queue first: a process holds at most one connection waiting for the writer lock.
  const writes = new WriteQueue();
  const serialise = <T>(fn: () => Promise<T>): Promise<T> => writes.run(fn);

  // TransactionOptions.bulk changes nothing here: indexes are maintained as rows come (bulk statements
  // per 2,000 resources) and statistics refreshed after a bulk write (analyzeAfterBulk)
  async function transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return serialise(async () => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(`BEGIN; ${WRITER_LOCK}`);
        params.begin();
        const tx = new PgTransaction(client, params);
        try {
          const result = await fn(tx);
          await tx.flush();
          tx.end();
          await client.query('COMMIT');
          params.commit();
          // committed: a failure of this optional step must not report the transaction as failed
          if (tx.flushedWrites >= ANALYZE_MIN_WRITES) await analyzeAfterBulk(client, tx.flushedWrites).catch(() => undefined);
          return result;
        } catch (e) {
          tx.end();
          params.rollback();
          await client.query('ROLLBACK').catch((err: Error) => (broken = err));
          throw e;
        }
      } finally {
        client.release(broken);
      }
    });
  }

  async function migrate(): Promise<void> {
    await serialise(async () => {
      const client = await pool.connect();
      try {
        // a read replica cannot (and need not) migrate: it must already have this release's schema
        if ((await client.query('SELECT pg_is_in_recovery() AS r')).rows[0].r) return await checkReplicaSchema(client);
        await client.query(MIGRATE_LOCK);
        try {
          if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
          await applyMigrations(new PgQueryable(client), postgresDialect, 'BEGIN');
        } finally {
          await client.query(MIGRATE_UNLOCK);
        }
      } finally {
        client.release();
      }
    });
  }

  return {
    kind: 'postgres',
    migrate,
    transaction,
    async close() {
      if (!(await writes.close())) return; // refuses new transactions, lets the queued ones finish
      await pool.end();
    },
    ...delegateReads(reader),
    searchAudit: (q) => audit.search(new PgQueryable(pool), q),
  };
}
