// Import speed into both stores on this machine: the demo dataset is generated in memory first, then
// ingested (views, index: everything) in chunks of one transaction each, like `ror demo` and `ror import`.
//   npx tsx test/scale/import-speed.ts [small|region] [postgres-url]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset, type DemoScale } from '../../src/demo/index.js';
import type { Resource } from '../../src/policy/types.js';
import { openStore } from '../../src/store/open.js';
import { TestSchemas } from '../../src/store/postgres/testing.js';
import { ingestAll } from './ingest.js';

async function main(): Promise<void> {
  const scale = (process.argv[2] ?? 'small') as DemoScale;
  const schemas = new TestSchemas(process.argv[3], 'ror_import');
  const resources: Resource[] = [];
  for await (const r of generateDataset({ scale, seed: 1 }) as AsyncIterable<Resource> | Iterable<Resource>) resources.push(r);
  const dir = mkdtempSync(join(tmpdir(), 'ror-import-'));
  try {
    const rates: Record<string, number> = {};
    for (const [label, url] of [['sqlite', join(dir, 'db.sqlite')], ['postgres', schemas.next()]] as const) {
      const store = await openStore(url);
      await store.migrate();
      const seconds = await ingestAll(store, resources);
      const counted = Object.values(await store.countResources()).reduce((a, b) => a + b, 0);
      await store.close();
      rates[label] = resources.length / seconds;
      console.log(`${scale} ${label}: ${counted} resources in ${seconds.toFixed(1)} s = ${rates[label].toFixed(0)} resources/s`);
    }
    console.log(`postgres / sqlite = ${(rates.postgres / rates.sqlite).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
  }
}

await main();
