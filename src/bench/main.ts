// `npm run bench`: the benchmark of ror against bare baselines (see docs/benchmarks.md).

import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { YOUNG_GENERATION_FLAG, youngGenerationSized } from '../heap.js';
import { openStore } from '../store/open.js';
import { parseBenchArgs, USAGE, type BenchOptions } from './args.js';
import { cacheDir, ensureDataset, type CachedDataset } from './dataset.js';
import { runHttpBench } from './http-bench.js';
import { importIntoFreshSqlite, rawInsert, timeLoad } from './import-rate.js';
import { projectRoot, rorCommand } from './processes.js';
import { formatTable, writeReport, type BenchReport } from './report.js';
import { makeRecord, type BenchRecord } from './stats.js';

const run = promisify(execFile);
const t0 = Date.now();
const log = (s: string) => process.stderr.write(`bench [${((Date.now() - t0) / 1000).toFixed(1)} s]: ${s}\n`);

async function importFigures(ds: CachedDataset, label: string, store: 'sqlite' | 'postgres', opts: BenchOptions): Promise<BenchRecord[]> {
  log(`import rate (${store}): loading ${ds.ndjson}…`);
  const raw = await rawInsert(ds.ndjson, join(cacheDir, `raw-${process.pid}.db`));
  const importTarget = { on: 'value' as const, op: '>=' as const, bound: 3000, text: '≥ 3,000 /s' };
  if (store === 'sqlite') {
    const real = await importIntoFreshSqlite(ds.ndjson, join(cacheDir, `import-${process.pid}.db`));
    return [makeRecord({ name: 'import rate', value: real.perSecond, unit: 'resources/s', baseline: raw.perSecond, dataset: label, target: importTarget, note: `${real.resources} resources in ${real.seconds.toFixed(1)} s` })];
  }
  const pg = await openStore(opts.pgUrl);
  try {
    await pg.migrate();
    const counts = await pg.countResources();
    if (Object.values(counts).some((c) => c > 0)) {
      return [makeRecord({ name: 'import rate', value: null, unit: 'resources/s', baseline: raw.perSecond, dataset: label, note: 'database not empty: a fresh import cannot be measured' })];
    }
    const real = await timeLoad(pg, ds.ndjson);
    return [makeRecord({ name: 'import rate', value: real.perSecond, unit: 'resources/s', baseline: raw.perSecond, dataset: label, target: importTarget, note: `${real.resources} resources in ${real.seconds.toFixed(1)} s` })];
  } finally {
    await pg.close();
  }
}

async function postgresAvailable(url: string): Promise<string | null> {
  try {
    const store = await openStore(url);
    await store.close();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

async function main(): Promise<void> {
  const opts = parseBenchArgs(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  // the import is measured in this process: it must be sized as `ror import` is
  if (!youngGenerationSized()) log(`note: node was started without ${YOUNG_GENERATION_FLAG} (npm run bench gives it): the import figure is not ror import's`);
  const started = Date.now();
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` },
    options: { ...opts },
    notes: [],
    records: [],
  };
  if (opts.db) {
    // A prepared database (e.g. the national import): the demo clients must be registered in it.
    await run(process.execPath, [...rorCommand, 'demo', '--db', opts.db], { cwd: projectRoot, maxBuffer: 16 << 20 });
    const label = `${opts.scale} (prepared ${opts.db})`;
    const http = await runHttpBench({ db: opts.db, dataset: label, opts, log });
    report.records.push(...http.records);
    report.notes.push(...http.notes);
    finish(report, started);
    return;
  }
  const ds = await ensureDataset(opts.scale, opts.seed, log, opts.only === 'import', opts.only === 'capacity' || opts.only === 'reads');
  if (ds.generatedSeconds > 0) report.notes.push(`dataset generated in ${ds.generatedSeconds.toFixed(1)} s (cached for later runs)`);

  const stores = opts.store === 'both' ? (['sqlite', 'postgres'] as const) : ([opts.store] as const);
  for (const store of stores) {
    const label = `${ds.name} (${store})`;
    if (store === 'postgres') {
      const why = await postgresAvailable(opts.pgUrl);
      if (why) {
        log(`postgres: unavailable (${why.split('\n')[0]})`);
        report.notes.push('postgres: unavailable');
        report.records.push(makeRecord({ name: 'postgres', value: null, unit: '', dataset: label, note: 'postgres: unavailable' }));
        continue;
      }
    }
    if (opts.only === undefined || opts.only === 'import') report.records.push(...(await importFigures(ds, label, store, opts)));
    if (opts.only === 'import') continue;
    let db = ds.db;
    if (store === 'postgres') {
      // loads the dataset if the database is empty, and registers the demo clients
      await run(process.execPath, [...rorCommand, 'demo', '--scale', opts.scale, '--seed', String(opts.seed), '--db', opts.pgUrl], { cwd: projectRoot, maxBuffer: 16 << 20 });
      db = opts.pgUrl;
    }
    const http = await runHttpBench({ db, dataset: label, opts, log });
    report.records.push(...http.records);
    report.notes.push(...http.notes.map((n) => `${store}: ${n}`));
  }

  finish(report, started);
}

function finish(report: BenchReport, started: number): void {
  const file = join(projectRoot, 'bench', 'results.json');
  writeReport(file, report);
  process.stdout.write(formatTable(report.records) + '\n\n');
  for (const n of report.notes) process.stdout.write(`note: ${n}\n`);
  process.stdout.write(
    `\n${report.machine.nproc} × ${report.machine.cpu}, Node ${report.machine.node}; ${((Date.now() - started) / 1000).toFixed(0)} s; written to bench/results.json\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
