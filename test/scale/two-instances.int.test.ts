// Several `ror serve` processes on one database give the answers of one server: a write acknowledged by
// one process is visible at once on the others, paging started on one instance continues on another,
// and concurrent read-modify-write updates from two processes never lose one. Run on PostgreSQL (one
// schema) and on SQLite (one WAL file); instance A runs 2 cluster workers, instance B one process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/demo/index.js';
import { openIngestSession } from '../../src/fhir/ingest.js';
import type { Resource } from '../../src/policy/types.js';
import { capacityPatch } from '../../src/fhir/write/index.js';
import { registerDemoClients } from '../../src/server/demo-clients.js';
import type { Store } from '../../src/store/contract.js';
import { openStore } from '../../src/store/open.js';
import { postgresAvailable, TestSchemas } from '../../src/store/postgres/testing.js';
import { bumpCapacity, capacityOf, hasCapacity } from './capacity.js';
import { getJson, onInstance, request, ROOT, startInstance, token, type Instance } from './instances.js';

const SECRET = 'two-instances-test-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'ror-scale-'));
const schemas = new TestSchemas(undefined, 'ror_scale');
const pgAvailable = await postgresAvailable();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

/** The small demo dataset, loaded like `ror demo` does (chunks of one ingestion transaction). */
async function fill(store: Store, resources: Resource[]): Promise<void> {
  for (let c = 0; c < resources.length; c += 5000) {
    const chunk = resources.slice(c, c + 5000);
    await store.transaction(async (tx) => {
      const session = openIngestSession(tx);
      await session.add(chunk);
      await session.finish();
    });
  }
  await registerDemoClients(store);
}

function runBumpChild(db: string, id: string, rounds: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/scale/bump-capacity-child.ts'), db, id, String(rounds)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 && output.includes('done') ? resolve() : reject(new Error(`bump child failed (${code}):\n${output}`))));
  });
}

