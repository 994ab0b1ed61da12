// The capacity update figure (issue #3, write profile A): a bed-management client registered for the EGs of
// a set of Locations sends the national PATCH (`PATCH /fhir/Location?identifier={EG idNatStruct}/
// {idExterneSynchro}`, FHIRPath Patch Parameters, digest §4) while a defined read load runs beside it; as
// fast as it is answered (how far from saturation), then paced at the national peak (what a tool sees).
// The protocol is followed while priming (replace; on 404 add), so the measured load is its steady state:
// every replace matches an indicator; a warm-up of the national load, not measured, comes before the
// phases. CPU of the server and of this process (the load generator shares the machine) is measured over
// each phase.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { capacityPatch, type IndicatorSpec } from '../fhir/write/capacity.js';
import { getJson, getToken, type FhirBundle } from './http.js';
import { runLoad, type LoadPhase, type LoadResult } from './load.js';
import { runPacedLoad } from './paced-load.js';
import { processTreeCpu, rorCommand, waitIdle, waitWalSettled } from './processes.js';
import { DEFAULT_WAL_CHECKPOINT_PAGES } from '../store/sqlite/store.js';
import { makeRecord, type BenchRecord } from './stats.js';

const run = promisify(execFile);
export const BEDS_CLIENT = { id: 'bench-beds', secret: 'bench-beds-secret' };
/** Locations patched in turn (the first ones of the directory, over many EGs). */
const LOCATIONS = 200;
/** The indicators each Location's updates carry, in turn: available, occupied, installed beds. */
const SPECS: Omit<IndicatorSpec, 'nb'>[] = [{ status: '02', temporality: '01' }, { status: '03' }, { status: '01' }];
const BODIES_PER_SPEC = 4;
/** Connections of the read load beside the PATCHes, and one search every SEARCH_EVERY requests. */
export const READ_CONNECTIONS = 4;
/** The national peak of capacity updates (issue #3: « about 100/s »): the paced phase's rate. */
export const NATIONAL_PEAK = 100;
const SEARCH_EVERY = 5;
/** Seconds of the national load with reads beside, run once and not measured, before the phases: the
 * priming's few hundred PATCHes leave the server's compiler still at work (perf, national phase right after
 * them: 34 % of a core compiling in its first second, 5-8 % from its third), and the target is the
 * sustained rate of a server that has been up for a while. */
const WARM_UP_SECONDS = 3;

/** The warm-up's length for phases of `phaseSeconds` (never longer than a phase). */
export const warmUpSeconds = (phaseSeconds: number) => Math.min(WARM_UP_SECONDS, phaseSeconds);
const ID_SYNCHRO_TYPE = '26';
const ID_NAT_STRUCT_TYPE = '40';

type Json = Record<string, any>;

export interface CapacityTarget {
  id: string;
  /** `{EG idNatStruct}/{idExterneSynchro}` */
  national: string;
}

const typeCode = (i: Json) => i?.type?.coding?.[0]?.code as string | undefined;
const orgId = (ref: unknown) => /^Organization\/(.+)$/.exec(String((ref as Json | undefined)?.reference ?? ''))?.[1];

/**
 * Locations with their national identifier: the idExterneSynchro is the Location's identifier of that type,
 * the idNatStruct that of the nearest establishment above the organizations that provide its offers.
 */
