// Group commit: concurrent single-resource writes are applied one after the other inside ONE store
// transaction, so one fsync acknowledges many of them (a durable commit costs milliseconds; a capacity
// PATCH's work, far less). Each job still sees the writes of the jobs before it (same transaction, run in
// order), so concurrent patches of one resource never lose an update; every job is answered only after
// the commit is durable (the store's transaction resolves then), so an acknowledged write is durable. A job refused before it wrote anything (404, 403,
// 400, 412 ...) is simply answered with its error; if a job fails after writing, the whole group is
// rolled back and each job is re-run alone.

import type { Store, StoreTx } from '../../store/contract.js';

export type TxRunner = <T>(fn: (tx: StoreTx) => Promise<T>) => Promise<T>;

interface Job {
  fn: (tx: StoreTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

const WRITES = new Set(['write', 'putClient', 'deleteClient', 'appendAudit']);

/** A view of tx that records whether anything was written through it. */
function watched(tx: StoreTx, state: { dirty: boolean }): StoreTx {
  // methods are bound once per view, not at every call
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const known = methods.get(prop);
      if (known) return known;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const method = typeof prop === 'string' && WRITES.has(prop)
        ? (...args: unknown[]) => {
          state.dirty = true;
          return value.apply(target, args);
        }
        : value.bind(target);
      methods.set(prop, method);
      return method;
    },
  });
}

/** Lets the event loop run (I/O callbacks: reads being served, new requests arriving). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface GroupCommitOptions {
  /** Jobs per group at most. */
  maxBatch?: number;
  /** A group takes no new job once it has run this long (ms): a job waits for its whole group, so a
   * group's duration bounds the latency its first jobs see. */
  budgetMs?: number;
}

export class GroupCommitter {
  private queue: Job[] = [];
  private draining = false;
  private readonly maxBatch: number;
  private readonly budgetMs: number;

  constructor(private readonly store: Store, options: GroupCommitOptions = {}) {
    this.maxBatch = options.maxBatch ?? 128;
    this.budgetMs = options.budgetMs ?? 10;
  }

  readonly run: TxRunner = <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });

  private async drain(): Promise<void> {
    try {
      // The next group starts as soon as this one has run its jobs: it waits behind this group's commit in
      // the store, not behind its sync to disk, so one group runs while the previous one syncs.
      while (this.queue.length) {
        let jobsRan!: () => void;
        const ran = new Promise<void>((resolve) => (jobsRan = resolve));
        await Promise.race([ran, this.runGroup(null, jobsRan)]);
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Runs one group in one transaction: `only` alone, or jobs taken from the queue one at a time (those that
   * arrive meanwhile included) until the group is full or has used its time budget. Between two jobs the
   * event loop runs, so reads are served while a group is being written.
   */
  private async runGroup(only: Job | null, jobsRan: () => void = () => undefined): Promise<void> {
    const group: Job[] = [];
    let settled: Settled[] = [];
    try {
      await this.store.transaction(async (tx) => {
        settled = [];
        const started = performance.now();
        for (;;) {
          const job = only ? (group.length ? undefined : only) : this.take(group.length, started);
          if (!job) break;
          group.push(job);
          const state = { dirty: false };
          try {
            settled.push({ ok: true, value: await job.fn(watched(tx, state)) });
          } catch (error) {
            if (state.dirty) throw error; // half-applied: the group cannot commit
            settled.push({ ok: false, error });
          }
          if (!only && this.queue.length) await yieldToEventLoop();
        }
        jobsRan();
      });
    } catch (error) {
      jobsRan();
      if (only) only.reject(error);
      else if (group.length === 1) group[0].reject(error);
      else if (group.length > 1) for (const job of group) await this.runGroup(job);
      else if (!only) {
        // the transaction failed before any job ran (e.g. the write lock never came): the first job in
        // line gets its own attempt, so that every job is answered
        const first = this.queue.shift();
        if (first) await this.runGroup(first);
      }
      return;
    }
    group.forEach((job, i) => {
      const s = settled[i];
      if (s.ok) job.resolve(s.value);
      else job.reject(s.error);
    });
  }

  /** The next job of a group that has run `size` jobs since `started`, if it may take one. */
  private take(size: number, started: number): Job | undefined {
    if (size >= this.maxBatch || (size > 0 && performance.now() - started >= this.budgetMs)) return undefined;
    return this.queue.shift();
  }
}
