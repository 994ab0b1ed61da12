// The CPU of a national capacity PATCH in process: the write thread's code path (handlers, group commit,
// store) without HTTP, with `concurrency` PATCHes in flight, on a copy of a prepared database. Its figure
// moves far less than the HTTP benchmark's on a shared machine: use it to compare two commits.
//   npx tsx test/scale/patch-cpu.ts <db> [patches=3000] [concurrency=16] [cpuprofile file]
// ROUNDS=n: n measured rounds, the least CPU printed; BUDGET=ms: the group's time budget (default 10, the
// event loop's; the server's write thread uses 2).
// The database must hold the demo clients' data (`ror demo` or `ror import` of a demo file); the PATCHes
// change it (indicators primed by the national protocol, then replaced).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { capacityTargets } from '../../src/bench/capacity-load.js';
import { getToken } from '../../src/bench/http.js';
import { GroupCommitter } from '../../src/fhir/write/group-commit.js';
import { capacityPatch, runWriteOperation, type IndicatorSpec, type WriteContext } from '../../src/fhir/write/index.js';
import { NationalIds } from '../../src/fhir/write/national-ids.js';
import { rememberUnchangedItems } from '../../src/fhir/views/remember-items.js';
import { FhirError } from '../../src/fhir/errors.js';
import type { Caller } from '../../src/fhir/rest/types.js';
import { registerDemoClients } from '../../src/server/demo-clients.js';
import { serve } from '../../src/server/start.js';
import { openStore } from '../../src/store/open.js';
import { WalPending } from '../../src/store/sqlite/wal-pending.js';

/** Bytes of a WAL frame's header (https://sqlite.org/fileformat.html, "WAL File Format"); pages are 4 KiB. */
const WAL_FRAME_HEADER_BYTES = 24;

const [db, patchesArg = '3000', concurrencyArg = '16', profileFile] = process.argv.slice(2);
if (!db) throw new Error('usage: npx tsx test/scale/patch-cpu.ts <db> [patches] [concurrency] [cpuprofile file]');
const patches = Number(patchesArg);
const concurrency = Number(concurrencyArg);
process.env.ROR_TOKEN_SECRET ??= 'patch-cpu';

// the national identifiers of the first Locations, as the benchmark finds them (over HTTP, once)
const setup = await openStore(db);
await setup.migrate();
await registerDemoClients(setup);
await setup.close();
const server = await serve({ db, host: '127.0.0.1', port: 0 });
const targets = await capacityTargets(server.url, await getToken(server.url, 'demo-samu', 'demo-samu-secret'));
await server.close();

// the write thread's set-up (src/server/write-worker.ts)
const store = await openStore(db, { externalCheckpoint: true });
const committer = new GroupCommitter(store, { budgetMs: Number(process.env.BUDGET ?? 10) });
rememberUnchangedItems();
const nationalIds = new NationalIds();
const caller: Caller = { clientId: 'patch-cpu', cu: 'CU22', profile: 1, operator: false, write: ['A'], egs: [...new Set(targets.map((t) => t.national.split('/')[0]))] };
const SPECS: Omit<IndicatorSpec, 'nb'>[] = [{ status: '02', temporality: '01' }, { status: '03' }, { status: '01' }];

async function patch(national: string, spec: IndicatorSpec, op: 'replace' | 'add' = 'replace'): Promise<number> {
  const ctx: WriteContext = { store, caller, base: 'http://127.0.0.1/fhir', audit: { facts: {}, audited: false }, run: committer.run, nationalIds };
  try {
    return (await runWriteOperation('conditionalPatch', ctx, ['Location', [['identifier', national]], capacityPatch(spec, op), 'application/fhir+json', undefined])).status;
  } catch (e) {
    if (e instanceof FhirError) return e.status;
    throw e;
  }
}

// every (Location, indicator) primed: replace, add on 404
for (const t of targets) {
  for (const s of SPECS) {
    const spec = { ...s, nb: 1 };
    const status = (await patch(t.national, spec)) === 404 ? await patch(t.national, spec, 'add') : 200;
    if (status !== 200) throw new Error(`priming ${t.national}: HTTP ${status}`);
  }
}

// each PATCH changes its indicator (a new number and date), consecutive ones on different Locations
let sent = 0;
async function run(count: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const k = sent++;
      const spec = { ...SPECS[Math.floor(i / targets.length) % SPECS.length], nb: k % 41, updated: new Date(Date.UTC(2026, 0, 1) + k * 60_000) };
      const status = await patch(targets[i % targets.length].national, spec);
      if (status !== 200) throw new Error(`PATCH ${targets[i % targets.length].national}: HTTP ${status}`);
    }
  }));
}

await run(Math.floor(patches / 3)); // warm-up: caches, JIT
// the figure of one run moves by ±15 % on a shared machine (JIT, GC, the neighbours): `rounds` runs in a
// row, the least CPU of them is the figure to compare two commits with
const rounds = Number(process.env.ROUNDS ?? 1);
const session = profileFile ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
// nothing checkpoints meanwhile (externalCheckpoint): the frames waiting in the WAL are what the commits
// wrote (its file's size would not say it once SQLite reuses the file from its start)
const pending = new WalPending(db);
const walSize = () => (pending.frames() ?? 0) * (4096 + WAL_FRAME_HEADER_BYTES);
let least = Infinity;
for (let r = 0; r < rounds; r++) {
  const wal0 = walSize();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await run(patches);
  const cpu = process.cpuUsage(cpu0);
  const walBytes = walSize() - wal0;
  const ms = performance.now() - started;
  least = Math.min(least, (cpu.user + cpu.system) / patches);
  process.stdout.write(`${targets.length} Locations, ${patches} PATCHes, ${concurrency} in flight: ${((patches / ms) * 1000).toFixed(0)} /s, CPU per PATCH ${((cpu.user + cpu.system) / patches).toFixed(0)} µs (system ${(cpu.system / patches).toFixed(0)} µs), WAL ${(walBytes / patches / 1024).toFixed(1)} KiB per PATCH\n`);
}
pending.close();
if (session) writeFileSync(profileFile!, JSON.stringify((await session.post('Profiler.stop')).profile));
await store.close();
if (rounds > 1) process.stdout.write(`least CPU per PATCH over ${rounds} rounds: ${least.toFixed(0)} µs\n`);
