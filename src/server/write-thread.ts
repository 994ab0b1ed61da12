// Writes off the event loop. A write (a capacity PATCH above all) costs about a millisecond of CPU:
// resolving the Location, patching, rendering its six views, writing them and their index. On the event
// loop, that millisecond is taken from the reads served beside the writes, and the writes get only what
// the reads leave. The write thread has a store of its own on the same database and runs every write
// interaction there (their group commit included), so reads and writes use a core each. The event loop
// keeps HTTP, authentication and the audit of reads; a write crosses as plain data (WRITE_OPERATIONS:
// its name, caller, audit facts and arguments) and comes back as its FhirResponse, or its FhirError.
// Only for a database that two connections can open (a file), whatever the store; see write-worker.ts.
import type { Worker } from 'node:worker_threads';
import type { AuditFacts } from '../fhir/audit/event.js';
import { FhirError, type Issue } from '../fhir/errors.js';
import type { Caller, FhirResponse } from '../fhir/rest/types.js';
import type { ReturnPreference } from '../fhir/rest/prefer.js';
import type { WriteArguments, WriteOperation } from '../fhir/write/index.js';
import { startWorker } from '../threads.js';

export interface WriteThreadOptions {
  /** The database (a file path or a postgres:// URL) the server's store has open. */
  db: string;
  /** The server's store runs the checkpoints (backgroundCheckpoint): the thread's commits never do. */
  externalCheckpoint?: boolean;
  /** The thread's nice value (Linux; default 0, the event loop's). Below the event loop's, the writes take
   * a core first when reads keep both busy: each write holds its whole group's commit, and the clients
   * whose writes are in it, while reads wait only for themselves (see docs/operations.md). */
  nice?: number;
}

/** One write, as the thread receives it. */
export interface WriteRequest<Op extends WriteOperation = WriteOperation> {
  seq: number;
  op: Op;
  caller: Caller;
  /** Base URL of the FHIR endpoint (Location headers, Bundle entries). */
  base: string;
  facts: Partial<AuditFacts>;
  args: WriteArguments<Op>;
  /** What a success answers with (Prefer: return=…). */
  preference: ReturnPreference;
}

/** Its answer: the response and whether its audit event was committed with it; a refusal (FhirError);
 * or a failure of anything else (answered 500, like an error on the event loop). */
export type WriteReply =
  | { seq: number; response: FhirResponse; audited: boolean }
  | { seq: number; refused: { status: number; issues: Issue[]; headers: Record<string, string> } }
  | { seq: number; failed: string };

/** What the thread says once its store is open (and why its nice value could not be set, if so), or why
 * it could not open it. */
export type WriteThreadStatus = { ready: true; niceRefused?: string } | { ready: false; error: string };

export interface WriteOutcome {
  response: FhirResponse;
  audited: boolean;
}

interface Waiter {
  resolve: (o: WriteOutcome) => void;
  reject: (e: unknown) => void;
}

export class WriteThread {
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  private seq = 0;
  private readonly waiting = new Map<number, Waiter>();
  private closed = false;
  private niceWarned = false;

  constructor(private readonly options: WriteThreadOptions) {}

  /** Starts the thread and waits until its store is open (also done by the first write). */
  async start(): Promise<void> {
    await this.ensure();
  }

  private ensure(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= new Promise<Worker>((resolve, reject) => {
      const worker = startWorker(import.meta.url, 'write-worker', { workerData: this.options });
      let ready = false;
      worker.on('message', (m: WriteReply | WriteThreadStatus) => {
        if ('ready' in m) {
          this.starting = null;
          if (!m.ready) return reject(new Error(`write thread: ${m.error}`));
          if (m.niceRefused && !this.niceWarned) {
            this.niceWarned = true;
            process.stderr.write(`ror: the write thread's nice value ${this.options.nice} could not be set (${m.niceRefused}): writes share the cores with reads as equals\n`);
          }
          ready = true;
          this.worker = worker;
          return resolve(worker);
        }
        this.settle(m);
      });
      const fail = (e: Error) => {
        if (!ready) {
          this.starting = null;
          reject(e);
        }
        if (this.worker === worker) this.worker = null; // the next write starts a new thread
        // a write in flight may or may not have committed: its client gets a 500, as for any fault
        for (const w of this.waiting.values()) w.reject(e);
        this.waiting.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`write thread exited (code ${code})`)));
    });
    return this.starting;
  }

  private settle(m: WriteReply): void {
    const waiter = this.waiting.get(m.seq);
    if (!waiter) return;
    this.waiting.delete(m.seq);
    if ('response' in m) {
      const body: unknown = m.response.body;
      // a Buffer arrives as a plain Uint8Array: wrapped again, without a copy
      const response = body instanceof Uint8Array && !Buffer.isBuffer(body) ? { ...m.response, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) } : m.response;
      waiter.resolve({ response, audited: m.audited });
    } else if ('refused' in m) waiter.reject(FhirError.withIssues(m.refused.status, m.refused.issues, m.refused.headers));
    else waiter.reject(new Error(`write thread: ${m.failed}`));
  }

  /** Runs one write interaction on the thread. */
  async run<Op extends WriteOperation>(op: Op, caller: Caller, base: string, facts: Partial<AuditFacts>, args: WriteArguments<Op>, preference: ReturnPreference = 'representation'): Promise<WriteOutcome> {
    if (this.closed) throw new FhirError(503, 'transient', 'The server is shutting down');
    const worker = await this.ensure();
    const seq = ++this.seq;
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.postMessage({ seq, op, caller, base, facts, args, preference } satisfies WriteRequest<Op>);
    });
  }

  /** Lets the writes in flight finish, then closes the thread's store and stops it. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker ?? (this.starting ? await this.starting.catch(() => null) : null);
    this.worker = null;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ close: true });
    await exited;
  }
}
