// Command-line options of `npm run bench -- …`: parsed by hand (no side effects) so tests can check them.

export type BenchScale = 'small' | 'region' | 'national';
export type BenchStore = 'sqlite' | 'postgres' | 'both';

export interface BenchOptions {
  /** Measure only this phase (`import`: the import rate, no servers, no database generated; `capacity`:
   * the capacity PATCH load with its reads beside, no import, no NDJSON generated; `reads`: the reads by
   * id and the audit's cost on reads, no import). */
  only?: 'import' | 'capacity' | 'reads';
  /** Server processes (`serve --workers`). */
  workers: number;
  /** A prepared SQLite database to serve instead of the cached dataset (HTTP figures only). */
  db?: string;
  quick: boolean;
  scale: BenchScale;
  seed: number;
  store: BenchStore;
  pgUrl: string;
  /** Seconds per read load phase. */
  readSeconds: number;
  /** Seconds per search load phase with one connection (there are many more search phases than read
   * phases); phases with 16 connections use half of it. */
  searchSeconds: number;
  /** Profiles measured for the typical searches. */
  searchProfiles: number[];
  /** Alternating rounds (ror, bare, ror, bare…) per phase: noise hits both servers. */
  rounds: number;
  help: boolean;
}

export const DEFAULT_PG_URL = 'postgres://127.0.0.1:5432/test';

export const USAGE = `usage: npm run bench -- [options]
  --quick                  small dataset, short phases (whole run ≤ 2 minutes)
  --scale small|region|national   dataset scale (default region, small with --quick)
  --db FILE                       serve this prepared SQLite database (e.g. a national import) instead of
                                  the cached dataset: HTTP figures only, no import figure
  --only import            only the import rate (no servers): about a minute on région
  --only reads             only the reads by id (every profile) and the audit's cost on reads
  --only capacity          only the capacity PATCH load (national and by id) with reads beside it;
                           combine with --db to serve a prepared database
  --workers N              server processes (serve --workers N, default 1)
  --seed N                 dataset seed (default 1)
  --store sqlite|postgres|both    store(s) to measure (default sqlite)
  --pg-url URL             PostgreSQL URL (default ${DEFAULT_PG_URL})
  --duration S             seconds per read phase (default 5, 1.5 with --quick); search phases use
                           2/3 of it (at least 1 s) with 1 connection, half that (at least 1 s) with 16
  --help                   this text`;

const SCALES: BenchScale[] = ['small', 'region', 'national'];
const STORES: BenchStore[] = ['sqlite', 'postgres', 'both'];

export function parseBenchArgs(argv: string[]): BenchOptions {
  const given: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (name === 'quick' || name === 'help') {
      given[name] = true;
      continue;
    }
    if (!['scale', 'seed', 'store', 'pg-url', 'duration', 'db', 'only', 'workers'].includes(name)) throw new Error(`unknown option '--${name}'`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new Error(`option '--${name}' needs a value`);
    given[name] = value;
  }
  const quick = given.quick === true;
  const scale = (given.scale as string | undefined) ?? (quick ? 'small' : 'region');
  if (!SCALES.includes(scale as BenchScale)) throw new Error(`--scale must be one of ${SCALES.join(', ')}`);
  const store = (given.store as string | undefined) ?? 'sqlite';
  if (!STORES.includes(store as BenchStore)) throw new Error(`--store must be one of ${STORES.join(', ')}`);
  if (given.only !== undefined && !['import', 'capacity', 'reads'].includes(String(given.only))) throw new Error('--only must be import, capacity or reads');
  if (given.only === 'import' && given.db !== undefined) throw new Error('--only import measures a fresh import: it cannot be given --db');
  const workers = given.workers === undefined ? 1 : Number(given.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error('--workers must be an integer in [1, 64]');
  const seed = given.seed === undefined ? 1 : Number(given.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error('--seed must be an integer ≥ 0');
  const duration = given.duration === undefined ? (quick ? 1.5 : 5) : Number(given.duration);
  if (!Number.isFinite(duration) || duration <= 0 || duration > 600) throw new Error('--duration must be a number of seconds in (0, 600]');
  return {
    quick,
    scale: scale as BenchScale,
    seed,
    store: store as BenchStore,
    pgUrl: (given['pg-url'] as string | undefined) ?? DEFAULT_PG_URL,
    readSeconds: duration,
    searchSeconds: Math.max(1, (duration * 2) / 3),
    searchProfiles: quick ? [0, 1, 2] : [0, 1, 2, 3, 4, 5],
    rounds: quick ? 1 : 2,
    help: given.help === true,
    ...(given.db ? { db: given.db as string } : {}),
    workers,
    ...(given.only ? { only: given.only as 'import' | 'capacity' } : {}),
  };
}
