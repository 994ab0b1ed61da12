// Worker threads that render resources for a long ingestion (loadFile), so that rendering (policy,
// serialisation, hashes, index extraction) overlaps with the main thread's reads and writes of the store.
// Batches go to the threads in turn and are answered in the order they were sent.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../threads.js';
import type { RenderOutcome } from './render.js';
import { unpackOutcome, type RenderJob, type RenderReply } from './render-job.js';

/** Render threads of a bulk load: two keep the ingesting thread busy (first half of the national file on
 * 2 cores: 174 s with one, 169 s with two); more would only compete with it and the reader for the cores. */
export const BULK_RENDER_THREADS = 2;

export class RenderWorker {
  private readonly workers: Worker[] = [];
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (o: RenderOutcome[]) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  private closed = false;

  /** `threads`: how many batches can be rendered at once (one per thread). */
  constructor(readonly threads = 1) {
    for (let i = 0; i < threads; i++) {
      const worker = startWorker(import.meta.url, 'render-worker');
      worker.on('message', (reply: RenderReply) => {
        const waiter = this.waiting.get(reply.seq);
        if (!waiter) return;
        this.waiting.delete(reply.seq);
        if ('error' in reply) waiter.reject(new Error(`render worker: ${reply.error}`));
        else waiter.resolve(reply.outcomes.map(unpackOutcome));
      });
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`render worker exited (code ${code})`));
      });
      this.workers.push(worker);
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  /** The outcomes of the jobs, in order. */
  render(jobs: RenderJob[]): Promise<RenderOutcome[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the render worker is closed'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.workers[seq % this.workers.length].postMessage({ seq, jobs });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('the render worker is closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
