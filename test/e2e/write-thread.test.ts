// The write thread (src/server/write-thread.ts): a server running its writes on a thread answers exactly
// what a server running them on the event loop answers (statuses, headers, bodies, refusals, the audit);
// the national identifiers it remembers follow every change that matters, whoever commits it; and the
// thread's lifecycle (closed: 503; unknown interaction: a fault, never an answer).
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFixture } from '../fixtures/directory.js';
import { capacityPatch } from '../../src/fhir/write/index.js';
import { WriteThread } from '../../src/server/write-thread.js';
import { postgresAvailable, TestSchemas } from '../../src/store/postgres/testing.js';
import { openTestDatabase } from '../helpers/server.js';
import { indicators, startWriteServer, type Reply, type WriteServer } from './write-helpers.js';

const NATIONAL = '/fhir/Location?identifier=350000741/SYNC-loc-cardio';
const NEW_ORG = { resourceType: 'Organization', id: 'org-thread', name: 'Written through the thread' };

/** The same writes, their refusals included, in order: [client, method, path, body, headers]. */
const SCRIPT: [string | null, string, string, unknown, Record<string, string>?][] = [
  ['beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 7 })],
  ['beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', temporality: '03', gender: '01', nb: 2 })], // 404: add it
  ['beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', temporality: '03', gender: '01', nb: 2 }, 'add')],
  ['beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '01', temporality: '03', nb: 1 }, 'add')], // 400 business-rule
  ['beds-ehpad', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 1 })], // 403: another EG
  ['beds-chu', 'PATCH', '/fhir/Location/loc-cardio', capacityPatch({ status: '02', nb: 3 }), { 'if-match': 'W/"1"' }], // 412: stale
  ['operator', 'PUT', `/fhir/Organization/${NEW_ORG.id}`, NEW_ORG],
  ['operator', 'DELETE', `/fhir/Organization/${NEW_ORG.id}`, undefined],
  ['operator', 'POST', '/fhir', { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'DELETE', url: 'Organization/nope' } }] }],
  ['reader', 'POST', '/fhir/Organization', NEW_ORG], // 403: no write profile
];

/** An answer without what differs between two servers by nature (instants, generated ids). */
function comparable(r: Reply): unknown {
  const text = r.text
    .replace(/"lastUpdated":"[^"]+"/g, '"lastUpdated":"*"')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '*')
    .replace(/"id":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g, '"id":"*"');
  const headers = Object.fromEntries(['content-type', 'etag', 'ror-resource-version', 'location'].map((h) => [h, r.headers.get(h)?.replace(/^https?:\/\/[^/]+/, '')]));
  return { status: r.status, headers, text };
}

// PostgreSQL: the write thread has a pool of its own on the same schema
const schemas = new TestSchemas(undefined, 'ror_write_thread');
const pgAvailable = await postgresAvailable();
afterAll(() => schemas.dropAll());

/** The same writes on a server with the thread and on one without, on a new database of the kind
 * `database` gives (undefined: a SQLite file). */
function sameAnswers(label: string, enabled: boolean, database: () => string | undefined): void {
  describe.runIf(enabled)(`writes on the write thread, ${label}`, () => {
    let inline: WriteServer;
    let threaded: WriteServer;
    beforeAll(async () => {
      inline = await startWriteServer(directoryFixture(), { writeThread: null, db: database() });
      threaded = await startWriteServer(directoryFixture(), { db: database() });
    }, 60_000);
    afterAll(async () => {
      await inline?.close();
      await threaded?.close();
    });

    it('answer exactly as writes on the event loop, refusals included', async () => {
      const statuses: number[] = [];
      for (const [client, method, path, body, headers] of SCRIPT) {
        const a = await inline.call(client, method, path, body, headers);
        const b = await threaded.call(client, method, path, body, headers);
        expect(comparable(b)).toEqual(comparable(a));
        statuses.push(b.status);
      }
      // the national PATCHes after the first find their Location: a capacity PATCH keeps its other index rows
      expect(statuses).toEqual([200, 404, 200, 400, 403, 412, 201, 204, 200, 403]);
    });

    it('read back the versions they wrote as the event loop does (bodies stored as parts on SQLite)', async () => {
      for (let nb = 20; nb < 24; nb++) {
        for (const s of [inline, threaded]) expect((await s.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb }))).status).toBe(200);
      }
      const reads: [string, string][] = [
        ['operator', '/fhir/Location/loc-cardio/_history'], ['operator', '/fhir/Location/loc-cardio/_history/2'],
        ['beds-chu', '/fhir/Location/loc-cardio/_history'], ['beds-chu', '/fhir/Location/loc-cardio'], ['reader', '/fhir/Location?_id=loc-cardio'],
      ];
      for (const [client, path] of reads) {
        // the servers' own addresses (links, full URLs) apart
        const local = (r: Reply) => comparable({ ...r, text: r.text.replace(/http:\/\/127\.0\.0\.1:\d+/g, '') });
        const a = await inline.call(client, 'GET', path);
        const b = await threaded.call(client, 'GET', path);
        expect(b.status).toBe(200);
        expect(local(b)).toEqual(local(a));
      }
      if (database() === undefined) {
        const db = new Database(join(threaded.dbDir, 'test.db'), { readonly: true });
        const composite = db.prepare('SELECT COUNT(*) AS n FROM bodies WHERE parts IS NOT NULL').get() as { n: number };
        db.close();
        expect(composite.n).toBeGreaterThan(0);
      }
    });

    it('are seen at once by the reads of the event loop, and audited once', async () => {
      const patched = await threaded.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 11 }));
      expect(patched.status).toBe(200);
      const read = await threaded.call('beds-chu', 'GET', '/fhir/Location/loc-cardio');
      expect(read.headers.get('etag')).toBe(patched.headers.get('etag'));
      expect(read.text).toBe(patched.text);
      const events = await threaded.store.searchAudit({ entityType: 'Location', entityId: 'loc-cardio', interaction: 'patch', count: 100 });
      const inlineEvents = await inline.store.searchAudit({ entityType: 'Location', entityId: 'loc-cardio', interaction: 'patch', count: 100 });
      expect(events.length).toBe(inlineEvents.length + 1);
    });

    it('never lose an update under concurrent PATCHes of one Location', async () => {
      const before = (await threaded.call('beds-chu', 'GET', '/fhir/Location/loc-cardio')).body;
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => threaded.call('beds-chu', 'PATCH', NATIONAL, capacityPatch({ status: '02', nb: 100 + i }))));
      expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
      // each PATCH is a version of its own, and none added or lost an indicator
      const versions = replies.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => Number(before.meta.versionId) + 1 + i));
      expect(Object.keys(indicators((await threaded.call('beds-chu', 'GET', '/fhir/Location/loc-cardio')).body))).toEqual(Object.keys(indicators(before)));
    });
  });
}