export async function capacityTargets(base: string, token: string, count = LOCATIONS): Promise<CapacityTarget[]> {
  const bundle = await getJson<FhirBundle>(base, `/fhir/Location?_count=${count}&_revinclude=HealthcareService:location`, token);
  const resources = (bundle.entry ?? []).map((e) => e.resource as Json).filter(Boolean);
  const providers = new Map<string, string[]>();
  for (const r of resources) {
    if (r.resourceType !== 'HealthcareService') continue;
    const org = orgId(r.providedBy);
    if (!org) continue;
    for (const l of (r.location ?? []) as Json[]) {
      const id = /^Location\/(.+)$/.exec(String(l?.reference ?? ''))?.[1];
      if (id) providers.set(id, [...(providers.get(id) ?? []), org]);
    }
  }
  const orgs = new Map<string, Json | null>();
  const organization = async (id: string): Promise<Json | null> => {
    if (!orgs.has(id)) orgs.set(id, await getJson<Json>(base, `/fhir/Organization/${encodeURIComponent(id)}`, token).catch(() => null));
    return orgs.get(id)!;
  };
  const idNatStruct = async (start: string): Promise<string | undefined> => {
    let id: string | undefined = start;
    for (let depth = 0; id && depth < 6; depth++) {
      const org = await organization(id);
      const nat = ((org?.identifier ?? []) as Json[]).find((i) => typeCode(i) === ID_NAT_STRUCT_TYPE)?.value;
      if (nat) return nat;
      id = orgId(org?.partOf);
    }
    return undefined;
  };
  const out: CapacityTarget[] = [];
  for (const loc of resources) {
    if (loc.resourceType !== 'Location') continue;
    const synchro = ((loc.identifier ?? []) as Json[]).find((i) => typeCode(i) === ID_SYNCHRO_TYPE)?.value;
    const start = providers.get(loc.id)?.[0] ?? orgId(loc.managingOrganization);
    const eg = start ? await idNatStruct(start) : undefined;
    if (synchro && eg) out.push({ id: loc.id, national: `${eg}/${synchro}` });
  }
  return out;
}

export const nationalPath = (t: CapacityTarget) => `/fhir/Location?identifier=${encodeURIComponent(t.national)}`;

async function patch(base: string, token: string, path: string, body: Json): Promise<number> {
  const res = await fetch(base + path, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

/** The national protocol for every (Location, indicator): replace, and add when the replace is 404. */
async function prime(base: string, token: string, targets: CapacityTarget[]): Promise<void> {
  const jobs = targets.flatMap((t) => SPECS.map((s) => ({ t, s })));
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < jobs.length) {
      const { t, s } = jobs[next++];
      const spec = { ...s, nb: 1 };
      let status = await patch(base, token, nationalPath(t), capacityPatch(spec, 'replace'));
      if (status === 404) status = await patch(base, token, nationalPath(t), capacityPatch(spec, 'add'));
      if (status !== 200) throw new Error(`priming ${t.national}: HTTP ${status}`);
    }
  }));
}

export interface CapacityPhase {
  patch: LoadResult;
  /** Null when the phase ran without reads beside. */
  reads: LoadResult | null;
  /** CPU seconds of the server processes, and of this process (the load generator), over the phase. */
  serverCpu: number;
  benchCpu: number;
  seconds: number;
}

export interface CapacityLoadResult {
  national: CapacityPhase;
  byId: CapacityPhase;
  /** National PATCHes without reads beside: the server's CPU per PATCH. */
  alone: CapacityPhase;
  /** National PATCHes paced at the national peak rate (NATIONAL_PEAK), reads beside. */
  peak: CapacityPhase;
  locations: number;
  establishments: number;
}

export interface CapacityLoadOptions {
  base: string;
  db: string;
  /** Server process (its workers are counted with it). */
  serverPid: number;
  /** The read load beside: reads by id and searches, of one read profile. */
  readPaths: string[];
  searchPaths: string[];
  readAuth: string;
  seconds: number;
  connections: number;
  /** Node arguments that run the `ror` command line (default: the built one). */
  ror?: string[];
}

/** The reads beside the PATCHes: reads by id, one search every SEARCH_EVERY requests. */
export function readMix(readPaths: string[], searchPaths: string[]): string[] {
  const out: string[] = [];
  let s = 0;
  for (const p of readPaths) {
    out.push(p);
    if (searchPaths.length && out.length % SEARCH_EVERY === SEARCH_EVERY - 1) out.push(searchPaths[s++ % searchPaths.length]);
  }
  return out;
}

type Write = { method: string; path: string; body: string; contentType: string };