function scenario(label: string, enabled: boolean, dbUrl: () => string): void {
  describe.runIf(enabled)(`two ror serve instances on one ${label} database`, () => {
    let db: string;
    let store: Store; // a third "instance": the library on its own connection
    let a: Instance;
    let b: Instance;
    let bearer: string;
    let location: Resource;

    beforeAll(async () => {
      db = dbUrl();
      const resources: Resource[] = [];
      for await (const r of generateDataset({ scale: 'small', seed: 3 }) as AsyncIterable<Resource> | Iterable<Resource>) resources.push(r);
      location = resources.find(hasCapacity)!;
      expect(location).toBeDefined();
      store = await openStore(db);
      await store.migrate();
      await fill(store, resources);
      [a, b] = await Promise.all([startInstance(db, { workers: 2, secret: SECRET }), startInstance(db, { secret: SECRET })]);
      bearer = await token(a.base, 'demo-samu', 'demo-samu-secret');
    }, 300_000);

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await store?.close();
    });

    const readLocation = (base: string) => getJson(`${base}/fhir/Location/${location.id}`, bearer);

    it('a token issued by one instance is accepted by the other', async () => {
      const fromB = await token(b.base, 'demo-samu', 'demo-samu-secret');
      expect((await getJson(`${a.base}/fhir/Location/${location.id}`, fromB)).id).toBe(location.id);
      expect((await readLocation(b.base)).id).toBe(location.id);
    });

    it('a write acknowledged by one process is visible at once on every instance', async () => {
      const before = await Promise.all([readLocation(a.base), readLocation(b.base)]);
      expect(before[0]).toEqual(before[1]);
      const nb = capacityOf(before[0]);
      expect(nb).toBeTypeOf('number');
      for (let round = 1; round <= 3; round++) {
        await store.transaction(async (tx) => {
          const raw = JSON.parse((await tx.readResource('Location', location.id!))!.body!) as Resource;
          bumpCapacity(raw);
          const session = openIngestSession(tx);
          await session.add([raw]);
          await session.finish();
        });
        // no delay: the commit has returned, so every instance must serve the new version now
        for (const base of [b.base, a.base, a.base, b.base]) {
          const seen = await readLocation(base);
          expect(capacityOf(seen)).toBe(nb! + round);
          expect(Number(seen.meta.versionId)).toBe(Number(before[0].meta.versionId) + round);
        }
      }
    });

    it('paging started on one instance continues on the other', async () => {
      const first = `${a.base}/fhir/HealthcareService?_count=40&_sort=name`;
      const idsOf = (bundle: any): string[] => (bundle.entry ?? []).filter((e: any) => e.search?.mode !== 'include').map((e: any) => e.resource.id);
      const nextOf = (bundle: any): string | undefined => bundle.link?.find((l: any) => l.relation === 'next')?.url;

      const onA: string[] = [];
      let pagesA = 0;
      for (let url: string | undefined = first; url; pagesA++) {
        const bundle = await getJson(onInstance(url, a.base), bearer);
        onA.push(...idsOf(bundle));
        url = nextOf(bundle);
      }
      expect(pagesA).toBeGreaterThan(2);

      const alternating: string[] = [];
      let page = 0;
      for (let url: string | undefined = first; url; page++) {
        const bundle = await getJson(onInstance(url, page % 2 ? b.base : a.base), bearer);
        alternating.push(...idsOf(bundle));
        url = nextOf(bundle);
      }
      expect(alternating).toEqual(onA);
      expect(new Set(onA).size).toBe(onA.length);
    });

    it('concurrent capacity PATCHes sent to both instances never lose an update', async () => {
      const operator = await token(a.base, 'demo-operator', 'demo-operator-secret');
      const path = `/fhir/Location/${location.id}`;
      const before = await request(`${a.base}${path}`, operator);
      const version = Number(before.headers.get('ror-resource-version'));
      // ten distinct indicators (temporality × gender), each added by its own PATCH, alternately on A and B
      const specs = ['01', '02', '03', '04', '05'].flatMap((temporality) => [undefined, '02'].map((gender) =>
        ({ status: '02', temporality, gender, nb: 100 + Number(temporality) * 10 + (gender ? 1 : 0) })));
      const replies = await Promise.all(specs.map((spec, i) =>
        request(`${i % 2 ? b.base : a.base}${path}`, operator, { method: 'PATCH', body: capacityPatch(spec, 'add') })));
      expect(replies.map((r) => r.status), JSON.stringify(replies.find((r) => r.status !== 200)?.body)).toEqual(specs.map(() => 200));
      for (const base of [a.base, b.base]) {
        const after = await request(`${base}${path}`, operator);
        expect(Number(after.headers.get('ror-resource-version'))).toBe(version + specs.length);
        const found = new Map<string, number>();
        for (const e of after.body.extension ?? []) {
          if (!String(e.url).endsWith('ror-location-supported-capacity')) continue;
          const code = (u: string) => e.extension.find((x: any) => x.url === u)?.valueCodeableConcept?.coding?.[0]?.code ?? '-';
          found.set(`${code('capacityStatus')}/${code('temporalityCapacity')}/${code('genderCapacityAvailable')}`, e.extension.find((x: any) => x.url === 'nbCapacity')?.valueInteger);
        }
        for (const spec of specs) expect(found.get(`02/${spec.temporality}/${spec.gender ?? '-'}`)).toBe(spec.nb);
      }
    });

    it('concurrent read-modify-write updates from two processes never lose an update', async () => {
      const start = capacityOf(await readLocation(a.base))!;
      const version = Number((await store.readResource('Location', location.id!))!.version);
      const rounds = 20;
      await Promise.all([runBumpChild(db, location.id!, rounds), runBumpChild(db, location.id!, rounds)]);
      for (const base of [a.base, b.base]) expect(capacityOf(await readLocation(base))).toBe(start + 2 * rounds);
      expect((await store.readResource('Location', location.id!))!.version).toBe(version + 2 * rounds);
    }, 120_000);
  });
}

scenario('PostgreSQL', pgAvailable, () => schemas.next());
scenario('SQLite', true, () => join(dir, 'shared.sqlite'));
