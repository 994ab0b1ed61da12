import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { change } from '../contract.fixtures.js';
import type { ResourceWrite, StoreReader, StoreTx } from '../contract.js';
import type { IndexEntry } from '../query.js';
import { SqlReader } from '../sql/reader.js';
import { SqliteConnection } from './connection.js';
import { openSqliteStore } from './store.js';
import Database from 'better-sqlite3';

const dir = mkdtempSync(join(tmpdir(), 'ror-tx-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const IDS = ['a', 'b', 'c', 'd'];

/** A small deterministic generator (the sequence must be the same at every run). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Everything a write transaction reads about the resources, as plain data. */
async function snapshot(r: StoreReader): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const id of IDS) {
    out[`resource ${id}`] = await r.readResource('Location', id);
    out[`states ${id}`] = await r.readViewStates('Location', id);
    out[`referrers ${id}`] = await r.referrers('Location', id);
    out[`referrers ${id} partof`] = await r.referrers('Location', id, ['partof']);
  }
  const listed = await r.readResources(IDS.map((id) => ({ type: 'Location', id })));
  out.listed = listed.sort((x, y) => x.id.localeCompare(y.id));
  return out;
}

describe('the write connection remembers what its transactions read', () => {
  it('answers exactly as the database through own writes, rollbacks and other connections\' commits', async () => {
    const file = join(dir, `db-${++n}.sqlite`);
    const store = await openSqliteStore(file);
    const other = await openSqliteStore(file);
    await store.migrate();
    const random = prng(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const versions = new Map<string, number>();
    const nextWrite = async (tx: StoreTx): Promise<ResourceWrite> => {
      const id = pick(IDS);
      const version = Math.max(versions.get(id) ?? 0, (await tx.readResource('Location', id))?.version ?? 0) + 1;
      versions.set(id, version);
      const refs: IndexEntry[] = IDS.filter(() => random() < 0.4).map((t) => ({ kind: 'reference', param: 'partof', targetType: 'Location', targetId: t, mask: 63 }));
      const kind = random();
      const profiles = [0, 1, 2, 3, 4, 5].filter(() => random() < 0.7);
      if (kind < 0.15) return change({ type: 'Location', id, version, deleted: true, index: [] });
      const written = change({ type: 'Location', id, version, lu: version * 10, viewLu: version * 10 + 1, profiles, index: [...refs, { kind: 'token', param: 'status', system: null, code: `s${version}`, mask: 63 }] });
      const stored = await tx.readResource('Location', id);
      if (kind < 0.25 && stored?.body) {
        // the references only (an offer moved to another Location)
        return { ...written, index: refs, indexScope: [{ param: 'partof', kind: 'reference' }] };
      }
      if (kind < 0.35 && stored?.body) {
        // a capacity-like change: the token rows only, the references kept
        return { ...written, index: [{ kind: 'token', param: 'status', system: null, code: `s${version}`, mask: 63 }], indexScope: [{ param: 'status', kind: 'token' }] };
      }
      if (kind < 0.45 && stored) {
        // views only (a re-render because a neighbour changed)
        return { ...written, resource: { ...stored }, resourceUnchanged: true, index: null, views: written.views.slice(0, 3) };
      }
      return written;
    };
    try {
      for (let step = 0; step < 120; step++) {
        const what = random();
        if (what < 0.5) {
          await store.transaction(async (tx) => {
            await snapshot(tx); // fills the cache
            for (let i = 0; i < 1 + Math.floor(random() * 3); i++) await tx.write(await nextWrite(tx));
          });
        } else if (what < 0.7) {
          // written through, then rolled back: none of it may be remembered
          await expect(store.transaction(async (tx) => {
            await tx.write(await nextWrite(tx));
            await snapshot(tx);
            throw new Error('rolled back');
          })).rejects.toThrow('rolled back');
          versions.clear();
        } else {
          // another connection commits: the remembered answers are stale
          await other.transaction(async (tx) => {
            await tx.write(await nextWrite(tx));
          });
        }
        // the write transaction's answers, from the cache where it can, against the read connection's
        expect(await store.transaction((tx) => snapshot(tx))).toEqual(await snapshot(store));
      }
    } finally {
      await other.close();
      await store.close();
    }
  });

  it('reads a resource, its view states and its referrers once while nothing else commits', async () => {
    const store = await openSqliteStore(join(dir, `db-${++n}.sqlite`));
    await store.migrate();
    try {
      await store.transaction(async (tx) => tx.write(change({ type: 'Location', id: 'a', index: [{ kind: 'reference', param: 'partof', targetType: 'Location', targetId: 'b', mask: 63 }] })));
      const reads = [vi.spyOn(SqlReader.prototype, 'readResource'), vi.spyOn(SqlReader.prototype, 'readViewStates'), vi.spyOn(SqlReader.prototype, 'referrers')];
      try {
        for (let i = 0; i < 3; i++) {
          await store.transaction(async (tx) => {
            await tx.readResource('Location', 'a');
            await tx.readViewStates('Location', 'a');
            await tx.referrers('Location', 'b');
          });
        }
        // the first write filled the resource (write-through); its view states and referrers once each
        expect(reads.map((r) => r.mock.calls.length)).toEqual([0, 1, 1]);
      } finally {
        for (const r of reads) r.mockRestore();
      }
    } finally {
      await store.close();
    }
  });

  it('rewrites scoped index rows from the rows it remembers, exactly as from the database', async () => {
    const file = join(dir, `db-${++n}.sqlite`);
    const store = await openSqliteStore(file);
    const other = await openSqliteStore(file);
    await store.migrate();
    const raw = new Database(file, { readonly: true });
    const nb = (...values: number[]): IndexEntry[] => values.map((value) => ({ kind: 'number', param: 'nb', value, mask: 63 }));
    const status: IndexEntry = { kind: 'token', param: 'status', system: null, code: 'open', mask: 63 };
    const scope = [{ param: 'nb', kind: 'number' as const }];
    let version = 0;
    const scoped = (values: number[]): ResourceWrite => ({ ...change({ type: 'Location', id: 'a', version: ++version }), index: nb(...values), indexScope: scope });
    const rows = () => raw.prepare("SELECT x.value FROM idx_number x JOIN res r ON r.rid = x.rid WHERE r.id = 'a' ORDER BY x.value").pluck().all();
    const tokens = () => raw.prepare("SELECT x.code FROM idx_token x JOIN res r ON r.rid = x.rid WHERE r.id = 'a'").pluck().all();
    const selects = vi.spyOn(SqliteConnection.prototype, 'allSync');
    const reads = () => selects.mock.calls.filter(([sql]) => String(sql).includes('FROM idx_number') && String(sql).includes('pid IN')).length; // scoped reads
    try {
      await store.transaction(async (tx) => tx.write({ ...change({ type: 'Location', id: 'a', version: ++version }), index: [status, ...nb(1, 2, 3, 4, 5)] }));
      await store.transaction(async (tx) => tx.write(scoped([1, 2, 7, 4, 5])));
      expect(reads()).toBe(1);
      // one row changed in place: the next scoped write compares with the remembered rows
      await store.transaction(async (tx) => tx.write(scoped([1, 2, 8, 4, 6])));
      expect(reads()).toBe(1);
      expect(rows()).toEqual([1, 2, 4, 6, 8]);
      // a row removed, then one changed and one added: still from the remembered rows
      await store.transaction(async (tx) => tx.write(scoped([1, 2, 8, 4])));
      expect(rows()).toEqual([1, 2, 4, 8]);
      await store.transaction(async (tx) => tx.write(scoped([1, 2, 9, 4, 11])));
      expect(reads()).toBe(1);
      expect(rows()).toEqual([1, 2, 4, 9, 11]);
      await store.transaction(async (tx) => tx.write(scoped([1, 2, 9, 4])));
      expect(reads()).toBe(1);
      expect(rows()).toEqual([1, 2, 4, 9]);
      // rolled back: what it rewrote is forgotten
      await expect(store.transaction(async (tx) => {
        await tx.write(scoped([1, 2, 10, 4]));
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      version--;
      await store.transaction(async (tx) => tx.write(scoped([1, 3, 9, 4])));
      expect(reads()).toBe(2);
      expect(rows()).toEqual([1, 3, 4, 9]);
      // another connection rewrites the rows: what was remembered is stale
      await other.transaction(async (tx) => tx.write({ ...change({ type: 'Location', id: 'a', version: ++version }), index: [status, ...nb(20, 21, 22)] }));
      await store.transaction(async (tx) => tx.write(scoped([20, 23, 22])));
      expect(reads()).toBe(3);
      expect(rows()).toEqual([20, 22, 23]);
      // a whole write of this connection: forgotten too
      await store.transaction(async (tx) => tx.write(scoped([20, 24, 22])));
      await store.transaction(async (tx) => tx.write({ ...change({ type: 'Location', id: 'a', version: ++version }), index: [status, ...nb(30, 31)] }));
      await store.transaction(async (tx) => tx.write(scoped([30, 32])));
      expect(reads()).toBe(4);
      expect(rows()).toEqual([30, 32]);
      expect(tokens()).toEqual(['open']);
    } finally {
      selects.mockRestore();
      raw.close();
      await other.close();
      await store.close();
    }
  });

  it('is not used by a bulk load, which leaves nothing stale behind', async () => {
    const store = await openSqliteStore(join(dir, `db-${++n}.sqlite`));
    await store.migrate();
    try {
      await store.transaction(async (tx) => tx.write(change({ type: 'Location', id: 'a', version: 1 })));
      await store.transaction(async (tx) => tx.write(change({ type: 'Location', id: 'a', version: 2 })), { bulk: true });
      expect((await store.transaction((tx) => tx.readResource('Location', 'a')))?.version).toBe(2);
    } finally {
      await store.close();
    }
  });
});