async function phase(opts: CapacityLoadOptions, token: string, writes: Write[], withReads = true, rate?: number, seconds = opts.seconds): Promise<CapacityPhase> {
  // each phase measures its own load, not what the one before left: requests still running, WAL frames
  // still waiting for their checkpoint
  await waitIdle(opts.serverPid);
  await waitWalSettled(opts.db, DEFAULT_WAL_CHECKPOINT_PAGES);
  const server0 = processTreeCpu(opts.serverPid);
  const bench0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  const patches: LoadPhase = { url: opts.base, paths: [], writes, headers: { authorization: `Bearer ${token}` }, connections: opts.connections, seconds };
  const [patch, reads] = await Promise.all([
    rate ? runPacedLoad(patches, rate) : runLoad(patches),
    withReads
      ? runLoad({ url: opts.base, paths: readMix(opts.readPaths, opts.searchPaths), headers: { authorization: opts.readAuth }, connections: READ_CONNECTIONS, seconds })
      : null,
  ]);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const bench = process.cpuUsage(bench0);
  return { patch, reads, serverCpu: processTreeCpu(opts.serverPid) - server0, benchCpu: (bench.user + bench.system) / 1e6, seconds: elapsed };
}

/** Registers the bed-management client on the database, primes the indicators, warms the server up, then
 * drives the phases. */
export async function runCapacityLoad(opts: CapacityLoadOptions): Promise<CapacityLoadResult> {
  const reader = await getToken(opts.base, 'demo-samu', 'demo-samu-secret');
  const targets = await capacityTargets(opts.base, reader);
  if (targets.length === 0) throw new Error('no Location with an idExterneSynchro and an establishment in the dataset');
  const egs = [...new Set(targets.map((t) => t.national.split('/')[0]))];
  await run(process.execPath, [...(opts.ror ?? rorCommand), 'client', 'add', '--id', BEDS_CLIENT.id, '--secret', BEDS_CLIENT.secret, '--cu', 'CU22', '--write', 'A', '--eg', egs.join(','), '--db', opts.db]);
  const token = await getToken(opts.base, BEDS_CLIENT.id, BEDS_CLIENT.secret);
  await prime(opts.base, token, targets);
  const bodies = (path: (t: CapacityTarget) => string) =>
    targets.flatMap((t, i) =>
      SPECS.flatMap((s, j) =>
        Array.from({ length: BODIES_PER_SPEC }, (_, k) => ({
          method: 'PATCH',
          path: path(t),
          contentType: 'application/fhir+json',
          body: JSON.stringify(capacityPatch({ ...s, nb: (i * 7 + j * 5 + k * 3) % 40 }, 'replace')),
        })),
      ),
    );
  // consecutive requests go to different Locations (a real load is spread over the directory)
  const interleaved = <T>(list: T[]) => list.map((_, n) => list[(n % targets.length) * SPECS.length * BODIES_PER_SPEC + Math.floor(n / targets.length)]);
  await phase(opts, token, interleaved(bodies(nationalPath)), true, undefined, warmUpSeconds(opts.seconds));
  const national = await phase(opts, token, interleaved(bodies(nationalPath)));
  const byId = await phase(opts, token, interleaved(bodies((t) => `/fhir/Location/${encodeURIComponent(t.id)}`)));
  const alone = await phase(opts, token, interleaved(bodies(nationalPath)), false);
  const peak = await phase(opts, token, interleaved(bodies(nationalPath)), true, NATIONAL_PEAK);
  return { national, byId, alone, peak, locations: targets.length, establishments: egs.length };
}

/** The searches of the read load beside: a régulation tool looking for beds around a postcode. */
export function besideSearches(postalCode: string): string[] {
  const q = encodeURIComponent(postalCode);
  return [`/fhir/Location?address-postalcode=${q}&_revinclude=HealthcareService:location`, `/fhir/HealthcareService?location.address-postalcode=${q}`];
}

const percentiles = ['p50', 'p95', 'p99'] as const;