sameAnswers('on SQLite', true, () => undefined);
sameAnswers('on PostgreSQL', pgAvailable, () => schemas.next());

describe('national identifiers remembered by the write thread', () => {
  const SYNC_TYPE = { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R345-TypeIdentifiantAutre/FHIR/TRE-R345-TypeIdentifiantAutre', code: '26' }] };
  const withSync = (loc: any, value: string) => ({ ...loc, identifier: [...(loc.identifier ?? []).filter((i: any) => i.type?.coding?.[0]?.code !== '26'), { type: SYNC_TYPE, value }] });
  let s: WriteServer;
  beforeAll(async () => {
    s = await startWriteServer(directoryFixture());
  });
  afterAll(async () => s?.close());

  // a remembered answer that is stale in the dangerous direction: a second Location takes the identifier,
  // and the national PATCH must then be 412 (two matches), not a patch of the first one
  const twin = (id: string, sync: string) => ({
    resourceType: 'Location', id, name: id, identifier: [{ type: SYNC_TYPE, value: sync }], managingOrganization: { reference: 'Organization/eg-chu' },
  });

  /** Gives loc-cardio the idExterneSynchro `sync`, patches it twice through it (the second time from
   * memory), lets `addTwin` write a second Location with it, and returns the status of the next PATCH. */
  const afterTwin = async (sync: string, addTwin: () => Promise<void>): Promise<number> => {
    const loc = (await s.call('operator', 'GET', '/fhir/Location/loc-cardio')).body;
    expect((await s.call('operator', 'PUT', '/fhir/Location/loc-cardio', withSync(loc, sync))).status).toBe(200);
    const path = `/fhir/Location?identifier=350000741/${sync}`;
    for (const nb of [1, 2]) expect((await s.call('beds-chu', 'PATCH', path, capacityPatch({ status: '02', nb }))).status).toBe(200);
    await addTwin();
    return (await s.call('beds-chu', 'PATCH', path, capacityPatch({ status: '02', nb: 3 }))).status;
  };

  it('follow a Location written through the server', async () => {
    expect(await afterTwin('SYNC-one', async () => {
      expect((await s.call('operator', 'PUT', '/fhir/Location/loc-twin-1', twin('loc-twin-1', 'SYNC-one'))).status).toBe(201);
    })).toBe(412);
  });

  it('follow a Location committed by another connection', async () => {
    // the server's own store: not the write thread's connection
    expect(await afterTwin('SYNC-two', () => s.ingest([twin('loc-twin-2', 'SYNC-two') as any]))).toBe(412);
  });
});

describe('the write thread', () => {
  it('refuses writes once closed (503), and reports an unknown interaction as a fault', async () => {
    const { dir, store } = await openTestDatabase('ror-write-thread-');
    const thread = new WriteThread({ db: join(dir, 'test.db') });
    try {
      await thread.start();
      const caller = { clientId: 'operator', cu: 'OPERATOR', profile: 1 as const, operator: true, write: [], egs: [] };
      const created = await thread.run('update', caller, 'http://x/fhir', {}, ['Organization', 'org-t', { resourceType: 'Organization', id: 'org-t', name: 'T' }]);
      expect(created.response.status).toBe(201);
      expect(created.audited).toBe(true);
      expect((await store.readResource('Organization', 'org-t'))?.version).toBe(1);
      await expect(thread.run('explode' as 'update', caller, 'http://x/fhir', {}, [] as never)).rejects.toThrow(/unknown write operation 'explode'/);
      await thread.close();
      await expect(thread.run('delete', caller, 'http://x/fhir', {}, ['Organization', 'org-t'])).rejects.toMatchObject({ status: 503 });
    } finally {
      await thread.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
