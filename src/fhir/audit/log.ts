// Batched audit of everything that is not audited inside its own write transaction (reads, refused
// requests): events wait in a batch and are appended in one store transaction every `intervalMs` (1 s),
// or sooner once `maxBatch` events (100,000: a bound on memory) wait, off the request path. Large batches
// are what keeps the audit cheap: each commit rewrites every index page it touched and adds one entry per
// resource read (on SQLite, per epoch of about a million events), so one commit a second costs far less
// per event than four (10,000-event batches at 40,000 reads/s: the audit of reads by id went from 15 % to
// 1-4 % of their rate). Where the store has a batcher, each event is encoded into the batch as it comes
// (no object of it waits). A crash loses at most the last interval of read events. close() flushes what
// is left.

import type { AuditBatch, AuditBatcher, AuditRecord, Store } from '../../store/contract.js';

export interface AuditLogOptions {
  intervalMs?: number;
  maxBatch?: number;
  /** Bound on events kept while the store refuses them (oldest batches dropped beyond, reported by onError). */
  maxPending?: number;
  onError?: (e: unknown) => void;
  /** The batcher to use instead of the store's (tests). */
  batcher?: AuditBatcher;
}

/** For a store without a batcher of its own: the records themselves, appended in a transaction. */
function recordBatcher(store: Store): AuditBatcher {
  let records: AuditRecord[] = [];
  return {
    add: (record) => void records.push(record),
    get size() {
      return records.length;
    },
    take() {
      const batch = { count: records.length, records };
      records = [];
      return batch;
    },
    append(batch) {
      const { records: list } = batch as AuditBatch & { records: AuditRecord[] };
      return store.appendAudit ? store.appendAudit(list) : store.transaction((tx) => tx.appendAudit(list));
    },
  };
}

export class AuditLog {
  private readonly batcher: AuditBatcher;
  /** Batches the store refused, oldest first: appended again before any new one. */
  private failed: AuditBatch[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  private readonly maxPending: number;

  constructor(store: Store, private readonly opts: AuditLogOptions = {}) {
    this.batcher = opts.batcher ?? store.auditBatcher?.() ?? recordBatcher(store);
    this.intervalMs = opts.intervalMs ?? 1000;
    this.maxBatch = opts.maxBatch ?? 100_000;
    this.maxPending = opts.maxPending ?? 200_000;
  }

  record(event: AuditRecord): void {
    this.batcher.add(event);
    if (this.batcher.size >= this.maxBatch) void this.flush();
    else if (!this.timer && !this.closed) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  /** Appends every pending event (waits for a flush already running first). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.batcher.size > 0) this.failed.push(this.batcher.take());
    if (this.failed.length === 0) return;
    this.flushing = this.appendAll().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  /** Appends the pending batches in order; those left after a failure wait for the next flush. */
  private async appendAll(): Promise<void> {
    while (this.failed.length) {
      try {
        await this.batcher.append(this.failed[0]);
        this.failed.shift();
      } catch (e) {
        this.opts.onError?.(e);
        this.dropBeyondBound();
        return;
      }
    }
  }

  private dropBeyondBound(): void {
    let kept = this.failed.reduce((n, b) => n + b.count, 0);
    let dropped = false;
    for (; kept > this.maxPending && this.failed.length > 1; dropped = true) kept -= this.failed.shift()!.count;
    if (dropped) this.opts.onError?.(new Error('audit backlog full: oldest events dropped'));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