/** The figures of a capacity load. `readBaseline`: the read-by-id rate of the profile alone, if measured. */
export function capacityRecords(c: CapacityLoadResult, dataset: string, connections: number, workers: number, readBaseline: number | null): BenchRecord[] {
  const records: BenchRecord[] = [];
  const server = workers > 1 ? `${workers} workers` : 'one process';
  for (const [label, p] of [['national', c.national], ['by id', c.byId]] as const) {
    const failed = p.patch.non2xx + p.patch.errors + p.patch.timeouts;
    const name = `capacity PATCH ${label} (${connections} conn)`;
    const note = `${c.locations} Locations of ${c.establishments} EGs, ${server}; ${READ_CONNECTIONS} connections of reads beside${failed ? `; ${failed} PATCHes failed` : ''}`;
    const main = label === 'national';
    records.push(makeRecord({ name: `${name} rate`, value: p.patch.rps, unit: 'req/s', dataset, profile: 1, note, ...(main ? { target: { on: 'value' as const, op: '>=' as const, bound: 1000, text: '≥ 1,000/s' } } : {}) }));
    for (const pct of percentiles) {
      const target = main && pct === 'p99' ? { on: 'value' as const, op: '<=' as const, bound: 50, text: '≤ 50 ms' } : undefined;
      records.push(makeRecord({ name: `${name} ${pct}`, value: p.patch.latency[pct], unit: 'ms', dataset, profile: 1, target }));
    }
    const reads = `reads beside the ${label} PATCHes (${READ_CONNECTIONS} conn)`;
    records.push(makeRecord({ name: `${reads} rate`, value: p.reads?.rps ?? null, unit: 'req/s', baseline: readBaseline, dataset, profile: 1, note: `reads by id, one search in ${SEARCH_EVERY}` }));
    for (const pct of percentiles) records.push(makeRecord({ name: `${reads} ${pct}`, value: p.reads?.latency[pct] ?? null, unit: 'ms', dataset, profile: 1 }));
    const requests = p.patch.requests + (p.reads?.requests ?? 0);
    records.push(makeRecord({
      name: `server CPU during the ${label} PATCHes`, value: (100 * p.serverCpu) / p.seconds, unit: '% of a core', dataset, profile: null,
      note: `${((1000 * p.serverCpu) / Math.max(1, requests)).toFixed(2)} ms per request (PATCHes and reads)`,
    }));
    records.push(makeRecord({ name: `load generator CPU during the ${label} PATCHes`, value: (100 * p.benchCpu) / p.seconds, unit: '% of a core', dataset, profile: null, note: 'autocannon in the bench process, same machine' }));
  }
  const a = c.alone;
  const alone = `capacity PATCH national alone (${connections} conn)`;
  records.push(makeRecord({ name: `${alone} rate`, value: a.patch.rps, unit: 'req/s', dataset, profile: 1, note: 'no reads beside' }));
  records.push(makeRecord({ name: `${alone} p99`, value: a.patch.latency.p99, unit: 'ms', dataset, profile: 1 }));
  const peak = `capacity PATCH national paced at the national peak (${NATIONAL_PEAK}/s, ${connections} conn)`;
  const peakFailed = c.peak.patch.non2xx + c.peak.patch.errors + c.peak.patch.timeouts;
  records.push(makeRecord({ name: `${peak} rate`, value: c.peak.patch.rps, unit: 'req/s', dataset, profile: 1, note: `${READ_CONNECTIONS} connections of reads beside${peakFailed ? `; ${peakFailed} PATCHes failed` : ''}` }));
  for (const pct of percentiles) records.push(makeRecord({ name: `${peak} ${pct}`, value: c.peak.patch.latency[pct], unit: 'ms', dataset, profile: 1 }));
  records.push(makeRecord({ name: `reads beside the paced PATCHes (${READ_CONNECTIONS} conn) rate`, value: c.peak.reads?.rps ?? null, unit: 'req/s', baseline: readBaseline, dataset, profile: 1, note: `reads by id, one search in ${SEARCH_EVERY}` }));
  records.push(makeRecord({ name: `reads beside the paced PATCHes (${READ_CONNECTIONS} conn) p99`, value: c.peak.reads?.latency.p99 ?? null, unit: 'ms', dataset, profile: 1 }));
  records.push(makeRecord({
    name: 'server CPU per national PATCH', value: (1000 * a.serverCpu) / Math.max(1, a.patch.requests), unit: 'ms', dataset, profile: null,
    note: `PATCHes alone; the server used ${((100 * a.serverCpu) / a.seconds).toFixed(0)} % of a core, the load generator ${((100 * a.benchCpu) / a.seconds).toFixed(0)} %`,
  }));
  return records;
}
