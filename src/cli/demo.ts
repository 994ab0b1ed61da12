import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { isPostgresUrl, openStore } from '../store/open.js';
import { bulkLoadCacheMiB } from '../store/sqlite/index.js';
import { generateDataset, writeNdjson } from '../demo/index.js';
import { openIngestSession } from '../fhir/ingest.js';
import { BULK_RENDER_THREADS, RenderWorker } from '../fhir/views/render-pool.js';
import { serve } from '../server/start.js';
import { DEMO_CLIENTS, registerDemoClients } from '../server/demo-clients.js';
import type { Resource } from '../policy/types.js';
import type { Store } from '../store/contract.js';
import { defaultDb, intOption } from './main.js';

type Scale = 'small' | 'region' | 'national';
const CHUNK = 20_000;

/** Generates a dataset into the store, in chunks of one transaction each; returns the resource count. */
export async function loadDemo(store: Store, scale: Scale, seed: number, onProgress?: (n: number) => void): Promise<number> {
  let n = 0;
  let batch: Resource[] = [];
  // views rendered on a second thread while this one writes (as loadFile does)
  const renderWorker = new RenderWorker(BULK_RENDER_THREADS);
  const flush = async () => {
    const chunk = batch;
    batch = [];
    await store.transaction(async (tx) => {
      const session = openIngestSession(tx, Date.now, { renderWorker });
      for (let i = 0; i < chunk.length; i += 1000) await session.add(chunk.slice(i, i + 1000));
      await session.finish();
    });
    onProgress?.(n);
  };
  try {
    for await (const r of generateDataset({ scale, seed }) as AsyncIterable<Resource> | Iterable<Resource>) {
      batch.push(r);
      n++;
      if (batch.length >= CHUNK) await flush();
    }
    if (batch.length) await flush();
  } finally {
    await renderWorker.close();
  }
  return n;
}

export function printDemoClients(url: string): void {
  const lines = [`\nDemo clients (client_credentials on ${url}/auth/token):`];
  for (const c of DEMO_CLIENTS) lines.push(`  ${c.id.padEnd(18)} secret ${c.secret.padEnd(26)} ${c.label}`);
  lines.push(
    '\nGet a token and read the directory, e.g. as the public profile:',
    `  TOKEN=$(curl -s ${url}/auth/token -d grant_type=client_credentials -d client_id=demo-public -d client_secret=demo-public-secret | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
    `  curl -s -H "Authorization: Bearer $TOKEN" '${url}/fhir/HealthcareService?_count=5'`,
    '',
  );
  process.stdout.write(lines.join('\n'));
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate a realistic dataset (into a database or an NDJSON file), optionally serve it')
    .option('--scale <scale>', 'small | region | national', 'small')
    .option('--seed <n>', 'random seed', intOption('--seed'), 1)
    .option('--db <file|url>', 'database to fill (created if absent)', defaultDb())
    .option('--out <file>', 'write NDJSON (.ndjson or .ndjson.gz) instead of filling a database')
    .option('--serve', 'serve the database afterwards', false)
    .option('--port <n>', 'port when serving', intOption('--port', 0, 65535), Number(process.env.PORT ?? 8080))
    .option('--host <host>', 'interface when serving', process.env.HOST ?? '127.0.0.1')
    .action(async (o: { scale: Scale; seed: number; db: string; out?: string; serve: boolean; port: number; host: string }) => {
      if (!['small', 'region', 'national'].includes(o.scale)) throw new Error(`unknown scale '${o.scale}'`);
      if (o.out) {
        const n = await writeNdjson(generateDataset({ scale: o.scale, seed: o.seed }) as Iterable<Resource>, o.out);
        process.stdout.write(`wrote ${n ?? ''} resources to ${o.out}\n`);
        return;
      }
      const fresh = isPostgresUrl(o.db) || !existsSync(o.db);
      const store = await openStore(o.db, { cacheMiB: bulkLoadCacheMiB() });
      await store.migrate();
      const counts = await store.countResources();
      if (fresh || Object.values(counts).every((c) => c === 0)) {
        const started = Date.now();
        process.stdout.write(`ror: generating the ${o.scale} demo dataset (seed ${o.seed}) into ${o.db}…\n`);
        const n = await loadDemo(store, o.scale, o.seed);
        process.stdout.write(`ror: ${n} resources loaded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      } else {
        process.stdout.write(`ror: ${o.db} already holds data; serving it as is\n`);
      }
      await registerDemoClients(store);
      await store.close();
      if (!o.serve) return;
      const server = await serve({ db: o.db, port: o.port, host: o.host });
      process.stdout.write(`ror: serving ${o.db} on ${server.url}/fhir\n`);
      printDemoClients(server.url);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
