// Read throughput of `ror serve --workers 1` against `--workers 2`, on both stores (a measurement, not a
// test: figures depend on the machine). The load generator (autocannon) runs in this process, so on a
// 2-core machine it competes with the workers for the cores.
//   npx tsx test/scale/workers-throughput.ts [seconds] [postgres-url]
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../../src/demo/index.js';
import type { Resource } from '../../src/policy/types.js';
import { registerDemoClients } from '../../src/server/demo-clients.js';
import { openStore } from '../../src/store/open.js';
import { probePostgres, TestSchemas } from '../../src/store/postgres/testing.js';
import { ingestAll } from './ingest.js';
import { getJson, startInstance, token } from './instances.js';

const SECRET = 'workers-throughput-secret-0123456789';
const seconds = Number(process.argv[2] ?? 10);

async function measure(base: string, bearer: string, paths: string[]): Promise<number> {
  const result = await autocannon({
    url: base,
    connections: 32,
    duration: seconds,
    headers: { authorization: `Bearer ${bearer}` },
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

async function main(): Promise<void> {
  const resources: Resource[] = [];
  for await (const r of generateDataset({ scale: 'small', seed: 1 }) as AsyncIterable<Resource> | Iterable<Resource>) resources.push(r);
  const dir = mkdtempSync(join(tmpdir(), 'ror-workers-'));
  const schemas = new TestSchemas(process.argv[3], 'ror_workers');
  const dbs: [string, string][] = [['sqlite', join(dir, 'db.sqlite')]];
  if ((await probePostgres(process.argv[3])) === null) dbs.push(['postgres', schemas.next()]);
  try {
    for (const [label, db] of dbs) {
      const store = await openStore(db);
      await store.migrate();
      await ingestAll(store, resources);
      await registerDemoClients(store);
      await store.close();
      const rates: number[] = [];
      for (const workers of [1, 2]) {
        const server = await startInstance(db, { workers, secret: SECRET });
        try {
          const bearer = await token(server.base, 'demo-samu', 'demo-samu-secret');
          // reads by id of resources that exist for the profile, and searches: the server's work per request
          // dominates the load generator's, which shares the cores
          const found = await getJson(`${server.base}/fhir/HealthcareService?_count=20`, bearer);
          const paths: string[] = (found.entry ?? []).map((e: any) => `/fhir/HealthcareService/${e.resource.id}`);
          for (const type of ['HealthcareService', 'Location', 'Organization']) paths.push(`/fhir/${type}?_count=20`, `/fhir/${type}?_count=20&_sort=-_lastUpdated`);
          await measure(server.base, bearer, paths.slice(0, 5)); // warm-up
          rates.push(await measure(server.base, bearer, paths));
        } finally {
          await server.stop();
        }
        console.log(`${label} --workers ${workers}: ${rates[rates.length - 1].toFixed(0)} req/s`);
      }
      console.log(`${label}: 2 workers / 1 worker = ${(rates[1] / rates[0]).toFixed(2)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
  }
}

await main();
