// Reads an import file on a second thread (read-worker.ts): parsing, lenient validation and the stored
// text of each resource are done there while this thread ingests the previous batches. Yields the
// prepared batches in file order; a problem of the file is thrown here as it would be by reading it here.
import { FhirError, type Issue } from '../errors.js';
import { startWorker } from '../../threads.js';
import type { PreparedBatch } from './prepare.js';

export type ReaderMessage =
  | { batch: PreparedBatch }
  | { done: true }
  | { error: { name: string; message: string; status?: number; issues?: Issue[] } };

function rebuild(e: { name: string; message: string; status?: number; issues?: Issue[] }): Error {
  if (e.status === undefined || !e.issues) return new Error(e.message);
  const error = FhirError.withIssues(e.status, e.issues);
  error.name = e.name;
  error.message = e.message;
  return error;
}

export async function* readPrepared(file: string): AsyncGenerator<PreparedBatch> {
  const worker = startWorker(import.meta.url, 'read-worker', { workerData: { file } });
  const queue: ReaderMessage[] = [];
  let failure: Error | null = null;
  let exited = false;
  let notify: (() => void) | null = null;
  const wake = () => {
    notify?.();
    notify = null;
  };
  worker.on('message', (m: ReaderMessage) => {
    queue.push(m);
    wake();
  });
  worker.on('error', (e) => {
    failure ??= e;
    wake();
  });
  worker.on('exit', () => {
    exited = true;
    wake();
  });
  try {
    for (;;) {
      while (queue.length === 0 && !failure && !exited) await new Promise<void>((resolve) => (notify = resolve));
      const m = queue.shift();
      if (!m) throw failure ?? new Error('the import reader thread stopped');
      if ('done' in m) return;
      if ('error' in m) throw rebuild(m.error);
      yield m.batch;
      worker.postMessage('more');
    }
  } finally {
    await worker.terminate();
  }
}
