// The HTTP figures on one database: the real server and the bare baseline server as child processes,
// driven in turn (ror, bare, ror, bare…) by autocannon on loopback with the same requests.

import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CLIENTS } from '../server/demo-clients.js';
import type { BenchOptions } from './args.js';
import type { Recording } from './baseline-server.js';
import { cacheDir } from './dataset.js';
import { fetchAnswer, getToken, record } from './http.js';
import { mergeLoads, runLoad, type LoadResult } from './load.js';
import { processTreeCpu, readRss, sampleRss, startBaselineServer, startRorServer, waitIdle, type ServerProcess } from './processes.js';
import { discoverReadPaths, discoverSearchValues, searchScenarios, type SearchScenario, type SearchValues } from './scenarios.js';
import { makeRecord, median, type BenchRecord } from './stats.js';
import { besideSearches, capacityRecords, readMix, runCapacityLoad, warmUpSeconds } from './capacity-load.js';

/** The demo client of each read profile 0..5. */
export const PROFILE_CLIENTS = ['demo-public', 'demo-samu', 'demo-orientation', 'demo-ms', 'demo-ars', 'demo-dac'];
const READ_CONNECTIONS = 16;
const SEARCH_CONNECTIONS = [1, 16];
const IDS_PER_TYPE = 40;
const CAPACITY_CONNECTIONS = 16;
/** Paired rounds of the audit's cost per round of the other phases: on a shared 2-core machine one pair's
 * ratio moves by ±20 % (0.76 to 1.27 in one run), and the median of 4 pairs moved by 0.1 from run to run. */
const AUDIT_PAIRS = 4;
const MiB = 1024 * 1024;

export interface HttpBenchContext {
  db: string;
  dataset: string;
  opts: BenchOptions;
  log: (s: string) => void;
}

interface Pair {
  ror: LoadResult;
  bare: LoadResult;
}

