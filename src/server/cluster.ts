// `ror serve --workers N`: N server processes sharing one port (node:cluster; the primary accepts the
// connections and hands them round-robin to the workers). Every worker opens its own store connection:
// - PostgreSQL: any number of processes; writers serialise on the database (store/postgres/store.ts).
// - SQLite: one WAL file, readers never block; each write transaction starts with BEGIN IMMEDIATE, so
//   writers of different processes take the file's write lock one at a time (busy timeout waits for it).
// The primary migrates and creates the token key before forking (workers must not race on either),
// restarts a worker that dies, and stops them all on SIGTERM / SIGINT.
import cluster, { type Worker } from 'node:cluster';
import { openStore } from '../store/open.js';
import { tokenSecret, type ServeOptions } from './start.js';

export interface ClusterOptions extends Pick<ServeOptions, 'db' | 'host' | 'port' | 'tokenKeyFile'> {
  workers: number;
  /** Lines for the operator (default: stdout). */
  log?: (line: string) => void;
}

/** A worker dying sooner than this after its start counts as a crash loop: restarts are delayed. */
const QUICK_DEATH_MS = 2000;
const MAX_RESTART_DELAY_MS = 10_000;

export function isSharedDatabase(db: string): boolean {
  return db !== ':memory:' && db !== '';
}

/** Runs in the primary process; resolves once every worker listens, with a stop function. */
export async function startCluster(opts: ClusterOptions): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!cluster.isPrimary) throw new Error('startCluster runs in the primary process');
  if (!isSharedDatabase(opts.db)) throw new Error('--workers needs a database that processes can share (a file or a postgres:// URL), not :memory:');
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));

  const store = await openStore(opts.db); // only to migrate: the workers' stores run the checkpoints
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  tokenSecret(opts.db, opts.tokenKeyFile);

  let stopping = false;
  let restartDelay = 0;
  const startedAt = new Map<Worker, number>();

  const fork = (): Worker => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) return;
    restartDelay = lived < QUICK_DEATH_MS ? Math.min(MAX_RESTART_DELAY_MS, Math.max(250, restartDelay * 2)) : 0;
    log(`ror: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); restarting${restartDelay ? ` in ${restartDelay} ms` : ''}`);
    setTimeout(() => {
      if (!stopping) fork();
    }, restartDelay);
  });

  const listening = Array.from({ length: opts.workers }, () => {
    const worker = fork();
    return new Promise<string>((resolve, reject) => {
      worker.once('listening', (address) => resolve(`http://${address.address ?? opts.host}:${address.port}`));
      worker.once('exit', (code) => reject(new Error(`worker ${worker.process.pid} exited with code ${code} before listening`)));
    });
  });
  let url: string;
  try {
    url = (await Promise.all(listening))[0];
  } catch (e) {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    throw e;
  }

  const stop = async (): Promise<void> => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.process.kill('SIGTERM');
    })));
  };
  return { url, stop };
}
