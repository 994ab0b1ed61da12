// Batched audit of everything that is not audited inside its own write transaction (reads, refused
// requests): events wait in memory and are appended in one store transaction every `intervalMs` (1 s) or
// every `maxBatch` events (10,000), off the request path. Large batches are what keeps the audit cheap:
// each commit rewrites every index page it touched, so a few big commits cost far less per event than
// many small ones. A crash loses at most the last interval of read events. close() flushes what is left.

import type { AuditRecord, Store } from '../../store/contract.js';

export interface AuditLogOptions {
  intervalMs?: number;
  maxBatch?: number;
  /** Bound on events kept while the store refuses them (oldest dropped beyond, reported by onError). */
  maxPending?: number;
  onError?: (e: unknown) => void;
}

export class AuditLog {
  private pending: AuditRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  private readonly maxPending: number;

  constructor(private readonly store: Store, private readonly opts: AuditLogOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.maxBatch = opts.maxBatch ?? 10_000;
    this.maxPending = opts.maxPending ?? 200_000;
  }

  record(event: AuditRecord): void {
    this.pending.push(event);
    if (this.pending.length > this.maxPending) {
      this.pending.splice(0, this.pending.length - this.maxPending);
      this.opts.onError?.(new Error('audit backlog full: oldest events dropped'));
    }
    if (this.pending.length >= this.maxBatch) void this.flush();
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
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const append = this.store.appendAudit
      ? this.store.appendAudit(batch) // off the event loop where the store can (SQLite: a writer thread)
      : this.store.transaction((tx) => tx.appendAudit(batch));
    this.flushing = append
      .catch((e: unknown) => {
        this.pending = [...batch, ...this.pending]; // kept for the next flush
        this.opts.onError?.(e);
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
