import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditBatch, AuditBatcher, Store } from '../../store/contract.js';
import { openSqliteStore } from '../../store/sqlite/store.js';
import { auditRecord, renderAuditEvent, type AuditFacts } from './event.js';
import { AuditLog } from './log.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-audit-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await openSqliteStore(join(dir, `audit-${++n}.sqlite`));
  await store.migrate();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

const caller = (clientId: string) => ({ clientId, cu: 'CU22', profile: 1 as const, operator: false, write: [], egs: [], userProfileCode: 'Médecin ☤', userRoleCode: undefined });

/** Events of every shape: one entity, none, several, a search with its query, no caller, texts beyond ASCII. */
function facts(i: number): AuditFacts {
  switch (i % 4) {
    case 0: return { caller: caller('outil-é'), interaction: 'read', action: 'R', entities: [{ type: 'Location', id: `loc-${i}` }], status: 200, at: 1_800_000_000_000 + i };
    case 1: return { caller: caller('tool-b'), interaction: 'search-type', action: 'E', entities: [{ type: 'Location', id: null }], query: `name=Hôpital 🏥 ${i}&x="y"\n`, status: 200, at: 1_800_000_000_000 + i };
    case 2: return { interaction: 'read', action: 'R', entities: [], status: 401, at: 1_800_000_000_000 + i };
    default: return { caller: caller('tool-b'), interaction: 'transaction', action: 'E', entities: [{ type: 'Location', id: `loc-${i}` }, { type: 'Organization', id: `org-${i}` }], writeProfile: 'A', status: 403, at: 1_800_000_000_000 + i };
  }
}

/** The whole trail as AuditEvents, oldest first. */
async function trail(store: Store): Promise<Record<string, unknown>[]> {
  const rows = await store.searchAudit({ count: 100_000 });
  return rows.reverse().map((r) => JSON.parse(renderAuditEvent(r.seq, r.body)));
}

const expected = (all: AuditFacts[]) => all.map((f, i) => JSON.parse(renderAuditEvent(i + 1, auditRecord(f).body as string)));

/** The store's own batcher, failing its first `failures` appends. */
function failing(store: Store, failures: number): AuditBatcher & { attempts: number } {
  const real = store.auditBatcher!();
  const out = {
    attempts: 0,
    add: real.add,
    get size() {
      return real.size;
    },
    take: () => real.take(),
    append(batch: AuditBatch) {
      out.attempts++;
      return out.attempts <= failures ? Promise.reject(new Error('disk full')) : real.append(batch);
    },
  };
  return out;
}

describe('batched audit of reads', () => {
  it('stores an event\'s facts as compact JSON text', () => {
    expect(JSON.parse(auditRecord(facts(3)).body as string)).toEqual({
      i: 'transaction', a: 'E', e: [['Location', 'loc-3'], ['Organization', 'org-3']], s: 403, t: 1_800_000_000_003,
      c: ['tool-b', 'CU22', 1, false, 'Médecin ☤', null], w: 'A',
    });
    expect(JSON.parse(auditRecord(facts(1)).body as string)).toMatchObject({ e: [['Location', null]], q: 'name=Hôpital 🏥 1&x="y"\n' });
    expect(JSON.parse(auditRecord(facts(2)).body as string)).toEqual({ i: 'read', a: 'R', e: [], s: 401, t: 1_800_000_000_002 });
  });

  for (const [label, view] of [['the store\'s batcher', (s: Store) => s], ['kept records', (s: Store) => ({ ...s, auditBatcher: undefined })]] as const) {
    it(`appends every event, whatever its shape, in order (${label})`, async () => {
      await withStore(async (store) => {
        const log = new AuditLog(view(store), { maxBatch: 7, intervalMs: 5 });
        const all = Array.from({ length: 50 }, (_, i) => facts(i));
        for (const f of all) log.record(auditRecord(f));
        await log.close();
        expect(await trail(store)).toEqual(expected(all));
        const byEntity = await store.searchAudit({ count: 100, entityType: 'Organization', entityId: 'org-3' });
        expect(byEntity.map((r) => r.seq)).toEqual([4]);
      });
    });
  }

  it('grows its buffers for a batch larger than they are', async () => {
    await withStore(async (store) => {
      const log = new AuditLog(store, { maxBatch: 1000 });
      const long = 'é'.repeat(300_000);
      const all = Array.from({ length: 6 }, (_, i) => ({ ...facts(1), query: `${long}${i}`, at: i }));
      for (const f of all) log.record(auditRecord(f));
      await log.close();
      expect(await trail(store)).toEqual(expected(all));
    });
  });

  it('appends a refused batch again before the next ones, so that no event is lost or doubled', async () => {
    await withStore(async (store) => {
      const batcher = failing(store, 1);
      const errors: unknown[] = [];
      const log = new AuditLog(store, { batcher, maxBatch: 1_000_000, onError: (e) => errors.push(e) });
      const all = Array.from({ length: 20 }, (_, i) => facts(i));
      for (const f of all.slice(0, 10)) log.record(auditRecord(f));
      await log.flush();
      expect(errors.map(String)).toEqual(['Error: disk full']);
      expect(await trail(store)).toEqual([]);
      for (const f of all.slice(10)) log.record(auditRecord(f));
      await log.close();
      expect(await trail(store)).toEqual(expected(all));
    });
  });

  it('drops the oldest batches beyond its bound while the store refuses them, and says so', async () => {
    await withStore(async (store) => {
      const batcher = failing(store, 3);
      const errors: string[] = [];
      const log = new AuditLog(store, { batcher, maxBatch: 1_000_000, maxPending: 10, onError: (e) => errors.push(String(e)) });
      const all = Array.from({ length: 18 }, (_, i) => facts(i));
      for (const [from, to] of [[0, 6], [6, 12], [12, 18]]) {
        for (const f of all.slice(from, to)) log.record(auditRecord(f));
        await log.flush();
      }
      expect(errors).toEqual(['Error: disk full', 'Error: disk full', 'Error: audit backlog full: oldest events dropped', 'Error: disk full', 'Error: audit backlog full: oldest events dropped']);
      await log.close();
      expect(await trail(store)).toEqual(expected(all.slice(12)).map((e, i) => ({ ...e, id: String(i + 1) })));
    });
  });
});
