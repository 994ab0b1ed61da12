// The embedded adapter: one SQLite file in WAL mode, one write connection (transactions serialised by a
// promise queue, BEGIN IMMEDIATE … COMMIT) and one read-only connection for reads outside transactions,
// which therefore never see uncommitted data. The batched audit of reads is appended by a thread of its
// own (audit-writer.ts), off the event loop. synchronous FULL by default: a committed write survives a
// crash or power loss (the WAL is fdatasync'ed off the event loop after COMMIT, see wal-sync.ts).
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { AuditBatcher, AuditRecord, Store, StoreTx, TransactionOptions } from '../contract.js';
import { applyMigrations } from '../sql/migrate.js';
import { ParamCatalog } from '../sql/param-catalog.js';
import { WriteQueue } from '../sql/write-queue.js';
import { delegateReads } from '../sql/reader.js';
import { SnapshotReader } from './snapshot-reader.js';
import { SqlAudit } from '../sql/audit.js';
import { SqlTransaction } from '../sql/transaction.js';
import { DirectoryChanges } from './directory-changes.js';
import { TxReadCache } from '../sql/tx-read-cache.js';
import { appendAuditRecords } from './audit.js';
import { AuditWriter } from './audit-writer.js';
import { AuditWireBuilder, type AuditWireBatch } from './audit-wire.js';
import { SqliteConnection } from './connection.js';
import { sqliteDialect } from './dialect.js';
import { seedPlannerStats } from './planner-stats.js';
import { WalSync } from './wal-sync.js';
import { deferValueIndexes } from './deferred-indexes.js';
import { PartIds } from '../sql/body-parts.js';

export interface SqliteStoreOptions {
  /** FULL (default): fsync at every commit. NORMAL: a power loss may lose the last commits (never corrupts). */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a connection waits for a lock held by another process. Default 5 s. */
  busyTimeoutMs?: number;
  /** Page cache per connection in MiB. Default 64. */
  cacheMiB?: number;
  /** WAL size (pages of 4 KiB) that triggers a checkpoint. Default DEFAULT_WAL_CHECKPOINT_PAGES (~40 MiB):
   * fewer, larger checkpoints write each hot index page once instead of once per small checkpoint. */
  walAutocheckpointPages?: number;
  /** Memory for the most recently served view bodies, MiB (default 64; 0: none). */
  bodyCacheMiB?: number;
  /** A server's store: WAL checkpoints run on the audit writer thread instead of inside the COMMIT of
   * whichever write crosses the threshold (copying ~40 MB there stalls the event loop). Default false:
   * short-lived commands keep SQLite's automatic checkpoints. */
  backgroundCheckpoint?: boolean;
  /** Another store of this process runs the checkpoints (its backgroundCheckpoint): this one's commits
   * never checkpoint, and it starts no checkpoint thread of its own. The server's write thread. */
  externalCheckpoint?: boolean;
}

/**
 * Page cache for a bulk load (`ror import`, `ror demo`), MiB: an eighth of the machine's memory, between
 * 64 MiB and 4 GiB. A national import writes into index B-trees of gigabytes in random order: with the
 * default 64 MiB nearly every insert missed the cache (1,445 resources/s; with 3 GiB, 1,766/s). The cache
 * grows only as pages are used, so a small load takes no more.
 */
export function bulkLoadCacheMiB(totalBytes = totalmem()): number {
  return Math.max(64, Math.min(4096, Math.floor(totalBytes / 8 / 1024 / 1024)));
}

function configure(db: Database.Database, opts: SqliteStoreOptions): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
  db.pragma(`cache_size = -${Math.max(1, Math.floor(opts.cacheMiB ?? 64)) * 1024}`);
  db.pragma('temp_store = MEMORY');
}

/** The WAL's frames not yet in the database file that trigger a checkpoint, by default. */
export const DEFAULT_WAL_CHECKPOINT_PAGES = 10000;

/** The WAL file kept after a restart, in checkpoint thresholds. */
const WAL_KEPT_THRESHOLDS = 4;

/** Longest wait between two attempts to take the write lock. */
const BEGIN_RETRY_MAX_MS = 4;

