import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { change, runStoreContract } from '../contract.suite.js';
import type { Store } from '../contract.js';
import { openStore } from '../open.js';
import { openSqliteStore } from '../sqlite/index.js';
import { openPostgresStore } from './store.js';
import { postgresAvailable, TestSchemas } from './testing.js';
import { migrations } from '../sql/migrations.js';
import { numberPlaceholders, postgresDialect } from './dialect.js';
import { postgresSettings } from './url.js';

const available = await postgresAvailable();
const schemas = new TestSchemas();
afterAll(() => schemas.dropAll());

describe('postgres dialect (no database)', () => {
  it('numbers placeholders outside quoted text', () => {
    expect(numberPlaceholders(`SELECT '?' AS "a?", x FROM t WHERE a = ? AND b = ?`)).toBe(`SELECT '?' AS "a?", x FROM t WHERE a = $1 AND b = $2`);
  });
  it('reads schema and pool from the URL and rejects unsafe schema names', () => {
    const s = postgresSettings('postgres://u:p@h:5433/db?schema=dir_1&pool=4&sslmode=disable');
    expect(s.schema).toBe('dir_1');
    expect(s.config.max).toBe(4);
    expect(s.config.options).toContain('-c search_path=dir_1');
    expect(s.config.connectionString).toBe('postgres://u:p@h:5433/db?sslmode=disable');
    expect(() => postgresSettings('postgres://h/db?schema=a;drop')).toThrow(/schema/);
  });
});

describe.runIf(available)('postgres store', () => {
  runStoreContract('postgres', () => openPostgresStore(schemas.next()));
  runStoreContract('postgres via openStore', () => openStore(schemas.next()));

  it('keeps its tables in the schema of the URL', async () => {
    const url = schemas.next();
    const store = await openPostgresStore(url);
    await store.migrate();
    await store.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'a' })));
    await store.close();
    const schema = new URL(url).searchParams.get('schema');
    const client = new pg.Client({ connectionString: url.replace(/\?.*$/, '') });
    await client.connect();
    const { rows } = await client.query(`SELECT COUNT(*)::int AS n FROM "${schema}".res`);
    const versions = await client.query(`SELECT version FROM "${schema}".schema_migrations`);
    await client.end();
    expect(rows[0].n).toBe(1);
    expect(versions.rows.map((r) => Number(r.version)).sort()).toEqual(migrations(postgresDialect).map((m) => m.version));
  });

  it('two processes migrating at once do not collide', async () => {
    const url = schemas.next();
    const [a, b] = [await openPostgresStore(url), await openPostgresStore(url)];
    await Promise.all([a.migrate(), b.migrate()]);
    await a.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'x' })));
    expect((await b.readResource('Organization', 'x'))?.version).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('serialises writers of two store instances (no lost update)', async () => {
    const url = schemas.next();
    const [a, b] = [await openPostgresStore(url), await openPostgresStore(url)];
    await a.migrate();
    await a.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'c', version: 1 })));
    const bump = (s: typeof a) => s.transaction(async (tx) => {
      const current = await tx.readResource('Organization', 'c');
      await new Promise((r) => setTimeout(r, 2)); // widen the read-modify-write window
      await tx.write(change({ type: 'Organization', id: 'c', version: current!.version + 1 }));
    });
    const rounds = 15;
    await Promise.all(Array.from({ length: rounds }, (_, i) => bump(i % 2 ? a : b)));
    expect((await a.readResource('Organization', 'c'))?.version).toBe(1 + rounds);
    expect((await b.resourceHistory('Organization', 'c', { count: 100 })).length).toBe(1 + rounds);
    await Promise.all([a.close(), b.close()]);
  });
});

/** A seeded PRNG (mulberry32): the same sequence of operations for both stores. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs one long random transaction (more writes than the write-behind buffer holds, reads of every kind
 * in between) and returns everything it read, then the committed state. Both stores must agree.
 */
