// The capacity phase of the benchmark, run for real on the small demo directory: a real server (the
// TypeScript sources), the bed-management client registered by the command line, the indicators primed by
// the national protocol, then the four phases; every PATCH must succeed, and the paced phase keeps its pace.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { besideSearches, capacityRecords, NATIONAL_PEAK, runCapacityLoad, type CapacityPhase } from './capacity-load.js';
import { getToken } from './http.js';
import { projectRoot, startProcess, type ServerProcess } from './processes.js';

const ror = [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), join(projectRoot, 'src/cli/main.ts')];
const dir = mkdtempSync(join(tmpdir(), 'ror-capacity-bench-'));
const db = join(dir, 'small.db');
let server: ServerProcess;

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [...ror, 'demo', '--scale', 'small', '--db', db]);
  server = await startProcess([...ror, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1'], /serving .* on (http:\/\/[^\s]+?)\/fhir\s/, { ROR_RATE_LIMIT: '0' });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const failures = (p: CapacityPhase) => p.patch.non2xx + p.patch.errors + p.patch.timeouts;

describe('the capacity PATCH load of the benchmark', () => {
  it('primes the indicators, then runs its four phases with every PATCH acknowledged and the reads beside answered', async () => {
    const reader = `Bearer ${await getToken(server.url, 'demo-samu', 'demo-samu-secret')}`;
    const seconds = 1;
    const c = await runCapacityLoad({
      base: server.url, db, serverPid: server.pid, readPaths: ['/fhir/Location?_count=5', '/fhir/Organization?_count=5'],
      searchPaths: besideSearches('01000'), readAuth: reader, seconds, connections: 4, ror,
    });
    expect(c.locations).toBeGreaterThan(0);
    for (const [name, p] of Object.entries({ national: c.national, byId: c.byId, alone: c.alone, peak: c.peak })) {
      expect({ name, failed: failures(p) }).toEqual({ name, failed: 0 });
      expect({ name, answered: p.patch.requests > 0 }).toEqual({ name, answered: true });
    }
    for (const p of [c.national, c.byId, c.peak]) expect(p.reads!.non2xx + p.reads!.errors).toBe(0);
    expect(c.alone.reads).toBeNull();
    // paced: never more than the national peak rate asks for (a second of slack for the last tick)
    expect(c.peak.patch.requests).toBeLessThanOrEqual(NATIONAL_PEAK * (seconds + 1));
    const names = capacityRecords(c, 'small', 4, 1, null).map((r) => r.name);
    expect(names).toContain(`capacity PATCH national paced at the national peak (${NATIONAL_PEAK}/s, 4 conn) p99`);
  }, 120_000);
});
