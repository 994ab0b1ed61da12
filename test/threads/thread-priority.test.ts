// Per-thread nice values (src/thread-priority.ts), and the server's write thread started with its own: a
// thread's value is its own (the others keep theirs), a value the process may not set is reported, not
// thrown, and the server starts either way.
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { serve } from '../../src/server/start.js';
import { currentThreadId } from '../../src/thread-priority.js';
import { startWorker } from '../../src/threads.js';

const linux = process.platform === 'linux';
/** May this process set a nice value of -3? With CAP_SYS_NICE (root has it), or an RLIMIT_NICE of 23 or
 * more (the lowest value allowed is 20 - the limit). */
const mayRaise = linux && (
  (BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`) & (1n << 23n)) !== 0n
  || Number(/Max nice priority\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0) >= 23);

/** The nice value of each thread of this process, by thread id (stat field 19). */
function niceValues(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}

async function inThread(nice: number): Promise<{ tid: number; refused: string | null; seen: number | undefined; mine: number | undefined }> {
  const worker = startWorker(import.meta.url, 'set-nice-worker', { workerData: nice });
  try {
    const answer = await new Promise<{ tid: number; refused: string | null }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const values = niceValues();
    return { ...answer, seen: values.get(answer.tid), mine: values.get(currentThreadId()!) };
  } finally {
    await worker.terminate();
  }
}

describe.runIf(linux)('a thread\'s nice value', () => {
  it('is set for that thread alone', async () => {
    const before = niceValues().get(currentThreadId()!);
    const r = await inThread(7); // lowering a priority needs no privilege
    expect(r.refused).toBeNull();
    expect(r.tid).not.toBe(currentThreadId());
    expect(r.seen).toBe(7);
    expect(r.mine).toBe(before);
  });

  it('below 0: set with CAP_SYS_NICE, else reported as refused', async () => {
    const r = await inThread(-3);
    if (mayRaise) expect([r.refused, r.seen]).toEqual([null, -3]);
    else expect([r.refused, r.seen]).toEqual([expect.stringMatching(/^E(ACCES|PERM)$/), 0]);
  });
});

describe.runIf(linux)('the server\'s write thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ror-nice-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs with the nice value it was given; the event loop keeps its own', async () => {
    process.env.ROR_TOKEN_SECRET ??= 'thread-priority-test';
    const before = niceValues();
    const server = await serve({ db: join(dir, 'nice.sqlite'), host: '127.0.0.1', port: 0, writeNice: 5 });
    try {
      const started = [...niceValues()].filter(([tid]) => !before.has(tid));
      // the write thread among the threads the server started, and no other thread moved
      expect(started.filter(([, nice]) => nice === 5)).toHaveLength(1);
      expect(started.filter(([, nice]) => nice !== 5 && nice !== before.get(currentThreadId()!))).toEqual([]);
      expect(niceValues().get(currentThreadId()!)).toBe(before.get(currentThreadId()!));
    } finally {
      await server.close();
    }
  });

  it('starts without it when it cannot be set, and says so', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    try {
      const server = await serve({ db: join(dir, 'refused.sqlite'), host: '127.0.0.1', port: 0, writeNice: 40 });
      await server.close();
    } finally {
      spy.mockRestore();
    }
    expect(written.filter((line) => line.includes('write thread'))).toEqual([
      "ror: the write thread's nice value 40 could not be set (ERR_OUT_OF_RANGE): writes share the cores with reads as equals\n",
    ]);
  });
});