export async function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): Promise<Store> {
  // An in-memory database cannot be shared by two connections: use a private temporary file instead.
  const temporary = file === ':memory:' ? join(tmpdir(), `ror-store-${randomUUID()}.sqlite`) : null;
  const path = temporary ?? file;
  const writeDb = new Database(path);
  configure(writeDb, opts);
  const busyTimeoutMs = Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000));
  writeDb.pragma('journal_mode = WAL');
  // FULL is NORMAL plus an fdatasync of the WAL after each COMMIT, done off the event loop by WalSync
  writeDb.pragma('synchronous = NORMAL');
  const walSync = opts.synchronous === 'NORMAL' ? null : new WalSync(path);
  writeDb.pragma('foreign_keys = OFF');
  const walAutocheckpointPages = Math.max(100, Math.floor(opts.walAutocheckpointPages ?? DEFAULT_WAL_CHECKPOINT_PAGES));
  writeDb.pragma(`wal_autocheckpoint = ${opts.backgroundCheckpoint || opts.externalCheckpoint ? 0 : walAutocheckpointPages}`);
  // SQLite reuses a WAL file without ever shrinking it: after a burst of writes (an import, a load the
  // checkpoints could not catch up with) it would stay that large. The writer that starts the WAL over
  // cuts it back to a few times the checkpoint threshold: not to the threshold itself, which a steady
  // capacity load passes between two restarts (the file would be cut and extended again each time, and
  // the syncs of an extended file also write its size).
  writeDb.pragma(`journal_size_limit = ${WAL_KEPT_THRESHOLDS * walAutocheckpointPages * Number(writeDb.pragma('page_size', { simple: true }))}`);
  // Another process (a --workers sibling) may hold the write lock: better-sqlite3 would wait for it
  // synchronously, freezing this process's event loop. From now on (the set-up above may wait), fail at
  // once instead and retry asynchronously (beginImmediate).
  writeDb.pragma('busy_timeout = 0');
  const readDb = new Database(path, { readonly: true });
  configure(readDb, opts);

  const params = new ParamCatalog();
  const writeConn = new SqliteConnection(writeDb);
  const readConn = new SqliteConnection(readDb);
  const reader = new SnapshotReader(readConn, params, Math.max(0, opts.bodyCacheMiB ?? 64) * 1024 * 1024);
  const audit = new SqlAudit(sqliteDialect);
  const auditWriter = new AuditWriter({ path, busyTimeoutMs, walAutocheckpointPages, checkpointEveryMs: opts.backgroundCheckpoint ? 250 : 0 });
  const writes = new WriteQueue();
  // changes when another connection (the server's other store, a sibling process) commits a change to the
  // directory; the audit thread's appends apart
  const changes = new DirectoryChanges(writeDb);
  const changeToken = () => changes.current();
  const serialise = <T>(fn: () => Promise<T>): Promise<T> => writes.run(fn);
  // what the transactions read, remembered between them while no other connection commits
  const readCache = new TxReadCache();
  // the body parts this connection stored (sql/body-parts.ts), remembered between transactions
  const partIds = new PartIds();

  /** BEGIN IMMEDIATE, waiting asynchronously while another connection writes (the audit thread appends a
   * batch in milliseconds): retried every few milliseconds, since a longer back-off would keep a capacity
   * PATCH waiting well after the lock is free, and an attempt costs microseconds. */
  async function beginImmediate(): Promise<void> {
    const deadline = Date.now() + busyTimeoutMs;
    for (let delay = 1; ; delay = Math.min(delay * 2, BEGIN_RETRY_MAX_MS)) {
      try {
        writeDb.exec('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw e;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  async function transaction<T>(fn: (tx: StoreTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const result = await serialise(async () => {
      await beginImmediate();
      params.begin();
      // holding the write lock, nobody else can commit before this transaction ends
      // (a bulk load reads and writes each resource once: it neither uses nor keeps the cache)
      if (options.bulk) readCache.rollback();
      else readCache.begin(changeToken());
      // the transaction's audit events are appended together just before COMMIT: a group commit of many
      // PATCHes appends their events in one go instead of three statements each
      const audit: AuditRecord[] = [];
      const tx = new SqlTransaction(writeConn, sqliteDialect, params, async (_q, records) => void audit.push(...records), { sequentialBodyIds: true, parts: partIds }, changeToken,
        options.bulk ? undefined : readCache);
      try {
        const rebuildIndexes = options.bulk ? deferValueIndexes(writeDb) : null;
        const value = await fn(tx);
        tx.end();
        if (audit.length) appendAuditRecords(writeConn, audit);
        rebuildIndexes?.();
        changes.committing();
        writeDb.exec('COMMIT');
        params.commit();
        partIds.commit();
        return value;
      } catch (e) {
        tx.end();
        if (writeDb.inTransaction) writeDb.exec('ROLLBACK');
        changes.rolledBack();
        params.rollback();
        partIds.rollback();
        readCache.rollback();
        throw e;
      }
    });
    // Resolves once durable. The next writer does not wait for the disk: its commit comes later in the
    // WAL, so it can only be durable after this one (and it is acknowledged after its own sync).
    if (walSync) await walSync.sync();
    return result;
  }

  const store: Store = {
    kind: 'sqlite',
    migrate: () => serialise(async () => {
      // start-up only: waiting synchronously for a sibling process's lock is fine here
      writeDb.pragma(`busy_timeout = ${busyTimeoutMs}`);
      try {
        await applyMigrations(writeConn, sqliteDialect, 'BEGIN IMMEDIATE');
      } finally {
        writeDb.pragma('busy_timeout = 0');
      }
      // creating sqlite_stat1 changes the schema: the read connection reloads it, stats included
      seedPlannerStats(writeDb);
    }),
    transaction,
    async close() {
      if (!(await writes.close())) return; // refuses new transactions, lets the queued ones finish
      await auditWriter.close();
      await walSync?.settled();
      try {
        // best effort (refreshes planner statistics): a sibling process holding the write lock is no error
        writeDb.pragma('optimize');
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
      } finally {
        walSync?.close();
        readDb.close();
        writeDb.close();
        if (temporary) for (const suffix of ['', '-wal', '-shm']) rmSync(temporary + suffix, { force: true });
      }
    },
    ...delegateReads(reader),
    searchAudit: (q) => audit.search(readConn, q),
    appendAudit: (records) => auditWriter.append(records),
    auditBatcher: () => auditBatcher(auditWriter),
  };
  return store;
}

/** The batched audit of reads: events encoded as they come, batches appended by the writer thread. */
function auditBatcher(writer: AuditWriter): AuditBatcher {
  const builder = new AuditWireBuilder();
  return {
    add: (record) => builder.add(record),
    get size() {
      return builder.size;
    },
    take: () => builder.take(),
    append: (batch) => writer.appendBatch(batch as AuditWireBatch),
  };
}
