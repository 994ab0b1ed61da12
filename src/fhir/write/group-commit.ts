// Group commit: concurrent single-resource writes are applied one after the other inside ONE store
// transaction, so one fsync acknowledges many of them (a durable commit costs milliseconds; a capacity
// PATCH's work, far less). Each job still sees the writes of the jobs before it (same transaction, run in
// order), so concurrent patches of one resource never lose an update; every job is answered only after
// the commit, so an acknowledged write is durable. A job refused before it wrote anything (404, 403,
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
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && WRITES.has(prop)) {
        return (...args: unknown[]) => {
          state.dirty = true;
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}

export class GroupCommitter {
  private queue: Job[] = [];
  private draining = false;

  constructor(private readonly store: Store, private readonly maxBatch = 128) {}

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
      while (this.queue.length) await this.runGroup(this.queue.splice(0, this.maxBatch));
    } finally {
      this.draining = false;
    }
  }

  private async runGroup(group: Job[]): Promise<void> {
    let settled: Settled[] = [];
    try {
      await this.store.transaction(async (tx) => {
        settled = [];
        for (const job of group) {
          const state = { dirty: false };
          try {
            settled.push({ ok: true, value: await job.fn(watched(tx, state)) });
          } catch (error) {
            if (state.dirty) throw error; // half-applied: the group cannot commit
            settled.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      if (group.length === 1) group[0].reject(error);
      else for (const job of group) await this.runGroup([job]);
      return;
    }
    group.forEach((job, i) => {
      const s = settled[i];
      if (s.ok) job.resolve(s.value);
      else job.reject(s.error);
    });
  }
}
