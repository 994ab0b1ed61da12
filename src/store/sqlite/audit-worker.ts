// Entry of the audit writer thread (audit-writer.ts): its own connection to the database file appends each
// batch it receives, as chunks (audit.ts), in a write transaction of its own, waiting for the write lock as
// long as the server's other writers hold it, and answers once the batch is durable: the WAL is synced
// after COMMIT, with the write lock released (synchronous=FULL would sync inside COMMIT, and the capacity
// PATCHes would wait for the disk behind it). For a server, it also runs the WAL checkpoints.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteConnection } from './connection.js';
import { appendAuditChunks, EpochEntities, type AuditColumns } from './audit.js';
import { WalPending } from './wal-pending.js';
import { WalSync } from './wal-sync.js';
import type { AuditWriterOptions } from './audit-writer.js';

/** A batch to append, or the order to close the connection and stop once the batches before it are done. */
export type AuditBatchMessage = { seq: number; columns: Uint8Array; bodies: Uint8Array } | { close: true };
export type AuditBatchReply = { seq: number } | { seq: number; error: string };

const { path, busyTimeoutMs, walAutocheckpointPages, checkpointEveryMs } = workerData as AuditWriterOptions;
const db = new Database(path);
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
// NORMAL: the WAL is synced before each checkpoint and the database after it; each batch's commit is
// synced by walSync below before it is acknowledged
db.pragma('synchronous = NORMAL');
db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
const conn = new SqliteConnection(db);

// Background checkpoints (the server's write connection then never checkpoints in its COMMIT): when the
// WAL holds more frames than the threshold that are not in the database file yet, copy them into it
// without blocking readers or writers. Not on the WAL file's size: after a burst it stays large (see
// wal-pending.ts), and a checkpoint, with its two fsyncs, then ran at every look, four times a second.
const pending = new WalPending(path);
const checkpoints = checkpointEveryMs > 0
  ? setInterval(() => {
    try {
      if ((pending.frames() ?? 0) > walAutocheckpointPages) db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // busy or a transient I/O error: the next tick tries again
    }
  }, checkpointEveryMs)
  : null;

const decoder = new TextDecoder();
/** The resources with their entry in the entity index for the current epoch (audit.ts). */
const epochEntities = new EpochEntities();
const walSync = new WalSync(path);

const failed = (seq: number, e: unknown) => parentPort!.postMessage({ seq, error: e instanceof Error ? e.message : String(e) } satisfies AuditBatchReply);

function append(m: { seq: number; columns: Uint8Array; bodies: Uint8Array }): void {
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      // the texts are stored as the bytes received: only the columns are decoded, for the chunks' headers
      appendAuditChunks(conn, JSON.parse(decoder.decode(m.columns)) as AuditColumns, m.columns, m.bodies, epochEntities);
      db.exec('COMMIT');
      epochEntities.commit();
    } catch (e) {
      epochEntities.rollback();
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  } catch (e) {
    failed(m.seq, e);
    return;
  }
  walSync.sync().then(() => parentPort!.postMessage({ seq: m.seq } satisfies AuditBatchReply), (e) => failed(m.seq, e));
}

// one batch at a time, in the order received (append writes synchronously: messages wait for it); the
// answers follow in the same order, each once its sync is done
parentPort!.on('message', (m: AuditBatchMessage) => {
  if (!('close' in m)) return append(m);
  if (checkpoints) clearInterval(checkpoints);
  pending.close();
  void walSync.settled().then(() => {
    walSync.close();
    db.close();
    parentPort!.close(); // nothing else keeps the thread alive: it exits
  });
});