export async function runHttpBench(ctx: HttpBenchContext): Promise<{ records: BenchRecord[]; notes: string[] }> {
  const { opts, log, dataset } = ctx;
  const records: BenchRecord[] = [];
  const notes: string[] = [];
  const recordingsFile = join(cacheDir, `recordings-${process.pid}.json`);
  let ror: ServerProcess | undefined;
  let bare: ServerProcess | undefined;
  try {
    log(`starting the server on ${ctx.db}…`);
    ror = await startRorServer(ctx.db, opts.workers);
    await new Promise((r) => setTimeout(r, 500));
    const rssAtRest = readRss(ror.pid);

    const auth: string[] = [];
    for (const id of PROFILE_CLIENTS) {
      const client = DEMO_CLIENTS.find((c) => c.id === id);
      if (!client) throw new Error(`demo client ${id} is not defined`);
      auth.push(`Bearer ${await getToken(ror.url, client.id, client.secret)}`);
    }
    const token = (p: number) => auth[p].slice('Bearer '.length);

    if (opts.only === 'capacity') {
      log('finding ids and search values in the dataset…');
      const values = await discoverSearchValues(ror.url, token(1));
      records.push(...(await capacityFigures(ctx, ror, await discoverReadPaths(ror.url, token(1), IDS_PER_TYPE), values.postalCode, auth[1], null)));
      return { records, notes };
    }

    log('finding ids and search values in the dataset…');
    const readPaths: string[][] = [];
    for (let p = 0; p < 6; p++) readPaths.push(await discoverReadPaths(ror.url, token(p), IDS_PER_TYPE));
    const values: SearchValues = await discoverSearchValues(ror.url, token(1));
    notes.push(`search values: département ${values.departement}, postcode ${values.postalCode}, specialty ${values.specialty}, near ${values.lat}|${values.lng}`);

    log('recording the answers for the baseline server…');
    const recordings: Recording[] = [];
    for (let p = 0; p < 6; p++) {
      const kept: string[] = [];
      for (const path of readPaths[p]) {
        const r = await record(ror.url, path, auth[p]);
        if (r.status === 200) {
          recordings.push(r);
          kept.push(path);
        }
      }
      readPaths[p] = kept;
    }
    const searches: SearchScenario[] = [];
    for (const s of searchScenarios(values)) {
      const answers = await Promise.all(opts.searchProfiles.map((p) => record(ror!.url, s.path, auth[p])));
      const failed = answers.find((a) => a.status !== 200);
      if (failed) {
        const body = Buffer.from(failed.body, 'base64').toString().slice(0, 200);
        records.push(makeRecord({ name: `search: ${s.name}`, value: null, unit: 'ms', dataset, note: `HTTP ${failed.status}, not measured: ${body}` }));
        continue;
      }
      recordings.push(...answers);
      searches.push(s);
      const sizes = answers.map((a, i) => `p${opts.searchProfiles[i]} ${(Buffer.byteLength(a.body, 'base64') / 1024).toFixed(0)} KiB`);
      notes.push(`answer size of "${s.name}": ${sizes.join(', ')}`);
    }
    mkdirSync(cacheDir, { recursive: true }); // absent with --db on a fresh clone
    writeFileSync(recordingsFile, JSON.stringify(recordings));
    bare = await startBaselineServer(recordingsFile);

    const rorPeak = sampleRss(ror.pid);
    const barePeak = sampleRss(bare.pid);
    const pair = async (paths: string[], authorization: string, connections: number, seconds: number): Promise<Pair> => {
      const rounds: { ror: LoadResult[]; bare: LoadResult[] } = { ror: [], bare: [] };
      for (let i = 0; i < opts.rounds; i++) {
        await waitIdle(ror!.pid);
        rounds.ror.push(await runLoad({ url: ror!.url, paths, headers: { authorization }, connections, seconds }));
        rounds.bare.push(await runLoad({ url: bare!.url, paths, headers: { authorization }, connections, seconds }));
      }
      const result = { ror: mergeLoads(rounds.ror), bare: mergeLoads(rounds.bare) };
      if (result.ror.non2xx || result.ror.errors || result.ror.timeouts) {
        notes.push(`${paths[0]}${paths.length > 1 ? ` (+${paths.length - 1})` : ''} as profile ${PROFILE_CLIENTS[auth.indexOf(authorization)]}: ${result.ror.non2xx} non-2xx, ${result.ror.errors} errors, ${result.ror.timeouts} timeouts`);
      }
      return result;
    };

    // Warm-up, not measured: V8 compiles the server's hot paths after thousands of calls, and the figures
    // compare steady states (the bare server is warmed too, for symmetry).
    const warmPaths = readPaths[1].length ? readPaths[1] : readPaths.find((p) => p.length) ?? [];
    if (warmPaths.length) {
      log('warming up both servers (reads by id, not measured)…');
      const warmAuth = auth[readPaths[1].length ? 1 : readPaths.indexOf(warmPaths)];
      for (const server of [ror, bare]) await runLoad({ url: server.url, paths: warmPaths, headers: { authorization: warmAuth }, connections: READ_CONNECTIONS, seconds: Math.max(1, opts.readSeconds / 2) });
    }

    // Reads by id, every profile.
    const readRps: number[] = [];
    for (let p = 0; p < 6; p++) {
      if (readPaths[p].length === 0) {
        records.push(makeRecord({ name: 'read by id', value: null, unit: 'req/s', dataset, profile: p, note: 'no readable resource found' }));
        continue;
      }
      log(`read by id, profile ${p} (${readPaths[p].length} ids)…`);
      const r = await pair(readPaths[p], auth[p], READ_CONNECTIONS, opts.readSeconds);
      readRps[p] = r.ror.rps;
      records.push(
        makeRecord({ name: `read by id (${READ_CONNECTIONS} conn)`, value: r.ror.rps, unit: 'req/s', baseline: r.bare.rps, dataset, profile: p, target: { on: 'ratio', op: '>=', bound: 0.5, text: 'ratio ≥ 0.5' } }),
      );
    }
    records.push(...(await auditCost(ctx, readPaths[1], values.postalCode, auth[1])));
    records.push(
      makeRecord({
        name: 'view cost: read p0 / read p1',
        value: readRps[0] ?? null,
        unit: 'req/s',
        baseline: readRps[1] ?? null,
        dataset,
        profile: 0,
        target: { on: 'ratio', op: '>=', bound: 1 / 1.2, text: 'ratio ≥ 0.83 (1/1.2)' },
      }),
    );

    // The typical searches, per profile, 1 and 16 connections.
    for (const s of opts.only === 'reads' ? [] : searches) {
      // one answer of each profile first, not measured: the first answer of a search after the other
      // phases reads its pages again, and only the profile measured first paid it (one answer of 1.1 s among
      // a dozen made profile 0's mean of the offer extraction 1.31 × profile 1's, their medians equal)
      for (const p of opts.searchProfiles) await fetchAnswer(ror.url, s.path, auth[p]);
      const meanAt1 = new Map<number, number>();
      for (const connections of SEARCH_CONNECTIONS) {
        for (const p of opts.searchProfiles) {
          log(`search "${s.name}", profile ${p}, ${connections} connection(s)…`);
          const r = await pair([s.path], auth[p], connections, connections === 1 ? opts.searchSeconds : Math.max(1, opts.searchSeconds / 2));
          const name = `search: ${s.name} (${connections} conn)`;
          // in-flight answers are dropped when a phase ends: a phase shorter than an answer has no sample
          const note = r.ror.requests === 0 || r.bare.requests === 0 ? 'no answer completed within the phase: lengthen --duration' : undefined;
          for (const pct of ['p50', 'p95', 'p99'] as const) {
            const target = pct === 'p95' && connections === 1 && s.p95TargetMs ? { on: 'value' as const, op: '<=' as const, bound: s.p95TargetMs, text: `≤ ${s.p95TargetMs} ms` } : undefined;
            records.push(makeRecord({ name: `${name} ${pct}`, value: r.ror.latency[pct], unit: 'ms', baseline: r.bare.latency[pct], dataset, profile: p, target, note }));
          }
          if (connections > 1) records.push(makeRecord({ name: `${name} throughput`, value: r.ror.rps, unit: 'req/s', baseline: r.bare.rps, dataset, profile: p }));
          else meanAt1.set(p, r.ror.latency.mean);
        }
      }
      if (meanAt1.has(0) && meanAt1.has(1)) {
        records.push(
          makeRecord({
            name: `profile 0 cost: ${s.name} mean p0 / mean p1 (1 conn)`,
            value: meanAt1.get(0)!,
            unit: 'ms',
            baseline: meanAt1.get(1)!,
            dataset,
            profile: 0,
            target: { on: 'ratio', op: '<=', bound: 1.2, text: 'ratio ≤ 1.2' },
          }),
        );
      }
    }

    const rssUnderLoad = rorPeak.stop();
    const bareUnderLoad = barePeak.stop();
    const mib = (x: number | null) => (x === null ? null : x / MiB);
    records.push(makeRecord({ name: 'server RSS at rest', value: mib(rssAtRest), unit: 'MiB', dataset }));
    records.push(makeRecord({ name: 'server RSS under load (peak)', value: mib(rssUnderLoad), unit: 'MiB', baseline: mib(bareUnderLoad), dataset }));

    if (opts.only !== 'reads') records.push(...(await capacityFigures(ctx, ror, readPaths[1], values.postalCode, auth[1], readRps[1] ?? null)));
    return { records, notes };
  } finally {
    await bare?.stop();
    await ror?.stop();
    rmSync(recordingsFile, { force: true });
  }
}

