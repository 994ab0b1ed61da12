// Child processes of the benchmark: the real server (`node bin/ror.js serve`) and the bare baseline
// server. Each is started, awaited until it prints its URL, measured (VmRSS) and stopped by its pid.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { YOUNG_GENERATION_FLAG } from '../heap.js';
import { isPostgresUrl } from '../store/open.js';
import { WalPending } from '../store/sqlite/wal-pending.js';

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The project root (dist/bench/ or src/bench/ → two levels up). */
export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
export const rorBin = join(projectRoot, 'bin', 'ror.js');
/** node's arguments that run the ror command as its shebang does (bin/ror.js). */
export const rorCommand = [YOUNG_GENERATION_FLAG, rorBin];

/** Spawns `node args…` and resolves with the first URL that a stdout line matching `ready` carries. */
export function startProcess(args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const stop = () => stopChild(child);
  return new Promise<ServerProcess>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`timed out waiting for: node ${args.join(' ')}\n${stderr}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      stdout += d.toString();
      const m = ready.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({ url: m[1].replace(/\/$/, ''), pid: child.pid!, child, stop });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`node ${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${stderr || stdout}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s if the child is still there. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The real server on a database, on a free loopback port (`workers` > 1: `serve --workers`). The logger
 * is off by default in `serve`. */
export function startRorServer(db: string, workers = 1, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  // ROR_BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=prof"): node options for the real server only
  const nodeArgs = (process.env.ROR_BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const args = [YOUNG_GENERATION_FLAG, ...nodeArgs, rorBin, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1', ...(workers > 1 ? ['--workers', String(workers)] : [])];
  // the per-client rate limit (10,000 req/s by default) would cap the read figures: off for the bench
  return startProcess(args, /serving .* on (http:\/\/[^\s]+?)\/fhir\s/, { ROR_RATE_LIMIT: '0', ...env });
}

export function startBaselineServer(recordingsFile: string): Promise<ServerProcess> {
  const entry = fileURLToPath(new URL('./baseline-main.js', import.meta.url));
  return startProcess([entry, recordingsFile], /listening (http:\/\/\S+)\s/);
}

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status), or null off Linux. */
export function readRss(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s*kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` while running; `stop()` returns the peak seen. */
export function sampleRss(pid: number, everyMs = 200): { stop(): number | null } {
  let peak: number | null = readRss(pid);
  const timer = setInterval(() => {
    const rss = readRss(pid);
    if (rss !== null && (peak === null || rss > peak)) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = readRss(pid);
      if (rss !== null && (peak === null || rss > peak)) peak = rss;
      return peak;
    },
  };
}

/** utime + stime of one process (all its threads), in clock ticks; 0 when unreadable. */
function ticks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Live children of a process (Linux /proc), e.g. the workers of `serve --workers`. */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** CPU seconds used so far by a process and its live descendants (Linux; 0 elsewhere). Clock ticks are
 * taken as 100/s (USER_HZ on Linux). */
export function processTreeCpu(pid: number): number {
  let total = 0;
  const queue = [pid];
  while (queue.length) {
    const p = queue.pop()!;
    total += ticks(p);
    queue.push(...children(p));
  }
  return total / 100;
}

/**
 * Waits until the WAL of a database file holds no more frames waiting for a checkpoint than `maxFrames`
 * (the server's checkpoint threshold), giving up after `maxMs`; returns the frames then waiting, or null
 * (no WAL-index: PostgreSQL, or a database not in WAL mode). A load phase that starts while the WAL still
 * holds a saturating phase's frames would also measure the checkpoints of that backlog.
 */
export async function waitWalSettled(db: string, maxFrames: number, maxMs = 30_000): Promise<number | null> {
  if (isPostgresUrl(db)) return null;
  const pending = new WalPending(db);
  try {
    const deadline = Date.now() + maxMs;
    for (;;) {
      const frames = pending.frames();
      if (frames === null || frames <= maxFrames || Date.now() >= deadline) return frames;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    pending.close();
  }
}

/** Waits until a server has finished the work a load phase left behind (requests still running when the
 * phase's connections closed: a slow search keeps its core busy long after), i.e. until it uses less than
 * a fifth of a core over 200 ms; gives up after `maxMs`. Without it, the next phase measures the backlog. */
export async function waitIdle(pid: number, maxMs = 30_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const before = processTreeCpu(pid);
    await new Promise((r) => setTimeout(r, 200));
    if (processTreeCpu(pid) - before < 0.04) return;
  }
}
