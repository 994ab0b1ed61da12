import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { change, runStoreContract } from '../contract.suite.js';
import { openStore } from '../open.js';
import type { StoreTx } from '../contract.js';
import type { IndexKind, SearchQuery } from '../query.js';
import { compileSearch } from '../sql/compile-search.js';
import { surrogateDigest } from '../sql/writer.js';
import { CHUNK_EVENTS, EPOCH_EVENTS } from '../sql/audit-chunk.js';
import { sqliteDialect } from './dialect.js';
import { bulkLoadCacheMiB, openSqliteStore } from './store.js';
import { ViewRefCache } from './view-refs.js';
import { WalPending } from './wal-pending.js';
import { deferValueIndexes } from './deferred-indexes.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-sqlite-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStoreContract('sqlite file', () => openSqliteStore(join(dir, `db-${++n}.sqlite`)));
runStoreContract('sqlite :memory:', () => openStore(':memory:'));

describe('sqlite specifics', () => {
  it('sizes a bulk load\'s page cache at an eighth of memory, between 64 MiB and 4 GiB', () => {
    const GiB = 1024 ** 3;
    expect(bulkLoadCacheMiB(24 * GiB)).toBe(3072);
    expect(bulkLoadCacheMiB(256 * 1024 ** 2)).toBe(64);
    expect(bulkLoadCacheMiB(512 * GiB)).toBe(4096);
  });

  it('finds audit events appended before migration 5 (every entity in audit_entities) beside newer ones', async () => {
    const file = join(dir, 'audit-v4.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.close();
    // the v4 layout: no entity column on the event, every entity a row of audit_entities
    const db = new Database(file);
    db.exec(`DELETE FROM schema_migrations WHERE version = 5; ALTER TABLE audit_events DROP COLUMN entity_type; ALTER TABLE audit_events DROP COLUMN entity_id;
      INSERT INTO audit_events (seq, recorded, client, action, interaction, outcome, body) VALUES (1, 10, 'old', 'R', 'read', 0, '{}'), (2, 20, 'old', 'R', 'search-type', 0, '{}');
      INSERT INTO audit_entities (seq, entity_type, entity_id) VALUES (1, 'Location', 'l1'), (1, 'Organization', 'o1'), (2, 'Location', NULL);
      INSERT INTO audit_entity_spans (entity_type, entity_id, first_seq, last_seq) VALUES ('Location', 'l1', 1, 1), ('Organization', 'o1', 1, 1);`);
    db.close();
    const migrated = await openSqliteStore(file);
    try {
      await migrated.migrate();
      await migrated.appendAudit!([
        { recorded: 30, clientId: 'new', action: 'R', interaction: 'read', outcome: 0, entities: [{ type: 'Location', id: 'l1' }, { type: 'Organization', id: 'o2' }], body: '{}' },
        { recorded: 40, clientId: 'new', action: 'R', interaction: 'read', outcome: 0, entities: [{ type: 'Organization', id: 'o1' }], body: '{}' },
      ]);
      const recorded = async (entityType: string, entityId?: string) =>
        (await migrated.searchAudit({ count: 10, entityType, ...(entityId ? { entityId } : {}) })).map((r) => r.recorded);
      expect(await recorded('Location', 'l1')).toEqual([30, 10]);
      expect(await recorded('Organization', 'o1')).toEqual([40, 10]);
      expect(await recorded('Organization', 'o2')).toEqual([30]);
      expect(await recorded('Location')).toEqual([30, 20, 10]);
      expect(await recorded('Organization')).toEqual([40, 30, 10]);
    } finally {
      await migrated.close();
    }
  });

  it('stores a batch of the audit of reads as chunks of CHUNK_EVENTS events, indexed by client and entity, and a write\'s own events as rows', async () => {
    const file = join(dir, 'audit-chunks.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    const size = 2 * CHUNK_EVENTS + 10;
    try {
      await store.appendAudit!(Array.from({ length: size }, (_, i) => ({
        recorded: 1000 + i, clientId: i < CHUNK_EVENTS ? 'early' : `late-${i % 2}`, action: 'R', interaction: 'read', outcome: 0,
        entities: [{ type: 'Location', id: i % 2 ? 'odd' : 'even' }], body: `{"n":${i}}`,
      })));
      await store.transaction(async (tx) => tx.appendAudit([{ recorded: 5, clientId: 'op', action: 'U', interaction: 'patch', outcome: 8, entities: [{ type: 'Task', id: 't1' }], body: '{}' }]));
      expect((await store.searchAudit({ count: 1 }))[0].seq).toBe(size + 1);
      // no chunk holds a failure or a Task: their headers say so, and the row is found
      expect((await store.searchAudit({ count: 10, outcome: 8 })).map((r) => r.seq)).toEqual([size + 1]);
      expect((await store.searchAudit({ count: 10, entityType: 'Task' })).map((r) => r.seq)).toEqual([size + 1]);
      expect((await store.searchAudit({ count: 2, action: 'R', interaction: 'read', outcome: 0 })).map((r) => r.body)).toEqual([`{"n":${size - 1}}`, `{"n":${size - 2}}`]);
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      const kinds = '["R","read",0]';
      const types = '["Location"]';
      expect(db.prepare('SELECT first_seq, last_seq, recorded_min, recorded_max, kinds, entity_types AS types FROM audit_chunks ORDER BY first_seq').all()).toEqual([
        { first_seq: 1, last_seq: CHUNK_EVENTS, recorded_min: 1000, recorded_max: 999 + CHUNK_EVENTS, kinds, types },
        { first_seq: CHUNK_EVENTS + 1, last_seq: 2 * CHUNK_EVENTS, recorded_min: 1000 + CHUNK_EVENTS, recorded_max: 999 + 2 * CHUNK_EVENTS, kinds, types },
        { first_seq: 2 * CHUNK_EVENTS + 1, last_seq: size, recorded_min: 1000 + 2 * CHUNK_EVENTS, recorded_max: 999 + size, kinds, types },
      ]);
      expect(db.prepare('SELECT client, first_seq FROM audit_chunk_clients ORDER BY first_seq, client').all().map((r) => Object.values(r as object).join('@')))
        .toEqual(['early@1', `late-0@${CHUNK_EVENTS + 1}`, `late-1@${CHUNK_EVENTS + 1}`, `late-0@${2 * CHUNK_EVENTS + 1}`, `late-1@${2 * CHUNK_EVENTS + 1}`]);
      // one entry per resource and epoch, whatever its chunks; the write's own event has its span
      expect(db.prepare('SELECT entity_type, entity_id, epoch FROM audit_chunk_entities ORDER BY entity_id').all())
        .toEqual([{ entity_type: 'Location', entity_id: 'even', epoch: 0 }, { entity_type: 'Location', entity_id: 'odd', epoch: 0 }]);
      expect(db.prepare('SELECT entity_type, entity_id, first_seq FROM audit_entity_spans').all()).toEqual([{ entity_type: 'Task', entity_id: 't1', first_seq: size + 1 }]);
      expect(db.prepare('SELECT seq, client FROM audit_events').all()).toEqual([{ seq: size + 1, client: 'op' }]);
      // compressed: the events' texts repeat each other
      const stored = (db.prepare('SELECT SUM(length(events)) AS n FROM audit_chunks').get() as { n: number }).n;
      expect(stored).toBeLessThan(size * 20);
    } finally {
      db.close();
    }
  });

  it('finds an entity\'s events in chunks across epochs, through the epochs\' entries and the chunks\' filters', async () => {
    const file = join(dir, 'audit-epochs.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.close();
    // the trail starts just below the end of the first epoch: a batch then spans two epochs
    const start = EPOCH_EVENTS - 5000;
    const db = new Database(file);
    db.prepare("INSERT INTO audit_events (seq, recorded, client, action, interaction, outcome, body) VALUES (?, 0, 'old', 'R', 'read', 0, '{}')").run(start);
    db.close();
    const reopened = await openSqliteStore(file);
    try {
      const size = 3 * CHUNK_EVENTS;
      const resource = (i: number) => (i % 1000 === 7 ? 'rare' : `r${i % 50}`);
      const batch = Array.from({ length: size }, (_, i) => ({
        recorded: 10 + i, clientId: `c${i % 3}`, action: 'R', interaction: 'read', outcome: 0, entities: [{ type: 'Location', id: resource(i) }], body: `{"n":${i}}`,
      }));
      await reopened.appendAudit!(batch.slice(0, size / 2));
      await reopened.appendAudit!(batch.slice(size / 2));
      const expected = (id: string, client?: string) => batch.map((e, i) => ({ e, seq: start + 1 + i }))
        .filter(({ e }) => e.entities[0].id === id && (client === undefined || e.clientId === client)).map(({ seq }) => seq).reverse();
      for (const [id, client, count] of [['rare', undefined, 3], ['r7', undefined, 50], ['r7', 'c1', 7], ['rare', 'c2', 1], ['absent', undefined, 5]] as const) {
        const seen: number[] = [];
        for (let beforeSeq: number | undefined; ;) {
          const page = await reopened.searchAudit({ count, entityType: 'Location', entityId: id, ...(client ? { clientId: client } : {}), ...(beforeSeq ? { beforeSeq } : {}) });
          seen.push(...page.map((r) => r.seq));
          if (page.length < count) break;
          beforeSeq = page[page.length - 1].seq;
        }
        expect(seen, `${id} ${client ?? ''}`).toEqual(expected(id, client));
      }
    } finally {
      await reopened.close();
    }
    const check = new Database(file, { readonly: true });
    try {
      expect(check.prepare("SELECT epoch FROM audit_chunk_entities WHERE entity_id = 'rare' ORDER BY epoch").all()).toEqual([{ epoch: 0 }, { epoch: 1 }]);
    } finally {
      check.close();
    }
  });

  it('reads by id see at once what any connection commits (the remembered view references are dropped)', async () => {
    const file = join(dir, 'view-refs.sqlite');
    const server = await openSqliteStore(file);
    await server.migrate();
    const other = await openSqliteStore(file); // another process's connection to the same file
    try {
      const version = async () => (await server.readViewAsBytes!('Organization', 'a', 1))?.version ?? null;
      expect(await version()).toBe(null);
      await server.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'a' })));
      expect(await version()).toBe(1);
      expect(await version()).toBe(1);
      await other.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'a', version: 2 })));
      expect(await version()).toBe(2);
      const bytes = (await server.readViewAsBytes!('Organization', 'a', 1))!.bytes!.toString('utf8');
      expect(JSON.parse(bytes).meta.versionId).toBe('2');
      await other.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'a', version: 3, profiles: [0] })));
      expect((await server.readViewAsBytes!('Organization', 'a', 1))?.bytes).toBe(null);
    } finally {
      await other.close();
      await server.close();
    }
  });

  it('forgets remembered view references when too many pile up without a commit', () => {
    const db = new Database(':memory:');
    const cache = new ViewRefCache(db);
    let lookups = 0;
    const lookup = () => {
      lookups++;
      return { version: 1, last_updated: 0, bid: 1 };
    };
    cache.get(1, 'Location', 'first', lookup);
    for (let i = 0; i < 100_000; i++) cache.get(1, 'Location', `l${i}`, lookup);
    const before = lookups;
    cache.get(1, 'Location', 'first', lookup);
    expect(lookups).toBe(before + 1);
    cache.get(1, 'Location', 'first', lookup);
    expect(lookups).toBe(before + 1);
    db.close();
  });

  it('gives bodies successive ids and a surrogate digest instead of hashing them', async () => {
    const file = join(dir, 'surrogate.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'a' })));
    await store.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'b' })));
    expect((await store.readResource('Organization', 'b'))?.body).toBeTruthy();
    await store.close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT bid, digest FROM bodies ORDER BY bid').all() as { bid: number; digest: Buffer }[];
    db.close();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    rows.forEach((r, i) => {
      expect(r.bid).toBe(rows[0].bid + i);
      expect(r.digest.equals(surrogateDigest(r.bid))).toBe(true);
    });
  });

  it('stores identical view bodies once', async () => {
    const file = join(dir, 'dedupe.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.transaction(async (tx) => {
      await tx.write(change({ type: 'Organization', id: 'a' }));
      await tx.write(change({ type: 'Organization', id: 'b', profiles: [1, 2] }));
    });
    await store.close();
    const db = new Database(file, { readonly: true });
    const bodies = db.prepare('SELECT COUNT(*) AS n FROM bodies').get() as { n: number };
    const views = db.prepare('SELECT COUNT(*) AS n FROM views WHERE bid IS NOT NULL').get() as { n: number };
    db.close();
    expect(views.n).toBe(8);
    expect(bodies.n).toBe(2);
  });

  it('stores a resource body held by one of its views once', async () => {
    const file = join(dir, 'in-view.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    const body = '{"resourceType":"Location","id":"l","name":"x"}';
    const meta = ',"meta":{"versionId":"1"}';
    const view = body.slice(0, 31) + meta + body.slice(31);
    await store.transaction(async (tx) => tx.write({
      resource: { type: 'Location', id: 'l', version: 1, lastUpdated: 1, body },
      views: [0, 1].map((profile) => ({ profile, version: 1, lastUpdated: 1, body: view, hash: 'h' })),
      index: [],
      resourceInView: { profile: 1, cutStart: 31, cutLength: meta.length },
    }));
    expect((await store.readResource('Location', 'l'))?.body).toBe(body);
    await store.close();
    const db = new Database(file, { readonly: true });
    const bodies = db.prepare('SELECT body FROM bodies').all() as { body: string }[];
    db.close();
    expect(bodies.map((b) => b.body)).toEqual([view]);
  });

  it('stores a view given with its parts as a list of pieces, each long list item once for every version, and forgets the parts of a rolled back transaction', async () => {
    const file = join(dir, 'parts.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    const item = (n: number, v: number) => `{"url":"u${n}","valueString":"${'indicator '.repeat(10)}${n}.${v}"}`;
    const pieces = (version: number, changed: number): string[] => [
      `{"resourceType":"Location","id":"lp","meta":{"versionId":"${version}"},"extension":[`, item(1, 0), ',', item(2, changed), ',', item(3, 0), `],"name":"${'n'.repeat(2100)}"}`,
    ];
    const write = (version: number, changed: number) => (tx: StoreTx) => tx.write({
      resource: { type: 'Location', id: 'lp', version, lastUpdated: version, body: `{"v":${version}}` },
      views: [{ profile: 0, version, lastUpdated: version, body: pieces(version, changed).join(''), parts: pieces(version, changed), hash: `h${version}` }],
      index: [],
    });
    await store.transaction(write(1, 1));
    await store.transaction(write(2, 2));
    // the part of item (2, 3) is inserted, then rolled back: the next transaction must insert it again
    await expect(store.transaction(async (tx) => {
      await write(3, 3)(tx);
      throw new Error('abandoned');
    })).rejects.toThrow('abandoned');
    await store.transaction(write(3, 3));
    expect((await store.readViewVersion('Location', 'lp', 0, 3))?.body).toBe(pieces(3, 3).join(''));
    await store.close();
    const db = new Database(file, { readonly: true });
    const parts = db.prepare('SELECT text FROM body_parts ORDER BY part').all() as { text: string }[];
    const bodies = db.prepare("SELECT body, parts FROM bodies WHERE parts IS NOT NULL ORDER BY bid").all() as { body: string; parts: string }[];
    db.close();
    expect(parts.map((p) => p.text)).toEqual([item(1, 0), item(2, 1), item(3, 0), item(2, 2), item(2, 3)]);
    expect(bodies).toHaveLength(3);
    expect(bodies.every((b) => b.body === '' && b.parts.length < 2400)).toBe(true);
    // the text between the parts (the meta and the name) is kept inline
    expect(JSON.parse(bodies[2].parts)).toEqual([pieces(3, 3)[0], 1, ',', 5, ',', 3, pieces(3, 3)[6]]);
  });

  it('uses WAL and synchronous=FULL by default', async () => {
    const file = join(dir, 'pragmas.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('openStore refuses postgres URLs clearly when the adapter is missing', async () => {
    await expect(openStore('postgres://localhost/x')).rejects.toThrow(/PostgreSQL store/);
  });
});

describe('read path shortcuts', () => {
  it('readViewBytes gives the UTF-8 bytes of exactly the views readViews gives', async () => {
    const store = await openSqliteStore(join(dir, `bytes-${++n}.sqlite`));
    await store.migrate();
    const accented = (p: number) => JSON.stringify({ resourceType: 'Organization', id: 'a', name: `Hôpital Saint-Éloi ${p} — 🏥` });
    const a = change({ type: 'Organization', id: 'a' });
    a.views = a.views.map((v) => ({ ...v, body: v.profile === 0 ? null : accented(v.profile) }));
    await store.transaction(async (tx) => {
      await tx.write(a);
      await tx.write(change({ type: 'Organization', id: 'b', profiles: [1] }));
      await tx.write(change({ type: 'Organization', id: 'c', deleted: true }));
      await tx.write(change({ type: 'Location', id: 'a' }));
    });
    for (const profile of [0, 1, 2]) {
      const ids = ['a', 'b', 'c', 'missing'];
      const text = (await store.readViews('Organization', ids, profile)).map((x) => [x.id, x.view.version, x.view.lastUpdated, x.view.body]);
      const bytes = (await store.readViewBytes!('Organization', ids, profile)).map((x) => [x.id, x.version, x.lastUpdated, x.bytes.toString('utf8')]);
      expect(bytes.sort()).toEqual(text.sort());
    }
    expect((await store.readViewBytes!('Organization', ['a'], 2))[0].bytes.equals(Buffer.from(accented(2), 'utf8'))).toBe(true);
    // readViewAsBytes mirrors readView: null without a view, bytes null for a deletion
    for (const [id, profile] of [['a', 0], ['a', 1], ['b', 0], ['b', 1], ['c', 1], ['missing', 1]] as const) {
      const text = await store.readView('Organization', id, profile);
      const bytes = await store.readViewAsBytes!('Organization', id, profile);
      expect(bytes && [bytes.version, bytes.lastUpdated, bytes.bytes?.toString('utf8') ?? null]).toEqual(text && [text.version, text.lastUpdated, text.body]);
    }
    expect(await store.readViewBytes!('Organization', [], 1)).toEqual([]);
    await store.close();
  });

  it('a server store checkpoints the WAL on its writer thread, not in the COMMIT of a write', async () => {
    const file = join(dir, `checkpoint-${++n}.sqlite`);
    const store = await openSqliteStore(file, { backgroundCheckpoint: true, walAutocheckpointPages: 100 });
    await store.migrate();
    const before = statSync(file).size;
    const big = 'x'.repeat(20_000);
    for (let t = 0; t < 20; t++) {
      await store.transaction(async (tx) => {
        for (let i = 0; i < 10; i++) {
          const c = change({ type: 'Organization', id: `o${t}-${i}` });
          c.views = c.views.map((v) => (v.body === null ? v : { ...v, body: JSON.stringify({ resourceType: 'Organization', id: `o${t}-${i}`, name: `${big}${v.profile}` }) }));
          await tx.write(c);
        }
      });
    }
    // the write connection never checkpoints (wal_autocheckpoint 0): pages reach the database file only
    // through the writer thread's checkpoints
    for (let i = 0; i < 100 && statSync(file).size < before + 2_000_000; i++) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThan(before + 2_000_000);
    expect((await store.readViewAsBytes!('Organization', 'o19-9', 1))?.bytes?.length).toBeGreaterThan(20_000);
    await store.close();
  });

  it('a server store leaves fewer frames than its threshold in the WAL, however large the WAL file has grown', async () => {
    const file = join(dir, `checkpoint-${++n}.sqlite`);
    const store = await openSqliteStore(file, { backgroundCheckpoint: true, walAutocheckpointPages: 100 });
    await store.migrate();
    const big = 'x'.repeat(20_000);
    const write = (id: string, size: string) => store.transaction(async (tx) => {
      const c = change({ type: 'Organization', id });
      c.views = c.views.map((v) => (v.body === null ? v : { ...v, body: JSON.stringify({ resourceType: 'Organization', id, name: `${size}${v.profile}` }) }));
      await tx.write(c);
    });
    for (let i = 0; i < 20; i++) await write(`big-${i}`, big);
    const pending = new WalPending(file);
    try {
      for (let i = 0; i < 100 && pending.frames()! > 100; i++) await new Promise((r) => setTimeout(r, 50));
      expect(pending.frames()).toBeLessThanOrEqual(100);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(100 * 4096); // the file stays as large
      await write('small', 'y');
      const frames = pending.frames()!;
      expect(frames).toBeGreaterThan(0);
      // a few looks of the checkpoint thread later (every 250 ms), those frames are still waiting
      await new Promise((r) => setTimeout(r, 1000));
      expect(pending.frames()).toBeGreaterThanOrEqual(frames);
    } finally {
      pending.close();
      await store.close();
    }
  });

  it('served bytes follow every change of a view, whatever was served before (body cache)', async () => {
    const file = join(dir, `cache-${++n}.sqlite`);
    const store = await openSqliteStore(file);
    await store.migrate();
    const write = (name: string, profiles = [0, 1, 2, 3, 4, 5]) => {
      const c = change({ type: 'Organization', id: 'a', profiles });
      c.views = c.views.map((v) => (v.body === null ? v : { ...v, body: JSON.stringify({ resourceType: 'Organization', id: 'a', name: `${name} p${v.profile}` }) }));
      return store.transaction(async (tx) => tx.write(c));
    };
    const served = async (profile: number) => [
      (await store.readViewAsBytes!('Organization', 'a', profile))?.bytes?.toString() ?? null,
      (await store.readViewBytes!('Organization', ['a'], profile))[0]?.bytes.toString() ?? null,
    ];
    await write('first');
    expect(await served(1)).toEqual([`{"resourceType":"Organization","id":"a","name":"first p1"}`, `{"resourceType":"Organization","id":"a","name":"first p1"}`]);
    await write('second', [1]); // profile 0 loses the view, profile 1 gets new bytes
    expect(await served(1)).toEqual([`{"resourceType":"Organization","id":"a","name":"second p1"}`, `{"resourceType":"Organization","id":"a","name":"second p1"}`]);
    expect(await served(0)).toEqual([null, null]);
    // a write by another connection (another process) is seen as well
    const other = await openSqliteStore(file);
    const c = change({ type: 'Organization', id: 'a', profiles: [1] });
    c.views = c.views.map((v) => (v.body === null ? v : { ...v, body: '{"resourceType":"Organization","id":"a","name":"third"}' }));
    await other.transaction(async (tx) => tx.write(c));
    await other.close();
    expect(await served(1)).toEqual(['{"resourceType":"Organization","id":"a","name":"third"}', '{"resourceType":"Organization","id":"a","name":"third"}']);
    await store.close();
  });

  it('a filtered search carries its total on its rows, and still counts on a page past the end or of size 0', async () => {
    const store = await openSqliteStore(join(dir, `total-${++n}.sqlite`));
    await store.migrate();
    const tok = (mask: number) => [{ kind: 'token' as const, param: 'type', system: 's', code: 'x', mask }];
    await store.transaction(async (tx) => {
      for (let i = 0; i < 7; i++) await tx.write(change({ type: 'Organization', id: `o${i}`, index: tok(i < 3 ? 63 : 2) }));
      await tx.write(change({ type: 'Organization', id: 'p0-hidden', profiles: [1], index: tok(63) }));
    });
    const query = (profile: number, extra: Partial<SearchQuery> = {}): SearchQuery => ({
      type: 'Organization', profile, count: 2, total: true, sort: [], where: [{ op: 'token', param: 'type', code: 'x' }], ...extra,
    });
    for (const [profile, total] of [[0, 3], [1, 8]]) {
      const first = await store.search(query(profile));
      expect([first.rows.length, first.more, first.total]).toEqual([2, true, total]);
      expect((await store.search(query(profile, { count: 0 }))).total).toBe(total);
      const past = await store.search(query(profile, { after: { values: [], id: 'zzz' } }));
      expect([past.rows.length, past.total]).toEqual([0, total]);
    }
    const none = await store.search(query(1, { where: [{ op: 'token', param: 'type', code: 'nothing' }] }));
    expect([none.rows.length, none.total]).toEqual([0, 0]);
    await store.close();
  });
});

describe('query plans (seeded planner statistics)', () => {
  it('drives "specialty + location.address-postalcode prefix" from the index rows, scanning nothing', async () => {
    const file = join(dir, 'plan.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.transaction(async (tx) => {
      await tx.write(change({ type: 'Location', id: 'l1', index: [{ kind: 'string', param: 'address-postalcode', value: '75001', mask: 63 }] }));
      await tx.write(change({ type: 'HealthcareService', id: 'h1', index: [
        { kind: 'token', param: 'specialty', system: 's', code: 'S1', mask: 63 },
        { kind: 'string', param: 'name', value: 'x', mask: 63 },
        { kind: 'reference', param: 'location', targetType: 'Location', targetId: 'l1', mask: 63 }] }));
      // one condition each: not in the intersection
      await tx.write(change({ type: 'HealthcareService', id: 'h2', index: [{ kind: 'token', param: 'specialty', system: 's', code: 'S1', mask: 63 }] }));
      await tx.write(change({ type: 'HealthcareService', id: 'h3', index: [{ kind: 'reference', param: 'location', targetType: 'Location', targetId: 'l1', mask: 63 }] }));
    });
    const query: SearchQuery = {
      type: 'HealthcareService', profile: 0, count: 20, total: true, sort: [{ param: 'name', descending: false }], where: [
        { op: 'token', param: 'specialty', system: 's', code: 'S1' },
        { op: 'chain', param: 'location', targetType: 'Location', where: [{ op: 'string', param: 'address-postalcode', mode: 'prefix', value: '75' }] }],
    };
    expect((await store.search(query)).rows.map((r) => r.id)).toEqual(['h1']);
    await store.close();

    const db = new Database(file, { readonly: true });
    const params = new Map((db.prepare('SELECT type, param, pid, kind FROM search_params').all() as { type: string; param: string; pid: number; kind: IndexKind }[])
      .map((r) => [`${r.type}.${r.param}`, { pid: r.pid, kind: r.kind }]));
    const compiled = compileSearch(query, sqliteDialect, (t, p) => params.get(`${t}.${p}`));
    // the two row sets are intersected before any resource is read
    expect(compiled.select.text.match(/ INTERSECT /g)?.length).toBe(1);
    expect(compiled.selectWithTotal).toBeDefined();
    for (const stmt of [compiled.select, compiled.total!, compiled.selectWithTotal!]) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${stmt.text}`).all(...stmt.args) as { detail: string }[]).map((r) => r.detail);
      // the window count reads back the matches it collected (its subquery), nothing else
      expect(plan.filter((d) => /^SCAN /.test(d) && !/^SCAN (q|\(subquery-\d+\))$/.test(d))).toEqual([]);
      expect(plan.some((d) => d.includes('idx_token_value (pid=? AND code=? AND system=?)'))).toBe(true);
      expect(plan.some((d) => d.includes('USING INDEX sqlite_autoindex_res_1 (type=?)'))).toBe(false);
    }
    db.close();
  });
});

describe('bulk loads (deferred value indexes)', () => {
  const schemaOf = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return {
        indexes: db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name").all(),
        stats: db.prepare('SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY idx').all(),
      };
    } finally {
      db.close();
    }
  };
  const valueIndexes = (db: Database.Database) =>
    (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'idx%value' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const token = { kind: 'token' as const, param: 'type', system: 's', code: 'c', mask: 63 };

  it('drops the value indexes of an empty search index and rebuilds them as they were, planner statistics included', async () => {
    const file = join(dir, 'defer-unit.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.close();
    const before = schemaOf(file);
    const db = new Database(file);
    try {
      expect(valueIndexes(db)).toEqual(['idx_date_value', 'idx_geo_value', 'idx_number_value', 'idx_quantity_value', 'idx_string_value', 'idx_token_value', 'idx_uri_value']);
      db.exec('BEGIN');
      const rebuild = deferValueIndexes(db);
      expect(rebuild).not.toBeNull();
      expect(valueIndexes(db)).toEqual([]);
      // the indexes the load reads through stay
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('idx_reference_target', 'idx_token_rid')").get()).toEqual({ n: 2 });
      db.prepare('INSERT INTO idx_token (rid, pid, system, code, mask) VALUES (1, 1, ?, ?, 63)').run('s', 'c');
      rebuild!();
      db.exec('COMMIT');
      // a search index holding rows: rebuilding it would cost more than maintaining it
      db.exec('BEGIN');
      expect(deferValueIndexes(db)).toBeNull();
      expect(valueIndexes(db)).toHaveLength(7);
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
    expect(schemaOf(file)).toEqual(before);
  });

  it('a bulk transaction leaves the schema as it was, committed or rolled back, and its rows are searchable', async () => {
    const file = join(dir, 'defer-store.sqlite');
    const store = await openSqliteStore(file);
    try {
      await store.migrate();
      const before = schemaOf(file);
      await expect(store.transaction(async (tx) => {
        await tx.write(change({ type: 'Organization', id: 'a', index: [token] }));
        throw new Error('abandoned');
      }, { bulk: true })).rejects.toThrow('abandoned');
      expect(schemaOf(file)).toEqual(before);
      await store.transaction(async (tx) => tx.write(change({ type: 'Organization', id: 'b', index: [token] })), { bulk: true });
      expect(schemaOf(file)).toEqual(before);
      const found = await store.search({ type: 'Organization', profile: 0, where: [{ op: 'token', param: 'type', system: 's', code: 'c' }], sort: [], count: 10, total: true });
      expect([found.rows.map((r) => r.id), found.total]).toEqual([['b'], 1]);
    } finally {
      await store.close();
    }
  });
});