/** The audit's cost on reads (issue: ≤ 10 %), against a second server on the same database that does
 * not audit reads (ROR_UNSAFE_NO_READ_AUDIT=1), profile 1: on reads by id alone (the worst case: the
 * cheapest request, so the largest share for its audit event) and on the read mix of the capacity phase
 * (reads by id with a search every few requests). Both servers are started for this phase and warmed up
 * alike, so that they differ only by the audit (not by what an older server has in its heap). Rounds
 * alternate between them; the figure is the median of the ratios audited / not audited of adjacent rounds
 * (a noisy neighbour hits a pair, not the figure). The server CPU per request of each (the audit writer
 * thread included) is given beside it. */
async function auditCost(ctx: HttpBenchContext, readPaths: string[], postalCode: string, authorization: string): Promise<BenchRecord[]> {
  const { opts, dataset } = ctx;
  const loads: [string, string[]][] = [
    ['read by id', readPaths],
    ['reads by id and searches (the capacity phase\'s read mix)', readMix(readPaths, besideSearches(postalCode))],
  ];
  const target = { on: 'value' as const, op: '>=' as const, bound: 0.9, text: '≥ 0.9 (cost ≤ 10 %)' };
  if (readPaths.length === 0) return loads.map(([what]) => makeRecord({ name: `audit cost on reads: ${what}`, value: null, unit: 'ratio', dataset, profile: 1, note: 'no readable resource found' }));
  ctx.log('audit cost on reads (a second server that does not audit reads)…');
  const audited = await startRorServer(ctx.db, opts.workers);
  const unaudited = await startRorServer(ctx.db, opts.workers, { ROR_UNSAFE_NO_READ_AUDIT: '1' });
  /** One round; the CPU counts the work it left behind (the audit batch still being written). */
  const round = async (server: ServerProcess, paths: string[]) => {
    await waitIdle(server.pid);
    const cpu = processTreeCpu(server.pid);
    const load = await runLoad({ url: server.url, paths, headers: { authorization }, connections: READ_CONNECTIONS, seconds: opts.readSeconds });
    await waitIdle(server.pid);
    return { load, cpu: processTreeCpu(server.pid) - cpu };
  };
  try {
    for (const server of [audited, unaudited]) {
      await runLoad({ url: server.url, paths: readMix(readPaths, besideSearches(postalCode)), headers: { authorization }, connections: READ_CONNECTIONS, seconds: Math.max(1, opts.readSeconds / 2) }); // warm-up
    }
    const records: BenchRecord[] = [];
    for (const [what, paths] of loads) {
      const pairs: { on: Awaited<ReturnType<typeof round>>; off: Awaited<ReturnType<typeof round>> }[] = [];
      for (let i = 0; i < AUDIT_PAIRS * opts.rounds; i++) {
        const on = await round(audited, paths);
        pairs.push({ on, off: await round(unaudited, paths) });
      }
      const ratios = pairs.map((p) => p.on.load.rps / p.off.load.rps).sort((a, b) => a - b);
      const mean = (side: 'on' | 'off') => mergeLoads(pairs.map((p) => p[side].load)).rps;
      records.push(makeRecord({
        name: `audit cost on reads: ${what}, req/s audited / not audited (${READ_CONNECTIONS} conn)`, value: median(ratios), unit: 'ratio', dataset, profile: 1, target,
        note: `median of ${pairs.length} paired rounds (${ratios.map((r) => r.toFixed(2)).join(', ')}); ${mean('on').toFixed(0)} / ${mean('off').toFixed(0)} req/s`,
      }));
      const cpuPerRequest = (side: 'on' | 'off') => (1e6 * pairs.reduce((s, p) => s + p[side].cpu, 0)) / pairs.reduce((s, p) => s + p[side].load.requests, 0);
      records.push(makeRecord({ name: `server CPU per request, ${what}, audited vs not audited`, value: cpuPerRequest('on'), unit: 'µs', baseline: cpuPerRequest('off'), dataset, profile: 1, note: 'every thread of the server, the audit writer included' }));
    }
    return records;
  } finally {
    await Promise.all([audited.stop(), unaudited.stop()]);
  }
}

/** The capacity PATCH figures (national and by id), with the read load of profile 1 beside them. */
async function capacityFigures(ctx: HttpBenchContext, ror: ServerProcess, readPaths: string[], postalCode: string, readAuth: string, readBaseline: number | null): Promise<BenchRecord[]> {
  const { opts, dataset } = ctx;
  const seconds = Math.max(2, opts.readSeconds);
  ctx.log(`capacity PATCH (write profile A: ${warmUpSeconds(seconds)} s of warm-up, then national then by id with a read load beside, then national alone, then national paced at the national peak with reads beside; ${seconds} s each)…`);
  await waitIdle(ror.pid);
  try {
    const c = await runCapacityLoad({ base: ror.url, db: ctx.db, serverPid: ror.pid, readPaths, searchPaths: besideSearches(postalCode), readAuth, seconds, connections: CAPACITY_CONNECTIONS });
    return capacityRecords(c, dataset, CAPACITY_CONNECTIONS, opts.workers, readBaseline);
  } catch (e) {
    return [makeRecord({ name: 'capacity PATCH rate', value: null, unit: 'req/s', dataset, note: `not measured: ${(e as Error).message.slice(0, 200)}` })];
  }
}
