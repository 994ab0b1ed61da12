// An acknowledged write survives kill -9 of the server: a real `ror serve` process on a SQLite file takes
// a load of capacity PATCHes (each changes two indicators that must change together), is killed with
// SIGKILL mid-load, and the database must then hold every acknowledged write, its audit event, and no
// half-written change.
import Database from 'better-sqlite3';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { directoryFixture } from '../fixtures/directory.js';
import { openStore } from '../../src/store/open.js';
import { openIngestSession } from '../../src/fhir/ingest.js';
import { capacityPatch } from '../../src/fhir/write/index.js';
import { indicators } from '../e2e/write-helpers.js';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'ror-kill-'));
const db = join(dir, 'ror.db');
const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startServer(): Promise<string> {
  server = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'serve', '--db', db, '--port', '0'], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ROR_TOKEN_SECRET: 'durability-test-secret-0123456789' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    server!.stdout!.setEncoding('utf8');
    server!.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /on (http:\/\/[^\s]+)\/fhir/.exec(out);
      if (m) resolve(m[1]);
    });
    server!.on('exit', () => reject(new Error(`server exited: ${out}`)));
  });
}

it('keeps every acknowledged PATCH, and nothing half-written, after kill -9 mid-load', async () => {
  const store = await openStore(db);
  await store.migrate();
  await store.transaction(async (tx) => {
    const s = openIngestSession(tx);
    await s.add(directoryFixture());
    await s.finish();
  });
  await store.close();
  cli('client', 'add', '--id', 'beds', '--secret', 'beds-secret', '--cu', 'CU18', '--write', 'A', '--eg', '350000741', '--db', db);

  const url = await startServer();
  const token = ((await (await fetch(`${url}/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'beds', client_secret: 'beds-secret' }),
  })).json()) as { access_token: string }).access_token;

  const acknowledged: number[] = [];
  let next = 1;
  let killed = false;
  const worker = async () => {
    while (!killed) {
      const n = next++;
      // both indicators carry n: a version where they differ would be half-written
      const body = capacityPatch([{ status: '02', nb: n }, { status: '03', nb: n }], 'add');
      try {
        const r = await fetch(`${url}/fhir/Location?identifier=350000741/SYNC-loc-cardio`, {
          method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body),
        });
        if (r.status === 200) acknowledged.push(n);
        else if (!killed) throw new Error(`unexpected ${r.status}: ${await r.text()}`);
      } catch (e) {
        if (!killed) throw e;
      }
      if (acknowledged.length >= 150 && !killed) {
        killed = true;
        server!.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await new Promise<void>((resolve) => (server!.exitCode !== null || server!.signalCode ? resolve() : server!.once('exit', () => resolve())));
  expect(acknowledged.length).toBeGreaterThanOrEqual(150);

  const check = new Database(db);
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
  check.close();
  const after = await openStore(db);
  await after.migrate();
  const versions = await after.resourceHistory('Location', 'loc-cardio', { count: 100_000 });
  const written = new Set<number>();
  for (const v of versions.filter((x) => x.version > 1)) {
    const got = indicators(JSON.parse(v.body!));
    expect(got['02/01/-']).toBe(got['03/01/-']); // never half-written
    written.add(got['02/01/-']);
  }
  for (const n of acknowledged) expect(written.has(n)).toBe(true);
  // each committed PATCH has its audit event, committed with it
  const audited = await after.searchAudit({ clientId: 'beds', interaction: 'patch', outcome: 0, count: 100_000 });
  expect(audited.length).toBe(versions.length - 1);
  await after.close();
}, 60_000);
