// Entry of the write thread (write-thread.ts): a store of its own on the server's database, a group commit
// over it, and every write interaction run there as the event loop hands it over. Runs the same handlers
// as an inline server (src/fhir/write), so a write means the same on either side.
import { parentPort, workerData } from 'node:worker_threads';
import { FhirError } from '../fhir/errors.js';
import { answerAsPreferred } from '../fhir/rest/prefer.js';
import type { FhirResponse } from '../fhir/rest/types.js';
import { rememberUnchangedItems } from '../fhir/views/remember-items.js';
import { GroupCommitter } from '../fhir/write/group-commit.js';
import { runWriteOperation, type WriteContext } from '../fhir/write/index.js';
import { NationalIds } from '../fhir/write/national-ids.js';
import type { Store } from '../store/contract.js';
import { openStore } from '../store/open.js';
import { setCurrentThreadNice } from '../thread-priority.js';
import type { WriteReply, WriteRequest, WriteThreadOptions, WriteThreadStatus } from './write-thread.js';

const port = parentPort!;
const options = workerData as WriteThreadOptions;

/**
 * A response that can be posted, its body as bytes of their own that are moved to the event loop, not
 * copied: the UTF-8 encoding is done here instead of there (a capacity PATCH answers a 13.5 KB Location),
 * and a body in parts is joined (writes answer one resource or Bundle).
 */
function postable(res: FhirResponse): { response: FhirResponse; transfer: ArrayBuffer[] } {
  const body = res.body;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  // not from Node's shared pool: the whole ArrayBuffer is this body's, so it can be transferred
  const bytes = Buffer.allocUnsafeSlow(length);
  if (typeof body === 'string') bytes.write(body);
  else if (Buffer.isBuffer(body)) body.copy(bytes);
  else {
    let at = 0;
    for (const chunk of body.chunks) at += chunk.copy(bytes, at);
  }
  return { response: { ...res, body: bytes }, transfer: [bytes.buffer as ArrayBuffer] };
}

/** How long a group of the write thread takes new jobs (ms). */
const WRITE_THREAD_GROUP_BUDGET_MS = 2;

async function main(): Promise<void> {
  const niceRefused = options.nice === undefined ? null : setCurrentThreadNice(options.nice);
  let store: Store;
  try {
    store = await openStore(options.db, { externalCheckpoint: options.externalCheckpoint });
  } catch (e) {
    port.postMessage({ ready: false, error: e instanceof Error ? e.message : String(e) } satisfies WriteThreadStatus);
    return;
  }
  // Short groups: each job of a group waits for the group's commit and sync, and the clients whose writes
  // are in it send nothing else meanwhile. With groups of up to 10 ms (what the event loop needed, its
  // reads served between jobs), the 16 connections of the capacity benchmark went in convoys: one long group,
  // its sync, every answer, then the next group. Closed after 2 ms, a group commits while the next one is
  // already running (the next group waits for the commit, not for the sync). Measured on the national
  // dataset, alternated runs: with reads beside 546-594 → 678-732 PATCHes/s (by id 617-737 → 833-921), p99
  // 87-89 → 69-71 ms; alone unchanged, for ~15 % more CPU a PATCH (more commits). 1 ms commits too often.
  const committer = new GroupCommitter(store, { budgetMs: WRITE_THREAD_GROUP_BUDGET_MS });
  // the same Locations are rendered again and again: what their unchanged indicators give is reused
  rememberUnchangedItems();
  // every write of this store goes through the handlers: national identifiers can be remembered
  const nationalIds = new NationalIds();
  const inflight = new Set<Promise<void>>();

  const run = async (m: WriteRequest): Promise<void> => {
    const audit = { facts: m.facts, audited: false };
    const ctx: WriteContext = { store, caller: m.caller, base: m.base, audit, run: committer.run, nationalIds };
    let reply: WriteReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const done = postable(answerAsPreferred(await runWriteOperation(m.op, ctx, m.args), m.preference));
      reply = { seq: m.seq, response: done.response, audited: audit.audited };
      transfer = done.transfer;
    } catch (e) {
      reply = e instanceof FhirError
        ? { seq: m.seq, refused: { status: e.status, issues: e.issues, headers: e.headers } }
        : { seq: m.seq, failed: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply, transfer);
  };

  port.on('message', (m: WriteRequest | { close: true }) => {
    if ('close' in m) {
      void Promise.allSettled([...inflight]).then(async () => {
        await store.close();
        port.close(); // nothing else keeps the thread alive: it exits
      });
      return;
    }
    const done = run(m).finally(() => inflight.delete(done));
    inflight.add(done);
  });
  port.postMessage({ ready: true, ...(niceRefused ? { niceRefused } : {}) } satisfies WriteThreadStatus);
}

void main();