async function randomTransaction(store: Store, seed: number): Promise<unknown[]> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const types = ['Organization', 'Location'];
  const ids = Array.from({ length: 150 }, (_, i) => `r${i}`);
  const version = new Map<string, number>();
  const viewVersion = new Map<string, number>();
  const log: unknown[] = [];
  const bodies = ['{"a":1}', '{"b":2}', '{"c":"é\\"\\\\"}'];
  await store.transaction(async (tx) => {
    for (let op = 0; op < 4500; op++) {
      const type = pick(types);
      const id = pick(ids);
      const key = `${type}/${id}`;
      const r = rnd();
      if (r < 0.7) {
        const stored = version.has(key);
        const unchanged = stored && rnd() < 0.2;
        const v = unchanged ? version.get(key)! : (version.get(key) ?? 0) + 1;
        if (!unchanged) version.set(key, v);
        const deleted = !unchanged && rnd() < 0.05;
        const views = [0, 1, 2, 3, 4, 5].filter(() => rnd() < 0.5).map((profile) => {
          const vk = `${key}:${profile}`;
          const vv = (viewVersion.get(vk) ?? 0) + (rnd() < 0.8 ? 1 : 0) || 1;
          viewVersion.set(vk, vv);
          return { profile, version: vv, lastUpdated: op, hash: `h${op}`, body: deleted || rnd() < 0.2 ? null : pick(bodies) };
        });
        const index = rnd() < 0.3 ? null : Array.from({ length: Math.floor(rnd() * 4) }, () => rnd() < 0.6
          ? { kind: 'reference' as const, param: pick(['partof', 'organization']), targetType: pick(types), targetId: pick(ids), mask: Math.floor(rnd() * 64) }
          : { kind: 'string' as const, param: 'name', value: pick(['alpha', 'beta', 'gamma']), mask: Math.floor(rnd() * 64) });
        await tx.write({ resource: { type, id, version: v, lastUpdated: op, body: deleted ? null : pick(bodies) }, views, index, resourceUnchanged: unchanged });
      } else if (r < 0.78) log.push(['resource', key, await tx.readResource(type, id)]);
      else if (r < 0.86) log.push(['states', key, await tx.readViewStates(type, id)]);
      else if (r < 0.9) log.push(['view', key, await tx.readView(type, id, 1)]);
      else if (r < 0.985) log.push(['referrers', key, await tx.referrers(type, id, rnd() < 0.5 ? undefined : ['partof'])]);
      else {
        const many = (await tx.readResources([{ type, id }, { type: pick(types), id: pick(ids) }, { type: 'Organization', id: 'absent' }]))
          .sort((a, b) => `${a.type}/${a.id}`.localeCompare(`${b.type}/${b.id}`));
        log.push(['resources', many]);
      }
      // rare: a search flushes the buffer, and the buffer must first grow past its size limit
      if (op % 3000 === 2999) {
        log.push(['search', await tx.search({ type, profile: 1, where: [{ op: 'string', param: 'name', mode: 'exact', value: 'beta' }], sort: [], count: 1000, total: true })]);
      }
    }
  });
  for (const type of types) {
    for (const id of ids) {
      log.push(['final', type, id, await store.readResource(type, id), await store.readViewStates(type, id),
        await store.resourceHistory(type, id, { count: 1000 }), await store.referrers(type, id)]);
    }
  }
  return log;
}

describe.runIf(available)('postgres write-behind transaction', () => {
  it('reads and commits exactly what the SQLite store does, over more writes than one flush', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ror-pg-differential-'));
    try {
      for (const seed of [1, 2]) {
        const sqlite = await openSqliteStore(join(dir, `s${seed}.sqlite`));
        const postgres = await openPostgresStore(schemas.next());
        await Promise.all([sqlite.migrate(), postgres.migrate()]);
        const [expected, actual] = [await randomTransaction(sqlite, seed), await randomTransaction(postgres, seed)];
        await Promise.all([sqlite.close(), postgres.close()]);
        expect(actual.length).toBe(expected.length);
        for (let i = 0; i < expected.length; i++) expect(actual[i], `entry ${i}: ${JSON.stringify(expected[i]).slice(0, 80)}`).toEqual(expected[i]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
