// The benchmark's datasets, cached under .tmp/bench/ per (scale, seed, code fingerprint): a SQLite
// database (served) and an NDJSON file of the same dataset (imported, timed). Generated once with the
// real CLI (`ror demo`), reused by later runs; a change of the code that shapes them makes a new pair.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot, rorCommand } from './processes.js';
import type { BenchScale } from './args.js';

const run = promisify(execFile);
export const cacheDir = join(projectRoot, '.tmp', 'bench');

/** Code whose change changes the generated database: the generator, ingestion, policy, store. */
const SHAPING_DIRS = ['demo', 'fhir', 'policy', 'store'];

/** A short hash of the compiled code that shapes the dataset (dist/ of the running bench). */
export function codeFingerprint(distRoot = join(projectRoot, 'dist')): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith('.js') || name.endsWith('.json')) {
        hash.update(relative(distRoot, file));
        hash.update(readFileSync(file));
      }
    }
  };
  for (const d of SHAPING_DIRS) walk(join(distRoot, d));
  return hash.digest('hex').slice(0, 10);
}

export interface CachedDataset {
  name: string;
  db: string;
  ndjson: string;
  /** Seconds spent generating now (0 when both came from the cache). */
  generatedSeconds: number;
}

export const datasetName = (scale: BenchScale, seed: number) => `${scale}-seed${seed}`;

/** Removes cached files of the same dataset made by older code. */
function pruneStale(prefix: string, keep: string): void {
  for (const name of readdirSync(cacheDir)) {
    if (name.startsWith(prefix + '-') && !name.startsWith(keep)) rmSync(join(cacheDir, name), { force: true });
  }
}

/** NDJSON is written under a temporary name and renamed once complete. */
async function generateNdjson(ndjson: string, common: string[]): Promise<void> {
  const partial = `${ndjson}.partial-${process.pid}.ndjson`;
  try {
    await run(process.execPath, [...rorCommand, 'demo', ...common, '--out', partial], { cwd: projectRoot, maxBuffer: 16 << 20 });
    renameSync(partial, ndjson);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

/** `ndjsonOnly`: only the NDJSON file is needed (the import alone): the database is not generated.
 * `dbOnly`: only the database is needed (HTTP figures alone): the NDJSON file is not generated. */
export async function ensureDataset(scale: BenchScale, seed: number, log: (s: string) => void, ndjsonOnly = false, dbOnly = false): Promise<CachedDataset> {
  mkdirSync(cacheDir, { recursive: true });
  const name = datasetName(scale, seed);
  const stem = `${name}-${codeFingerprint()}`;
  pruneStale(name, stem);
  const db = join(cacheDir, `${stem}.db`);
  const ndjson = join(cacheDir, `${stem}.ndjson`);
  const started = Date.now();
  const common = ['--scale', scale, '--seed', String(seed)];
  // the two are independent: generated side by side (one core each)
  const jobs: Promise<void>[] = [];
  if (!ndjsonOnly && !existsSync(db)) {
    log(`generating the ${name} dataset into ${relative(projectRoot, db)}…`);
    jobs.push(generateDb(db, common));
  }
  if (!dbOnly && !existsSync(ndjson)) {
    log(`writing the ${name} dataset as NDJSON to ${relative(projectRoot, ndjson)}…`);
    jobs.push(generateNdjson(ndjson, common));
  }
  await Promise.all(jobs);
  return { name, db, ndjson, generatedSeconds: jobs.length ? (Date.now() - started) / 1000 : 0 };
}

/** The database is generated under a temporary name and renamed with its side files once complete. */
async function generateDb(db: string, common: string[]): Promise<void> {
  const partial = `${db}.partial-${process.pid}.db`;
  try {
    await run(process.execPath, [...rorCommand, 'demo', ...common, '--db', partial], { cwd: projectRoot, maxBuffer: 16 << 20 });
    for (const suffix of ['-wal', '-shm']) if (existsSync(partial + suffix)) renameSync(partial + suffix, db + suffix);
    if (existsSync(`${partial}.token-key`)) renameSync(`${partial}.token-key`, `${db}.token-key`);
    renameSync(partial, db);
  } catch (e) {
    for (const suffix of ['', '-wal', '-shm', '.token-key']) rmSync(partial + suffix, { force: true });
    throw e;
  }
}
