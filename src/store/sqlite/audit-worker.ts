// Entry of the audit writer thread (audit-writer.ts): its own connection to the database file appends each
// batch it receives in a write transaction of its own, synchronous FULL (the fsync blocks this thread, not
// the server's event loop), waiting for the write lock as long as the server's other writers hold it; and,
// for a server, it runs the WAL checkpoints.
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteConnection } from './connection.js';
import { appendAuditWire } from './audit.js';
import type { AuditWriterOptions } from './audit-writer.js';

/** A batch to append, or the order to close the connection and stop once the batches before it are done. */
export type AuditBatchMessage = { seq: number; columns: Uint8Array; bodies: Uint8Array } | { close: true };
export type AuditBatchReply = { seq: number } | { seq: number; error: string };

const { path, busyTimeoutMs, walAutocheckpointPages, checkpointEveryMs } = workerData as AuditWriterOptions;
const db = new Database(path);
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
db.pragma('synchronous = FULL');
db.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
const conn = new SqliteConnection(db);

// Background checkpoints (the server's write connection then never checkpoints in its COMMIT): when the
// WAL has grown past the threshold, copy it into the database without blocking readers or writers.
const walBytes = walAutocheckpointPages * Number(db.pragma('page_size', { simple: true }));
const checkpoints = checkpointEveryMs > 0
  ? setInterval(() => {
    try {
      if (existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > walBytes) db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // busy or a transient I/O error: the next tick tries again
    }
  }, checkpointEveryMs)
  : null;

const decoder = new TextDecoder();

function append(m: { seq: number; columns: Uint8Array; bodies: Uint8Array }): void {
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      appendAuditWire(conn, { columns: decoder.decode(m.columns), bodies: decoder.decode(m.bodies) });
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
    parentPort!.postMessage({ seq: m.seq } satisfies AuditBatchReply);
  } catch (e) {
    parentPort!.postMessage({ seq: m.seq, error: e instanceof Error ? e.message : String(e) } satisfies AuditBatchReply);
  }
}

// one batch at a time, in the order received (append is synchronous: messages wait for it)
parentPort!.on('message', (m: AuditBatchMessage) => {
  if (!('close' in m)) return append(m);
  if (checkpoints) clearInterval(checkpoints);
  db.close();
  parentPort!.close(); // nothing else keeps the thread alive: it exits
});
