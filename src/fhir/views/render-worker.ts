// Worker thread of a RenderWorker (render-pool.ts): renders batches of resources whose policy context the
// main thread has resolved. Rendering is pure (policy, serialisation, hashes, index extraction), so it
// runs here while the main thread reads and writes the store.
import { parentPort } from 'node:worker_threads';
import { packOutcome, renderJob, type RenderRequest, type RenderReply } from './render-job.js';

const port = parentPort;
if (!port) throw new Error('render-worker.ts runs as a worker thread');

port.on('message', (request: RenderRequest) => {
  let reply: RenderReply;
  try {
    reply = { seq: request.seq, outcomes: request.jobs.map((job) => packOutcome(renderJob(job))) };
  } catch (e) {
    reply = { seq: request.seq, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(reply);
});
