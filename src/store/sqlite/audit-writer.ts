// The audit writer thread of the embedded store: the batched audit events of reads are appended by a
// worker thread with its own connection, so that the cost of inserting them (index maintenance, commit,
// fsync) is not paid on the event loop that serves the reads. The server's own write transactions still
// append their events inside the transaction (StoreTx.appendAudit): atomic with the change they record.
import type { Worker } from 'node:worker_threads';
import type { AuditRecord } from '../contract.js';
import { AuditWireBuilder, type AuditWireBatch } from './audit-wire.js';
import { startWorker } from '../../threads.js';
import type { AuditBatchMessage, AuditBatchReply } from './audit-worker.js';

export interface AuditWriterOptions {
  path: string;
  busyTimeoutMs: number;
  walAutocheckpointPages: number;
  /** Run the WAL checkpoints on this thread, looking every this many ms (0: no). */
  checkpointEveryMs: number;
}

export class AuditWriter {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly inflight = new Set<Promise<void>>();

  private closing = false;

  constructor(private readonly options: AuditWriterOptions) {
    // the checkpoints must always have a thread to run on: started now, restarted if it fails
    if (options.checkpointEveryMs > 0) this.worker = this.start();
  }

  /** Started on first use: the schema is migrated by then. */
  private start(): Worker {
    const worker = startWorker(import.meta.url, 'audit-worker', { workerData: this.options });
    worker.on('message', (reply: AuditBatchReply) => {
      const waiter = this.waiting.get(reply.seq);
      if (!waiter) return;
      this.waiting.delete(reply.seq);
      if ('error' in reply) waiter.reject(new Error(`audit writer: ${reply.error}`));
      else waiter.resolve();
    });
    const failAll = (e: Error) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
      if (this.worker !== worker) return;
      this.worker = null; // the next batch starts a new thread
      if (this.options.checkpointEveryMs > 0 && !this.closing) {
        setTimeout(() => { if (!this.closing) this.worker ??= this.start(); }, 1000).unref();
      }
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`audit writer exited (code ${code})`)));
    worker.unref(); // only batches in flight keep the process alive
    return worker;
  }

  /** Appends records as one batch (see appendBatch). */
  append(records: readonly AuditRecord[]): Promise<void> {
    const builder = new AuditWireBuilder();
    for (const r of records) builder.add(r);
    return this.appendBatch(builder.take());
  }

  /** Resolves once the batch is committed and durable; rejects when that is not confirmed (the thread
   * failed: the caller keeps the batch and retries it, so an event is recorded at least once). The
   * batch's bytes are copied to the thread, not moved: it can be sent again. */
  appendBatch(batch: AuditWireBatch): Promise<void> {
    if (batch.count === 0) return Promise.resolve();
    const worker = (this.worker ??= this.start());
    const seq = ++this.seq;
    const done = new Promise<void>((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.postMessage({ seq, columns: batch.columns, bodies: batch.bodies } satisfies AuditBatchMessage);
    });
    this.inflight.add(done);
    worker.ref(); // a batch in flight keeps the process alive; an idle writer does not
    const forget = () => {
      this.inflight.delete(done);
      if (this.inflight.size === 0) worker.unref();
    };
    done.then(forget, forget);
    return done;
  }

  /** Waits for the batches sent, then lets the thread close its connection and stop. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inflight]);
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref(); // waiting for it must keep the process alive
    worker.postMessage({ close: true } satisfies AuditBatchMessage);
    await exited;
  }
}
