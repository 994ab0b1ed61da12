// Reader thread of an import (threaded-read.ts): reads the file, validates and prepares its batches, and
// sends them to the ingesting thread, at most AHEAD batches ahead of what it has taken.
import { parentPort, workerData } from 'node:worker_threads';
import { FhirError } from '../errors.js';
import { prepareBatch } from './prepare.js';
import { readResources } from './read.js';
import type { ReaderMessage } from './threaded-read.js';

// Batches of 1,000: enough to keep reading while the ingesting thread renders what it has (every 20,000
// resources, ingest.ts), so that it never waits for this thread when it takes batches again.
const AHEAD = 16;
const port = parentPort;
if (!port) throw new Error('read-worker.ts runs as a worker thread');
const { file } = workerData as { file: string };

let credits = AHEAD;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits++;
  wake?.();
  wake = null;
});

const send = (m: ReaderMessage) => port.postMessage(m);

async function run(): Promise<void> {
  const reader = readResources(file);
  let samples = 0;
  for await (const batch of reader) {
    const prepared = prepareBatch(file, batch, reader.bytesRead, 10 - samples);
    samples += prepared.sampleWarnings.length;
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    send({ batch: prepared });
  }
  send({ done: true });
}

run().catch((e: unknown) => {
  send({ error: e instanceof FhirError
    ? { name: e.name, message: e.message, status: e.status, issues: e.issues }
    : { name: 'Error', message: e instanceof Error ? e.message : String(e) } });
});
