// The store contract, as executable tests: every adapter runs runStoreContract(label, open) with a function
// opening a fresh, empty store. Fixtures use a few resources whose index rows and views differ per profile,
// so every check of visibility compares profile 0 (restricted) with profile 1 (sees more).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditQuery, AuditRecord, ClientRecord, ResourceWrite, Store } from './contract.js';
import type { IndexEntry, IndexKind, Predicate, SearchQuery } from './query.js';
import { bodyOf, change, type Fixture } from './contract.fixtures.js';

export { change };

const ALL = 0b111111;
const ONLY1 = 0b000010;

async function put(store: Store, ...fixtures: Fixture[]): Promise<void> {
  await store.transaction(async (tx) => {
    for (const f of fixtures) await tx.write(change(f));
  });
}

const q = (type: string, where: Predicate[], extra: Partial<SearchQuery> = {}): SearchQuery =>
  ({ type, profile: 0, where, sort: [], count: 100, total: false, ...extra });

const ids = async (store: Store, query: SearchQuery): Promise<string[]> => (await store.search(query)).rows.map((r) => r.id);
const sorted = (xs: string[]): string[] => [...xs].sort();

const tok = (param: string, system: string | null, code: string | null, mask = ALL, text?: string): IndexEntry => ({ kind: 'token', param, system, code, mask, text });
const str = (param: string, value: string, mask = ALL): IndexEntry => ({ kind: 'string', param, value, mask });
const num = (param: string, value: number, mask = ALL): IndexEntry => ({ kind: 'number', param, value, mask });
const date = (param: string, low: number, high: number, mask = ALL): IndexEntry => ({ kind: 'date', param, low, high, mask });
const ref = (param: string, targetType: string, targetId: string, mask = ALL): IndexEntry => ({ kind: 'reference', param, targetType, targetId, mask });

/** Organizations o1..o6, Locations l1..l4, HealthcareServices hs1..hs5 (see each line). */
const DATASET: Fixture[] = [
  { type: 'Organization', id: 'o1', viewLu: 1000, index: [
    tok('type', 'A', 'x', ALL, 'centre hospitalier'), str('name', 'hopital nord'), num('beds', 10), date('opened', 100, 199),
    { kind: 'quantity', param: 'dist', value: 5, system: 'u', code: 'km', mask: ALL },
    { kind: 'uri', param: 'url', value: 'http://a.fr/x/y', mask: ALL },
    { kind: 'geo', param: 'near', lat: 48.8566, lng: 2.3522, mask: ALL }] },
  { type: 'Organization', id: 'o2', viewLu: 2000, index: [
    tok('type', 'A', 'y'), str('name', 'clinique sud'), str('name', 'zz alias'), num('beds', 20), date('opened', 200, 299),
    { kind: 'quantity', param: 'dist', value: 5, system: 'u', code: 'mi', mask: ALL },
    { kind: 'uri', param: 'url', value: 'http://a.fr/x', mask: ALL },
    { kind: 'geo', param: 'near', lat: 45.764, lng: 4.8357, mask: ALL }, ref('partof', 'Organization', 'o1')] },
  // o3: name and beds hidden from profile 0
  { type: 'Organization', id: 'o3', viewLu: 3000, index: [
    tok('type', 'B', 'x'), str('name', 'hopital est', ONLY1), num('beds', 30, ONLY1), date('opened', 300, 399), ref('partof', 'Organization', 'o2')] },
  // o4: does not exist for profile 0
  { type: 'Organization', id: 'o4', viewLu: 4000, profiles: [1, 2, 3, 4, 5], index: [tok('type', 'A', 'x'), str('name', 'hopital cache'), num('beds', 40)] },
  { type: 'Organization', id: 'o5', viewLu: 5000, index: [tok('type', null, 'x'), str('name', 'centre'), ref('partof', 'Organization', 'o4')] },
  // o6: its partof row is hidden from profile 0
  { type: 'Organization', id: 'o6', viewLu: 6000, index: [ref('partof', 'Organization', 'o1', ONLY1)] },
  { type: 'Location', id: 'l1', index: [str('address-postalcode', '75001')] },
  { type: 'Location', id: 'l2', index: [str('address-postalcode', '69001')] },
  { type: 'Location', id: 'l3', index: [str('address-postalcode', '75002', ONLY1)] },
  { type: 'Location', id: 'l4', profiles: [1], index: [str('address-postalcode', '75003')] },
  { type: 'HealthcareService', id: 'hs1', index: [tok('specialty', 's', 'S1'), ref('location', 'Location', 'l1')] },
  { type: 'HealthcareService', id: 'hs2', profiles: [1], index: [tok('specialty', 's', 'S1'), ref('location', 'Location', 'l2')] },
  { type: 'HealthcareService', id: 'hs3', index: [tok('specialty', 's', 'S1'), ref('location', 'Location', 'l3')] },
  { type: 'HealthcareService', id: 'hs4', index: [tok('specialty', 's', 'S1'), ref('location', 'Location', 'l4')] },
  { type: 'HealthcareService', id: 'hs5', index: [tok('specialty', 's', 'S1'), ref('location', 'Location', 'l1', ONLY1)] },
];

export function runStoreContract(label: string, open: () => Promise<Store>): void {
  describe(`store contract: ${label}`, () => {
    describe('writes, versions and views', () => {
      let store: Store;
      beforeEach(async () => {
        store = await open();
        await store.migrate();
      });
      afterEach(async () => {
        await store.close();
      });

      it('migrate is idempotent', async () => {
        await store.migrate();
        await put(store, { type: 'Organization', id: 'a' });
        await store.migrate();
        expect((await store.readResource('Organization', 'a'))?.version).toBe(1);
      });

      it('keeps every resource version, deletions included', async () => {
        await put(store, { type: 'Organization', id: 'a', version: 1, lu: 100 });
        await put(store, { type: 'Organization', id: 'a', version: 2, lu: 200 });
        await put(store, { type: 'Organization', id: 'a', version: 3, lu: 300, deleted: true });
        const current = await store.readResource('Organization', 'a');
        expect(current).toEqual({ type: 'Organization', id: 'a', version: 3, lastUpdated: 300, body: null });
        expect((await store.readResourceVersion('Organization', 'a', 2))?.body).toBe(bodyOf('Organization', 'a', 2));
        expect(await store.readResourceVersion('Organization', 'a', 4)).toBeNull();
        expect(await store.readResource('Organization', 'nope')).toBeNull();
        const history = await store.resourceHistory('Organization', 'a', { count: 10 });
        expect(history.map((h) => [h.version, h.body === null])).toEqual([[3, true], [2, false], [1, false]]);
        expect((await store.resourceHistory('Organization', 'a', { count: 1 })).map((h) => h.version)).toEqual([3]);
        expect((await store.resourceHistory('Organization', 'a', { count: 10, beforeVersion: 3 })).map((h) => h.version)).toEqual([2, 1]);
        expect((await store.resourceHistory('Organization', 'a', { count: 10, since: 200 })).map((h) => h.version)).toEqual([3, 2]);
        expect(await store.countResources()).toEqual({});
      });

      it('reads resources in bulk', async () => {
        await put(store, { type: 'Organization', id: 'a' }, { type: 'Organization', id: 'b' }, { type: 'Location', id: 'a' });
        const got = await store.readResources([{ type: 'Organization', id: 'a' }, { type: 'Location', id: 'a' }, { type: 'Location', id: 'zz' }]);
        expect(got.map((r) => `${r.type}/${r.id}`).sort()).toEqual(['Location/a', 'Organization/a']);
        expect(await store.countResources()).toEqual({ Organization: 2, Location: 1 });
      });

      it('reads back the whole text of views written with their parts, on every read path', async () => {
        // three versions of a Location whose views share two of their three list items
        const item = (n: number, v: number) => `{"url":"u${n}","valueString":"${'indicator '.repeat(10)}${n}.${v}"}`;
        const pieces = (version: number, profile: number): string[] => [
          `{"resourceType":"Location","id":"lp","meta":{"versionId":"${version}","lastUpdated":"t${version}"},"extension":[`,
          item(1, 0), ',', item(2, version), ',', item(3, profile), `],"name":"${'n'.repeat(2100)}"}`,
        ];
        const meta = (version: number) => `,"meta":{"versionId":"${version}","lastUpdated":"t${version}"}`;
        const cutStart = '{"resourceType":"Location","id":"lp"'.length;
        const rawOf = (version: number) => { const t = pieces(version, 1).join(''); return t.slice(0, cutStart) + t.slice(cutStart + meta(version).length); };
        for (const version of [1, 2, 3]) {
          await store.transaction(async (tx) => tx.write({
            resource: { type: 'Location', id: 'lp', version, lastUpdated: version * 100, body: rawOf(version) },
            views: [0, 1].map((profile) => ({ profile, version, lastUpdated: version * 100, body: pieces(version, profile).join(''), parts: pieces(version, profile), hash: `h${version}.${profile}` })),
            index: [],
            resourceInView: { profile: 1, cutStart, cutLength: meta(version).length },
          }));
        }
        // a body whose pieces do not make its text is stored as its text
        const wrong = [...pieces(4, 0)];
        wrong[3] = item(2, 99);
        await store.transaction(async (tx) => tx.write({
          resource: { type: 'Location', id: 'lp', version: 4, lastUpdated: 400, body: rawOf(4) },
          views: [{ profile: 0, version: 4, lastUpdated: 400, body: pieces(4, 0).join(''), parts: wrong, hash: 'h4.0' }],
          index: [],
        }));
        const text = (version: number, profile: number) => pieces(version, profile).join('');
        expect((await store.readResource('Location', 'lp'))?.body).toBe(rawOf(4));
        expect((await store.readResources([{ type: 'Location', id: 'lp' }]))[0].body).toBe(rawOf(4));
        expect((await store.readResourceVersion('Location', 'lp', 2))?.body).toBe(rawOf(2));
        expect((await store.resourceHistory('Location', 'lp', { count: 10 })).map((h) => h.body)).toEqual([4, 3, 2, 1].map(rawOf));
        expect((await store.readView('Location', 'lp', 0))?.body).toBe(text(4, 0));
        expect((await store.readView('Location', 'lp', 1))?.body).toBe(text(3, 1));
        expect((await store.readViews('Location', ['lp'], 1))[0].view.body).toBe(text(3, 1));
        if (store.readViewAsBytes) expect((await store.readViewAsBytes('Location', 'lp', 1))?.bytes?.toString('utf8')).toBe(text(3, 1));
        if (store.readViewBytes) expect((await store.readViewBytes('Location', ['lp'], 1))[0].bytes.toString('utf8')).toBe(text(3, 1));
        expect((await store.readViewVersion('Location', 'lp', 0, 2))?.body).toBe(text(2, 0));
        expect((await store.viewHistory('Location', 'lp', 0, { count: 10 })).map((v) => v.body)).toEqual([text(4, 0), text(3, 0), text(2, 0), text(1, 0)]);
        // inside a transaction too
        await store.transaction(async (tx) => {
          expect((await tx.readResourceVersion('Location', 'lp', 3))?.body).toBe(rawOf(3));
          expect((await tx.readView('Location', 'lp', 1))?.body).toBe(text(3, 1));
        });
      });

      it('versions each profile view independently and keeps its history', async () => {
        await put(store, { type: 'Organization', id: 'a', version: 1, viewLu: 100 });
        const v2body = '{"changed-for-profile-1":true}';
        // version 2 of the resource changes profile 1's view only
        await store.transaction(async (tx) => {
          await tx.write({
            resource: { type: 'Organization', id: 'a', version: 2, lastUpdated: 200, body: '{"r":2}' },
            views: [{ profile: 1, version: 2, lastUpdated: 200, body: v2body, hash: 'p1v2' }],
            index: null,
          });
        });
        // version 3: the resource stops existing for profile 2
        await store.transaction(async (tx) => {
          await tx.write({
            resource: { type: 'Organization', id: 'a', version: 3, lastUpdated: 300, body: '{"r":3}' },
            views: [{ profile: 2, version: 2, lastUpdated: 300, body: null, hash: 'gone' }],
            index: null,
          });
        });
        expect(await store.readView('Organization', 'a', 0)).toEqual({ profile: 0, version: 1, lastUpdated: 100, body: bodyOf('Organization', 'a', 1), hash: 'h1' });
        expect(await store.readView('Organization', 'a', 1)).toEqual({ profile: 1, version: 2, lastUpdated: 200, body: v2body, hash: 'p1v2' });
        expect((await store.readView('Organization', 'a', 2))?.body).toBeNull();
        expect(await store.readView('Organization', 'b', 0)).toBeNull();
        const states = await store.readViewStates('Organization', 'a');
        expect(states.map((s) => [s.profile, s.version, s.body === null])).toEqual([[0, 1, false], [1, 2, false], [2, 2, true], [3, 1, false], [4, 1, false], [5, 1, false]]);
        expect(states.map((s) => s.body)).toEqual(['', '', null, '', '', '']); // states only: bodies are not read
        expect((await store.viewHistory('Organization', 'a', 0, { count: 10 })).map((v) => v.version)).toEqual([1]);
        expect((await store.viewHistory('Organization', 'a', 1, { count: 10 })).map((v) => [v.version, v.body])).toEqual([[2, v2body], [1, bodyOf('Organization', 'a', 1)]]);
        expect((await store.viewHistory('Organization', 'a', 2, { count: 10 })).map((v) => [v.version, v.body === null])).toEqual([[2, true], [1, false]]);
        expect((await store.viewHistory('Organization', 'a', 1, { count: 10, beforeVersion: 2 })).map((v) => v.version)).toEqual([1]);
        expect((await store.viewHistory('Organization', 'a', 1, { count: 10, since: 150 })).map((v) => v.version)).toEqual([2]);
        expect((await store.readViewVersion('Organization', 'a', 1, 1))?.body).toBe(bodyOf('Organization', 'a', 1));
        expect(await store.readViewVersion('Organization', 'a', 0, 2)).toBeNull();
        // identical bodies shared by several profiles stay independent
        expect((await store.readView('Organization', 'a', 3))?.body).toBe(bodyOf('Organization', 'a', 1));
      });

      it('reads existing views in bulk', async () => {
        await put(store, { type: 'Organization', id: 'a' }, { type: 'Organization', id: 'b', profiles: [1] }, { type: 'Organization', id: 'c' });
        const got = await store.readViews('Organization', ['a', 'b', 'c', 'missing'], 0);
        expect(got.map((g) => g.id).sort()).toEqual(['a', 'c']);
        expect(got.find((g) => g.id === 'a')?.view.body).toBe(bodyOf('Organization', 'a', 1));
        expect((await store.readViews('Organization', ['a', 'b'], 1)).map((g) => g.id).sort()).toEqual(['a', 'b']);
        expect(await store.readViews('Organization', [], 1)).toEqual([]);
      });

      it('replaces index rows wholesale, or keeps them when index is null', async () => {
        await put(store, { type: 'Organization', id: 'a', index: [str('name', 'alpha'), str('name', 'beta')] });
        const byName = (v: string) => ids(store, q('Organization', [{ op: 'string', param: 'name', mode: 'exact', value: v }]));
        expect(await byName('beta')).toEqual(['a']);
        await store.transaction(async (tx) => tx.write({ ...change({ type: 'Organization', id: 'a', version: 2 }), index: null }));
        expect(await byName('beta')).toEqual(['a']);
        await put(store, { type: 'Organization', id: 'a', version: 3, index: [str('name', 'gamma')] });
        expect(await byName('beta')).toEqual([]);
        expect(await byName('gamma')).toEqual(['a']);
      });

      it('replaces index rows exactly when only some of them change', async () => {
        const first = [str('name', 'alpha'), str('name', 'beta'), tok('type', null, 'x'), tok('type', 's', 'y'), num('beds', 3), num('places', 5), date('since', 10, 20)];
        await put(store, { type: 'Organization', id: 'a', index: first }, { type: 'Organization', id: 'b', index: [num('beds', 3), tok('type', null, 'x')] });
        const match = async (p: Predicate, profile = 0) => sorted(await ids(store, q('Organization', [p], { profile })));
        const name = (value: string): Predicate => ({ op: 'string', param: 'name', mode: 'exact', value });
        const beds = (n: number): Predicate => ({ op: 'number', param: 'beds', cmp: 'eq', low: n, high: n + 1 });
        const places = (n: number): Predicate => ({ op: 'number', param: 'places', cmp: 'eq', low: n, high: n + 1 });
        // names in another order (unchanged), a token's system set, beds changed, places hidden from profile 0,
        // the date gone, a new parameter
        const second = [str('name', 'beta'), str('name', 'alpha'), tok('type', 's', 'x'), tok('type', 's', 'y'), num('beds', 4), num('places', 5, ONLY1), str('alias', 'al')];
        await put(store, { type: 'Organization', id: 'a', version: 2, index: second });
        expect(await match(name('alpha'))).toEqual(['a']);
        expect(await match(name('beta'))).toEqual(['a']);
        expect(await match({ op: 'token', param: 'type', system: null, code: 'x' })).toEqual(['b']);
        expect(await match({ op: 'token', param: 'type', system: 's', code: 'x' })).toEqual(['a']);
        expect(await match({ op: 'token', param: 'type', system: 's', code: 'y' })).toEqual(['a']);
        expect(await match(beds(3))).toEqual(['b']);
        expect(await match(beds(4))).toEqual(['a']);
        expect(await match(places(5))).toEqual([]);
        expect(await match(places(5), 1)).toEqual(['a']);
        expect(await match({ op: 'date', param: 'since', cmp: 'eq', low: 10, high: 20 })).toEqual([]);
        expect(await match({ op: 'missing', param: 'since', missing: false })).toEqual([]);
        expect(await match({ op: 'string', param: 'alias', mode: 'exact', value: 'al' })).toEqual(['a']);
        // and back: every row of the first version again, none of the second
        await put(store, { type: 'Organization', id: 'a', version: 3, index: first });
        expect(await match(beds(3))).toEqual(['a', 'b']);
        expect(await match(beds(4))).toEqual([]);
        expect(await match(places(5))).toEqual(['a']);
        expect(await match({ op: 'token', param: 'type', system: null, code: 'x' })).toEqual(['a', 'b']);
        expect(await match({ op: 'string', param: 'alias', mode: 'exact', value: 'al' })).toEqual([]);
        expect(await match({ op: 'date', param: 'since', cmp: 'eq', low: 10, high: 20 })).toEqual(['a']);
      });

      it('rewrites a few of a parameter\'s many rows exactly: values, masks, fewer and more rows', async () => {
        // a Location's dozens of indicators: one parameter, many rows, one or two of them changing at a time
        const nbs = (...values: (number | [number, number])[]) => values.map((v) => (Array.isArray(v) ? num('nb', v[0], v[1]) : num('nb', v)));
        const dates = (...lows: number[]) => lows.map((low) => date('updated', low, low + 1));
        await put(store, { type: 'Location', id: 'a', index: [...nbs(1, 2, 3, 4, 5), ...dates(10, 20, 30)] }, { type: 'Location', id: 'b', index: nbs(3) });
        const nb = async (n: number, profile = 0) => sorted(await ids(store, q('Location', [{ op: 'number', param: 'nb', cmp: 'eq', low: n, high: n + 1 }], { profile })));
        const updated = async (low: number) => sorted(await ids(store, q('Location', [{ op: 'date', param: 'updated', cmp: 'eq', low, high: low + 1 }])));
        const scope = [{ param: 'nb', kind: 'number' as IndexKind }, { param: 'updated', kind: 'date' as IndexKind }];
        const write = (version: number, index: IndexEntry[]) => store.transaction(async (tx) => tx.write({ ...change({ type: 'Location', id: 'a', version }), index, indexScope: scope }));
        // one value and one date replaced, one mask narrowed
        await write(2, [...nbs(1, 2, 7, [4, ONLY1], 5), ...dates(10, 25, 30)]);
        expect(await nb(3)).toEqual(['b']);
        expect(await nb(7)).toEqual(['a']);
        expect(await nb(4)).toEqual([]);
        expect(await nb(4, 1)).toEqual(['a']);
        expect(await updated(20)).toEqual([]);
        expect(await updated(25)).toEqual(['a']);
        // fewer rows (two removed, one changed), then more (three added, the mask widened again)
        await write(3, [...nbs(1, 8, [4, ONLY1]), ...dates(10, 30)]);
        for (const gone of [2, 5, 7]) expect(await nb(gone, 1)).toEqual([]);
        expect(await nb(8)).toEqual(['a']);
        expect(await updated(25)).toEqual([]);
        await write(4, [...nbs(1, 8, 4, 9, 10, 11), ...dates(10, 30, 40)]);
        for (const n of [1, 4, 8, 9, 10, 11]) expect(await nb(n)).toEqual(['a']);
        expect(await updated(40)).toEqual(['a']);
        expect(await updated(30)).toEqual(['a']);
        expect(await nb(3)).toEqual(['b']);
      });

      it('a scoped index write replaces the rows of its parameters only, within a transaction and across', async () => {
        await put(store, { type: 'Location', id: 'a', index: [tok('identifier', 's', 'SYNC-1'), num('nb', 3), date('updated', 10, 20), ref('organization', 'Organization', 'o1')] });
        const match = async (p: Predicate) => sorted(await ids(store, q('Location', [p])));
        const nb = (n: number): Predicate => ({ op: 'number', param: 'nb', cmp: 'eq', low: n, high: n + 1 });
        const sync: Predicate = { op: 'token', param: 'identifier', system: 's', code: 'SYNC-1' };
        const scoped = (version: number, index: IndexEntry[], scope: { param: string; kind: IndexKind }[]): ResourceWrite =>
          ({ ...change({ type: 'Location', id: 'a', version }), index, indexScope: scope });
        // a capacity-like update: the number and the date only
        await store.transaction(async (tx) => tx.write(scoped(2, [num('nb', 4), date('updated', 30, 40)], [{ param: 'nb', kind: 'number' }, { param: 'updated', kind: 'date' }])));
        expect(await match(nb(4))).toEqual(['a']);
        expect(await match(nb(3))).toEqual([]);
        expect(await match(sync)).toEqual(['a']);
        expect(await match({ op: 'date', param: 'updated', cmp: 'eq', low: 30, high: 40 })).toEqual(['a']);
        expect((await store.referrers('Organization', 'o1')).map((r) => r.id)).toEqual(['a']);
        // in one transaction: a whole write, then scoped ones (one of them on the references), read back inside and after
        await store.transaction(async (tx) => {
          await tx.write({ ...change({ type: 'Location', id: 'a', version: 3 }), index: [tok('identifier', 's', 'SYNC-2'), num('nb', 5), ref('organization', 'Organization', 'o1')] });
          await tx.write(scoped(4, [num('nb', 6)], [{ param: 'nb', kind: 'number' }]));
          await tx.write(scoped(5, [ref('organization', 'Organization', 'o2')], [{ param: 'organization', kind: 'reference' }]));
          expect((await tx.referrers('Organization', 'o1')).map((r) => r.id)).toEqual([]);
          expect((await tx.referrers('Organization', 'o2')).map((r) => r.id)).toEqual(['a']);
          await tx.write(scoped(6, [num('nb', 7)], [{ param: 'nb', kind: 'number' }]));
          expect((await tx.referrers('Organization', 'o2')).map((r) => r.id)).toEqual(['a']);
        });
        expect(await match(nb(7))).toEqual(['a']);
        expect(await match(nb(5))).toEqual([]);
        expect(await match(nb(6))).toEqual([]);
        expect(await match({ op: 'token', param: 'identifier', system: 's', code: 'SYNC-2' })).toEqual(['a']);
        expect(await match(sync)).toEqual([]);
        expect(await match({ op: 'date', param: 'updated', cmp: 'eq', low: 30, high: 40 })).toEqual([]);
        expect((await store.referrers('Organization', 'o1')).map((r) => r.id)).toEqual([]);
        expect((await store.referrers('Organization', 'o2')).map((r) => r.id)).toEqual(['a']);
      });

      it('resourceUnchanged writes views and index only, and needs a stored resource', async () => {
        await put(store, { type: 'Organization', id: 'a', version: 1, lu: 100, index: [str('name', 'alpha')] });
        const byName = (v: string) => ids(store, q('Organization', [{ op: 'string', param: 'name', mode: 'exact', value: v }]));
        const p0 = '{"p0":2}';
        await store.transaction(async (tx) => tx.write({
          // resource fields other than type/id are ignored: nothing of the resource may change
          resource: { type: 'Organization', id: 'a', version: 7, lastUpdated: 700, body: '{"ignored":true}' },
          views: [{ profile: 0, version: 2, lastUpdated: 200, body: p0, hash: 'p0v2' }],
          index: [str('name', 'beta')],
          resourceUnchanged: true,
        }));
        expect(await store.readResource('Organization', 'a')).toEqual({ type: 'Organization', id: 'a', version: 1, lastUpdated: 100, body: bodyOf('Organization', 'a', 1) });
        expect((await store.resourceHistory('Organization', 'a', { count: 10 })).map((h) => h.version)).toEqual([1]);
        expect(await store.readView('Organization', 'a', 0)).toEqual({ profile: 0, version: 2, lastUpdated: 200, body: p0, hash: 'p0v2' });
        expect((await store.readView('Organization', 'a', 1))?.version).toBe(1);
        expect(await byName('alpha')).toEqual([]);
        expect(await byName('beta')).toEqual(['a']);
        await expect(store.transaction(async (tx) => tx.write({
          resource: { type: 'Organization', id: 'missing', version: 1, lastUpdated: 1, body: '{}' }, views: [], index: [], resourceUnchanged: true,
        }))).rejects.toThrow();
        expect(await store.readResource('Organization', 'missing')).toBeNull();
      });

      it('a resource body held by one of its views reads back exactly; a false claim is not trusted', async () => {
        // the view is the resource with its own meta spliced in (non-ASCII text on purpose)
        const body = (v: number) => `{"resourceType":"Organization","id":"a","name":"Hôpital 🏥 ${v}"}`;
        const meta = (v: number) => `,"meta":{"versionId":"${v}","lastUpdated":"2026-01-0${v}T00:00:00.000Z"}`;
        const cutStart = '{"resourceType":"Organization","id":"a"'.length;
        const viewOf = (v: number) => body(v).slice(0, cutStart) + meta(v) + body(v).slice(cutStart);
        const write = (v: number, claim: { profile: number; cutStart: number; cutLength: number }) => store.transaction(async (tx) => tx.write({
          resource: { type: 'Organization', id: 'a', version: v, lastUpdated: v * 100, body: body(v) },
          views: [{ profile: 0, version: v, lastUpdated: v * 100, body: '{"p0":true}', hash: `p0-${v}` },
            { profile: 1, version: v, lastUpdated: v * 100, body: viewOf(v), hash: `p1-${v}` }],
          index: [],
          resourceInView: claim,
        }));
        await write(1, { profile: 1, cutStart, cutLength: meta(1).length });
        await write(2, { profile: 1, cutStart: cutStart + 1, cutLength: meta(2).length }); // wrong place
        await write(3, { profile: 0, cutStart, cutLength: meta(3).length }); // wrong view
        await write(4, { profile: 5, cutStart, cutLength: meta(4).length }); // no such view in the write
        await write(5, { profile: 1, cutStart, cutLength: meta(5).length });
        expect(await store.readResource('Organization', 'a')).toEqual({ type: 'Organization', id: 'a', version: 5, lastUpdated: 500, body: body(5) });
        for (const v of [1, 2, 3, 4, 5]) expect((await store.readResourceVersion('Organization', 'a', v))?.body).toBe(body(v));
        expect((await store.resourceHistory('Organization', 'a', { count: 10 })).map((h) => h.body)).toEqual([5, 4, 3, 2, 1].map(body));
        expect((await store.readResources([{ type: 'Organization', id: 'a' }]))[0].body).toBe(body(5));
        expect((await store.readView('Organization', 'a', 1))?.body).toBe(viewOf(5));
        expect((await store.readViewVersion('Organization', 'a', 1, 1))?.body).toBe(viewOf(1));
        // a transaction reads its own writes the same way
        await store.transaction(async (tx) => {
          await tx.write({
            resource: { type: 'Organization', id: 'a', version: 6, lastUpdated: 600, body: body(6) },
            views: [{ profile: 1, version: 6, lastUpdated: 600, body: viewOf(6), hash: 'p1-6' }],
            index: [],
            resourceInView: { profile: 1, cutStart, cutLength: meta(6).length },
          });
          expect((await tx.readResource('Organization', 'a'))?.body).toBe(body(6));
          expect((await tx.readResourceVersion('Organization', 'a', 1))?.body).toBe(body(1));
        });
        expect((await store.readResource('Organization', 'a'))?.body).toBe(body(6));
      });

      it('a throwing transaction leaves nothing behind', async () => {
        const client: ClientRecord = { id: 'c1', secretHash: 'x', cu: 'cu', write: ['A'], egs: ['eg1'], operator: false, createdAt: 1 };
        await expect(store.transaction(async (tx) => {
          await tx.write(change({ type: 'Organization', id: 'a', index: [tok('ghost-param', 's', 'c')] }));
          await tx.putClient(client);
          expect((await tx.readResource('Organization', 'a'))?.version).toBe(1);
          expect(await tx.getClient('c1')).not.toBeNull();
          // the transaction searches its own writes, including a parameter it just introduced
          expect((await tx.search(q('Organization', [{ op: 'token', param: 'ghost-param', code: 'c' }], { total: true }))).total).toBe(1);
          expect(await store.search(q('Organization', [{ op: 'token', param: 'ghost-param', code: 'c' }]))).toEqual({ rows: [], more: false });
          throw new Error('boom');
        })).rejects.toThrow('boom');
        expect(await store.readResource('Organization', 'a')).toBeNull();
        expect(await store.readView('Organization', 'a', 0)).toBeNull();
        expect(await store.getClient('c1')).toBeNull();
        expect(await ids(store, q('Organization', []))).toEqual([]);
        // a parameter created by the rolled back transaction must not alias a later one
        await put(store, { type: 'Organization', id: 'b', index: [tok('other-param', 's', 'c')] });
        expect(await ids(store, q('Organization', [{ op: 'token', param: 'ghost-param', code: 'c' }]))).toEqual([]);
        expect(await ids(store, q('Organization', [{ op: 'token', param: 'other-param', code: 'c' }]))).toEqual(['b']);
      });

      it('serialises concurrent transactions and isolates uncommitted writes', async () => {
        await put(store, { type: 'Organization', id: 'counter', version: 1 });
        const bump = () => store.transaction(async (tx) => {
          const cur = (await tx.readResource('Organization', 'counter'))!;
          await new Promise((r) => setTimeout(r, 2));
          await tx.write(change({ type: 'Organization', id: 'counter', version: cur.version + 1 }));
          return cur.version + 1;
        });
        const results = await Promise.all(Array.from({ length: 8 }, bump));
        expect(sorted(results.map(String))).toEqual(sorted(['2', '3', '4', '5', '6', '7', '8', '9']));
        expect((await store.readResource('Organization', 'counter'))?.version).toBe(9);

        let release!: () => void;
        const gate = new Promise<void>((r) => { release = r; });
        let written!: () => void;
        const didWrite = new Promise<void>((r) => { written = r; });
        const pending = store.transaction(async (tx) => {
          await tx.write(change({ type: 'Organization', id: 'uncommitted' }));
          expect((await tx.readResource('Organization', 'uncommitted'))?.version).toBe(1);
          written();
          await gate;
        });
        await didWrite;
        expect(await store.readResource('Organization', 'uncommitted')).toBeNull();
        expect(await ids(store, q('Organization', [{ op: 'id', ids: ['uncommitted'] }]))).toEqual([]);
        release();
        await pending;
        expect((await store.readResource('Organization', 'uncommitted'))?.version).toBe(1);
      });

      it('stores, lists and deletes clients', async () => {
        const c: ClientRecord = { id: 'tool', secretHash: 'h', cu: 'CU1', write: ['A', 'B'], egs: ['eg1', 'eg2'], operator: true, createdAt: 42 };
        await store.transaction((tx) => tx.putClient(c));
        expect(await store.getClient('tool')).toEqual(c);
        await store.transaction((tx) => tx.putClient({ ...c, operator: false }));
        expect((await store.listClients()).map((x) => [x.id, x.operator])).toEqual([['tool', false]]);
        expect(await store.transaction((tx) => tx.deleteClient('tool'))).toBe(true);
        expect(await store.transaction((tx) => tx.deleteClient('tool'))).toBe(false);
        expect(await store.listClients()).toEqual([]);
      });

      it('hierarchy terminates on cycles; deleted resources leave searches and counts', async () => {
        await put(store,
          { type: 'Organization', id: 'a', index: [ref('partof', 'Organization', 'b')] },
          { type: 'Organization', id: 'b', index: [ref('partof', 'Organization', 'a')] },
          { type: 'Organization', id: 'c', index: [ref('partof', 'Organization', 'b')] });
        const below = (id: string) => ids(store, q('Organization', [{ op: 'hierarchy', param: 'partof', ids: [id], direction: 'below' }])).then(sorted);
        expect(await below('a')).toEqual(['a', 'b', 'c']);
        await put(store, { type: 'Organization', id: 'b', version: 2, deleted: true });
        expect(await below('a')).toEqual(['a']);
        expect(await ids(store, q('Organization', [], { total: true }))).toEqual(['a', 'c']);
        expect((await store.search(q('Organization', [], { total: true }))).total).toBe(2);
        expect(await store.countResources()).toEqual({ Organization: 2 });
      });

      it('rejects index rows with a mask outside 6 bits', async () => {
        await expect(put(store, { type: 'Organization', id: 'a', index: [str('name', 'x', 64)] })).rejects.toThrow();
        expect(await store.readResource('Organization', 'a')).toBeNull();
      });

      it('pages with a keyset cursor that stays consistent while data changes', async () => {
        const fx = (i: number, rank: number): Fixture => ({ type: 'Organization', id: `p${String(i).padStart(2, '0')}`, index: [num('rank', rank)] });
        await put(store, ...Array.from({ length: 10 }, (_, i) => fx(i, i * 10)));
        const page = (after?: SearchQuery['after']) => store.search(q('Organization', [], { sort: [{ param: 'rank', descending: false }], count: 3, after }));
        const p1 = await page();
        expect(p1.rows.map((r) => r.id)).toEqual(['p00', 'p01', 'p02']);
        expect(p1.more).toBe(true);
        expect(p1.rows[2].sortValues).toEqual([20]);
        // between pages: one inserted before the cursor, one after; one deleted from the next page
        await put(store, fx(10, 5), fx(11, 35), { type: 'Organization', id: 'p04', version: 2, deleted: true });
        const last = p1.rows[2];
        const p2 = await page({ values: last.sortValues, id: last.id });
        expect(p2.rows.map((r) => r.id)).toEqual(['p03', 'p11', 'p05']);
        const l2 = p2.rows[2];
        const p3 = await page({ values: l2.sortValues, id: l2.id });
        expect(p3.rows.map((r) => r.id)).toEqual(['p06', 'p07', 'p08']);
        const l3 = p3.rows[2];
        const p4 = await page({ values: l3.sortValues, id: l3.id });
        expect(p4.rows.map((r) => r.id)).toEqual(['p09']);
        expect(p4.more).toBe(false);
      });

      it('pages through ties, missing values and descending keys', async () => {
        await put(store,
          { type: 'Organization', id: 'a', index: [str('name', 'same')] }, { type: 'Organization', id: 'b', index: [str('name', 'same')] },
          { type: 'Organization', id: 'c' }, { type: 'Organization', id: 'd' }, { type: 'Organization', id: 'e', index: [str('name', 'zed')] });
        const all: string[] = [];
        let after: SearchQuery['after'];
        for (let i = 0; i < 10; i++) {
          const r = await store.search(q('Organization', [], { sort: [{ param: 'name', descending: true }], count: 2, after }));
          all.push(...r.rows.map((x) => x.id));
          if (!r.more) break;
          const l = r.rows[r.rows.length - 1];
          after = { values: l.sortValues, id: l.id };
        }
        expect(all).toEqual(['e', 'a', 'b', 'c', 'd']);
      });
    });

    // the same searches over the dataset written resource by resource, and bulk-loaded (an import: SQLite
    // then builds the value indexes at commit), inside the bulk transaction as well as after it
    for (const loaded of ['written', 'bulk-loaded'] as const) describe(`search over what the profile can see (${loaded})`, () => {
      let store: Store;
      beforeAll(async () => {
        store = await open();
        await store.migrate();
        if (loaded === 'written') return put(store, ...DATASET);
        const inside = await store.transaction(async (tx) => {
          for (const f of DATASET) await tx.write(change(f));
          return (await tx.search(q('Organization', [{ op: 'token', param: 'type', code: 'x' }]))).rows.map((r) => r.id).sort();
        }, { bulk: true });
        expect(inside).toEqual(['o1', 'o3', 'o5']);
      });
      afterAll(async () => {
        await store.close();
      });
      const find = (type: string, where: Predicate[], profile = 0) => ids(store, q(type, where, { profile })).then(sorted);
      const org = (where: Predicate[], profile = 0) => find('Organization', where, profile);

      it('lists only resources whose view exists for the profile', async () => {
        expect(await org([])).toEqual(['o1', 'o2', 'o3', 'o5', 'o6']);
        expect(await org([], 1)).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
        const r = await store.search(q('Organization', [], { total: true, count: 2 }));
        expect([r.rows.length, r.more, r.total]).toEqual([2, true, 5]);
        expect((await store.search(q('Organization', [], { total: true, profile: 1 }))).total).toBe(6);
      });

      it('token: code, system, both, no system, text, :not', async () => {
        expect(await org([{ op: 'token', param: 'type', code: 'x' }])).toEqual(['o1', 'o3', 'o5']);
        expect(await org([{ op: 'token', param: 'type', code: 'x' }], 1)).toEqual(['o1', 'o3', 'o4', 'o5']);
        expect(await org([{ op: 'token', param: 'type', system: 'A', code: 'x' }])).toEqual(['o1']);
        expect(await org([{ op: 'token', param: 'type', system: 'A' }])).toEqual(['o1', 'o2']);
        expect(await org([{ op: 'token', param: 'type', system: null, code: 'x' }])).toEqual(['o5']);
        expect(await org([{ op: 'token', param: 'type', textContains: 'hospitalier' }])).toEqual(['o1']);
        expect(await org([{ op: 'token', param: 'type', code: 'x', not: true }])).toEqual(['o2', 'o6']);
        expect(await org([{ op: 'token', param: 'unknown', code: 'x' }])).toEqual([]);
        expect(await org([{ op: 'token', param: 'unknown', code: 'x', not: true }])).toEqual(['o1', 'o2', 'o3', 'o5', 'o6']);
      });

      it('string: prefix, exact, contains, never on hidden rows', async () => {
        expect(await org([{ op: 'string', param: 'name', mode: 'prefix', value: 'hop' }])).toEqual(['o1']);
        expect(await org([{ op: 'string', param: 'name', mode: 'prefix', value: 'hop' }], 1)).toEqual(['o1', 'o3', 'o4']);
        expect(await org([{ op: 'string', param: 'name', mode: 'exact', value: 'centre' }])).toEqual(['o5']);
        expect(await org([{ op: 'string', param: 'name', mode: 'exact', value: 'hopital' }])).toEqual([]);
        expect(await org([{ op: 'string', param: 'name', mode: 'contains', value: 'sud' }])).toEqual(['o2']);
        expect(await org([{ op: 'string', param: 'name', mode: 'contains', value: 'est' }])).toEqual([]);
        const t0 = await store.search(q('Organization', [{ op: 'string', param: 'name', mode: 'prefix', value: 'hop' }], { total: true }));
        const t1 = await store.search(q('Organization', [{ op: 'string', param: 'name', mode: 'prefix', value: 'hop' }], { total: true, profile: 1 }));
        expect([t0.total, t1.total]).toEqual([1, 3]);
      });

      it('uri: exact, below, above', async () => {
        expect(await org([{ op: 'uri', param: 'url', mode: 'exact', value: 'http://a.fr/x' }])).toEqual(['o2']);
        expect(await org([{ op: 'uri', param: 'url', mode: 'below', value: 'http://a.fr/x' }])).toEqual(['o1', 'o2']);
        expect(await org([{ op: 'uri', param: 'url', mode: 'above', value: 'http://a.fr/x/y/z' }])).toEqual(['o1', 'o2']);
        expect(await org([{ op: 'uri', param: 'url', mode: 'above', value: 'http://a.fr/x/q' }])).toEqual(['o2']);
      });

      it('number: every comparator, hidden values excluded', async () => {
        const n = (cmp: Predicate & { op: 'number' } extends infer P ? P extends { cmp: infer C } ? C : never : never, low: number, high = low) =>
          org([{ op: 'number', param: 'beds', cmp, low, high }]);
        expect(await n('eq', 20)).toEqual(['o2']);
        expect(await n('eq', 19.5, 20.5)).toEqual(['o2']);
        expect(await n('eq', 30)).toEqual([]);
        expect(await n('ne', 10)).toEqual(['o2']);
        expect(await n('gt', 10)).toEqual(['o2']);
        expect(await n('ge', 10)).toEqual(['o1', 'o2']);
        expect(await n('lt', 20)).toEqual(['o1']);
        expect(await n('le', 20)).toEqual(['o1', 'o2']);
        expect(await n('sa', 15)).toEqual(['o2']);
        expect(await n('eb', 15)).toEqual(['o1']);
        expect(await n('ap', 18, 22)).toEqual(['o2']);
        expect(await org([{ op: 'number', param: 'beds', cmp: 'gt', low: 10, high: 10 }], 1)).toEqual(['o2', 'o3', 'o4']);
      });

      it('date: FHIR range semantics for every comparator', async () => {
        const d = (cmp: 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap') => org([{ op: 'date', param: 'opened', cmp, low: 200, high: 299 }]);
        expect(await d('eq')).toEqual(['o2']);
        expect(await d('ne')).toEqual(['o1', 'o3']);
        expect(await d('gt')).toEqual(['o3']);
        expect(await d('lt')).toEqual(['o1']);
        expect(await d('ge')).toEqual(['o2', 'o3']);
        expect(await d('le')).toEqual(['o1', 'o2']);
        expect(await d('sa')).toEqual(['o3']);
        expect(await d('eb')).toEqual(['o1']);
        expect(await d('ap')).toEqual(['o2']);
        expect(await org([{ op: 'date', param: 'opened', cmp: 'eq', low: 150, high: 250 }])).toEqual([]);
        expect(await org([{ op: 'date', param: 'opened', cmp: 'ap', low: 150, high: 250 }])).toEqual(['o1', 'o2']);
      });

      it('quantity with and without system/code', async () => {
        expect(await org([{ op: 'quantity', param: 'dist', cmp: 'eq', low: 5, high: 5 }])).toEqual(['o1', 'o2']);
        expect(await org([{ op: 'quantity', param: 'dist', cmp: 'eq', low: 5, high: 5, system: 'u', code: 'km' }])).toEqual(['o1']);
        expect(await org([{ op: 'quantity', param: 'dist', cmp: 'gt', low: 5, high: 5 }])).toEqual([]);
        expect(await org([{ op: 'quantity', param: 'dist', cmp: 'le', low: 5, high: 5, code: 'mi' }])).toEqual(['o2']);
      });

      it('reference, missing, id, lastUpdated (view instant), asOf', async () => {
        expect(await org([{ op: 'reference', param: 'partof', targetId: 'o1' }])).toEqual(['o2']);
        expect(await org([{ op: 'reference', param: 'partof', targetId: 'o1' }], 1)).toEqual(['o2', 'o6']);
        expect(await org([{ op: 'reference', param: 'partof', targetType: 'Organization', targetId: 'o2' }])).toEqual(['o3']);
        expect(await org([{ op: 'reference', param: 'partof', targetType: 'Location', targetId: 'o2' }])).toEqual([]);
        expect(await org([{ op: 'missing', param: 'beds', missing: true }])).toEqual(['o3', 'o5', 'o6']);
        expect(await org([{ op: 'missing', param: 'beds', missing: false }])).toEqual(['o1', 'o2']);
        expect(await org([{ op: 'missing', param: 'never-indexed', missing: true }])).toEqual(['o1', 'o2', 'o3', 'o5', 'o6']);
        expect(await org([{ op: 'missing', param: 'never-indexed', missing: false }])).toEqual([]);
        expect(await org([{ op: 'id', ids: ['o1', 'o4', 'zz'] }])).toEqual(['o1']);
        expect(await org([{ op: 'id', ids: ['o1', 'o4'], not: true }])).toEqual(['o2', 'o3', 'o5', 'o6']);
        // resources were all written with lastUpdated 9999; the views carry 1000..6000
        expect(await org([{ op: 'lastUpdated', cmp: 'ge', low: 2000, high: 2000 }])).toEqual(['o2', 'o3', 'o5', 'o6']);
        expect(await org([{ op: 'lastUpdated', cmp: 'lt', low: 3000, high: 3000 }])).toEqual(['o1', 'o2']);
        expect(sorted(await ids(store, q('Organization', [], { asOf: 2500 })))).toEqual(['o1', 'o2']);
        expect(sorted(await ids(store, q('Organization', [], { asOf: 9000, profile: 1 })))).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
      });

      it('geo-near: great-circle distance', async () => {
        expect(await org([{ op: 'geo-near', param: 'near', lat: 48.86, lng: 2.35, km: 10 }])).toEqual(['o1']);
        expect(await org([{ op: 'geo-near', param: 'near', lat: 48.86, lng: 2.35, km: 300 }])).toEqual(['o1']);
        expect(await org([{ op: 'geo-near', param: 'near', lat: 48.86, lng: 2.35, km: 500 }])).toEqual(['o1', 'o2']);
        expect(await org([{ op: 'geo-near', param: 'near', lat: 45.0, lng: -60, km: 100 }])).toEqual([]);
      });

      it('or, not, AND of predicates', async () => {
        expect(await org([{ op: 'or', any: [{ op: 'id', ids: ['o1'] }, { op: 'string', param: 'name', mode: 'exact', value: 'centre' }] }])).toEqual(['o1', 'o5']);
        expect(await org([{ op: 'not', predicate: { op: 'token', param: 'type', system: 'A' } }])).toEqual(['o3', 'o5', 'o6']);
        expect(await org([{ op: 'token', param: 'type', code: 'x' }, { op: 'string', param: 'name', mode: 'prefix', value: 'hop' }])).toEqual(['o1']);
        expect(await org([{ op: 'or', any: [] }])).toEqual([]);
      });

      it('chain: the target must be visible and match through visible rows', async () => {
        const chain = (value: string): Predicate[] => [
          { op: 'token', param: 'specialty', system: 's', code: 'S1' },
          { op: 'chain', param: 'location', targetType: 'Location', where: [{ op: 'string', param: 'address-postalcode', mode: 'prefix', value }] },
        ];
        expect(await find('HealthcareService', chain('75'))).toEqual(['hs1']);
        expect(await find('HealthcareService', chain('75'), 1)).toEqual(['hs1', 'hs3', 'hs4', 'hs5']);
        expect(await find('HealthcareService', chain('69'))).toEqual([]);
        expect(await find('HealthcareService', chain('69'), 1)).toEqual(['hs2']);
        const t = await store.search(q('HealthcareService', chain('75'), { total: true }));
        expect(t.total).toBe(1);
      });

      it('AND of several row sets, at the top and inside a chain or _has (SQLite intersects them)', async () => {
        const location = (where: Predicate[]): Predicate => ({ op: 'chain', param: 'location', targetType: 'Location', where });
        const postcode = (value: string): Predicate => ({ op: 'string', param: 'address-postalcode', mode: 'prefix', value });
        const specialty: Predicate = { op: 'token', param: 'specialty', system: 's', code: 'S1' };
        expect(await find('HealthcareService', [specialty, location([postcode('75'), postcode('750')])], 1)).toEqual(['hs1', 'hs3', 'hs4', 'hs5']);
        expect(await find('HealthcareService', [specialty, location([postcode('75'), postcode('69')])], 1)).toEqual([]);
        expect(await find('HealthcareService', [specialty, location([postcode('69')]), location([postcode('75')])], 1)).toEqual([]);
        const has = (where: Predicate[]): Predicate[] => [{ op: 'has', type: 'HealthcareService', param: 'location', where }];
        expect(await find('Location', has([specialty, { op: 'token', param: 'specialty', code: 'S1' }]))).toEqual(['l1', 'l3']);
        const t = await store.search(q('HealthcareService', [specialty, location([postcode('75'), postcode('75')])], { total: true }));
        expect([t.rows.map((r) => r.id), t.total]).toEqual([['hs1'], 1]);
      });

      it('_has: the referencing resource must be visible, through a visible row', async () => {
        const has = (where: Predicate[]): Predicate[] => [{ op: 'has', type: 'HealthcareService', param: 'location', where }];
        expect(await find('Location', has([{ op: 'token', param: 'specialty', code: 'S1' }]))).toEqual(['l1', 'l3']);
        expect(await find('Location', has([{ op: 'token', param: 'specialty', code: 'S1' }]), 1)).toEqual(['l1', 'l2', 'l3', 'l4']);
        expect(await find('Location', has([{ op: 'id', ids: ['hs5'] }]))).toEqual([]);
        expect(await find('Location', has([{ op: 'id', ids: ['hs5'] }]), 1)).toEqual(['l1']);
      });

      it('hierarchy :below and :above over visible rows and resources', async () => {
        const h = (ids: string[], direction: 'above' | 'below', profile = 0) => org([{ op: 'hierarchy', param: 'partof', ids, direction }], profile);
        expect(await h(['o1'], 'below')).toEqual(['o1', 'o2', 'o3']);
        expect(await h(['o1'], 'below', 1)).toEqual(['o1', 'o2', 'o3', 'o6']);
        expect(await h(['o3'], 'above')).toEqual(['o1', 'o2', 'o3']);
        expect(await h(['o4'], 'below')).toEqual([]);
        expect(await h(['o4'], 'below', 1)).toEqual(['o4', 'o5']);
        expect(await h(['o5'], 'above')).toEqual(['o5']);
        expect(await h(['o5'], 'above', 1)).toEqual(['o4', 'o5']);
      });

      it('sorts on the visible min (asc) / max (desc), missing last, ties by id', async () => {
        const s = (param: string, descending: boolean, profile = 0) =>
          ids(store, q('Organization', [], { sort: [{ param, descending }], profile }));
        expect(await s('name', false)).toEqual(['o5', 'o2', 'o1', 'o3', 'o6']);
        expect(await s('name', true)).toEqual(['o2', 'o1', 'o5', 'o3', 'o6']);
        expect(await s('name', false, 1)).toEqual(['o5', 'o2', 'o4', 'o3', 'o1', 'o6']);
        expect(await s('beds', true)).toEqual(['o2', 'o1', 'o3', 'o5', 'o6']);
        expect(await s('opened', true)).toEqual(['o3', 'o2', 'o1', 'o5', 'o6']);
        expect(await s('_lastUpdated', true)).toEqual(['o6', 'o5', 'o3', 'o2', 'o1']);
        expect(await s('_id', true)).toEqual(['o6', 'o5', 'o3', 'o2', 'o1']);
        const r = await store.search(q('Organization', [], { sort: [{ param: 'name', descending: false }, { param: 'beds', descending: false }] }));
        expect(r.rows[0]).toEqual({ id: 'o5', sortValues: ['centre', null] });
        expect(r.rows[2]).toEqual({ id: 'o1', sortValues: ['hopital nord', 10] });
      });

      it('_include / _revinclude see only visible rows and existing targets', async () => {
        const targets = await store.includeTargets('HealthcareService', ['hs1', 'hs3', 'hs4', 'hs5'], 'location', 0);
        expect(targets).toEqual([{ type: 'Location', id: 'l1' }, { type: 'Location', id: 'l3' }]);
        expect((await store.includeTargets('HealthcareService', ['hs1', 'hs3', 'hs4', 'hs5'], 'location', 1)).map((t) => t.id)).toEqual(['l1', 'l3', 'l4']);
        expect(await store.includeTargets('HealthcareService', ['hs1'], 'location', 0, 'Organization')).toEqual([]);
        const ls = ['l1', 'l2', 'l4'].map((id) => ({ type: 'Location', id }));
        expect(await store.revincludeSources('HealthcareService', 'location', ls, 0)).toEqual(['hs1']);
        expect(await store.revincludeSources('HealthcareService', 'location', ls, 1)).toEqual(['hs1', 'hs2', 'hs4', 'hs5']);
      });

      it('referrers: any mask, optionally filtered by param', async () => {
        expect(await store.referrers('Organization', 'o1')).toEqual([
          { type: 'Organization', id: 'o2', param: 'partof' }, { type: 'Organization', id: 'o6', param: 'partof' }]);
        expect((await store.referrers('Location', 'l1', ['location'])).map((r) => r.id)).toEqual(['hs1', 'hs5']);
        expect(await store.referrers('Location', 'l1', ['other'])).toEqual([]);
      });

      it('rejects a profile outside 0..5', async () => {
        await expect(store.search(q('Organization', [], { profile: 6 }))).rejects.toThrow();
      });
    });
    describe('audit trail', () => {
      let store: Store;
      beforeEach(async () => {
        store = await open();
        await store.migrate();
      });
      afterEach(async () => {
        await store.close();
      });

      const event = (recorded: number, clientId: string | null, action: string, interaction: string, outcome: number, entities: { type: string; id: string | null }[]): AuditRecord =>
        ({ recorded, clientId, action, interaction, outcome, entities, body: JSON.stringify({ resourceType: 'AuditEvent', recorded, clientId }) });

      it('appends events and returns them newest first, with every criterion ANDed', async () => {
        await store.transaction(async (tx) => {
          await tx.appendAudit([
            event(1000, 'tool-a', 'R', 'read', 0, [{ type: 'Location', id: 'l1' }]),
            event(2000, 'tool-b', 'U', 'patch', 0, [{ type: 'Location', id: 'l1' }]),
            event(3000, 'tool-a', 'R', 'search-type', 0, [{ type: 'HealthcareService', id: null }]),
            event(4000, null, 'R', 'read', 4, []),
          ]);
        });
        const all = await store.searchAudit({ count: 10 });
        expect(all.map((r) => r.recorded)).toEqual([4000, 3000, 2000, 1000]);
        expect(all[0].seq).toBeGreaterThan(all[1].seq);
        expect(JSON.parse(all[3].body)).toEqual({ resourceType: 'AuditEvent', recorded: 1000, clientId: 'tool-a' });
        const recorded = async (q: Partial<AuditQuery>) => (await store.searchAudit({ count: 10, ...q })).map((r) => r.recorded);
        expect(await recorded({ clientId: 'tool-a' })).toEqual([3000, 1000]);
        expect(await recorded({ since: 2000, until: 3000 })).toEqual([3000, 2000]);
        expect(await recorded({ entityType: 'Location', entityId: 'l1' })).toEqual([2000, 1000]);
        expect(await recorded({ entityType: 'HealthcareService' })).toEqual([3000]);
        expect(await recorded({ action: 'U' })).toEqual([2000]);
        expect(await recorded({ interaction: 'read', outcome: 4 })).toEqual([4000]);
        expect(await recorded({ clientId: 'tool-a', action: 'U' })).toEqual([]);
        expect(await recorded({ count: 2 })).toEqual([4000, 3000]);
        expect(await recorded({ beforeSeq: all[1].seq })).toEqual([2000, 1000]);
      });

      it('stores a body given as a JSON value as its JSON text, in and out of transactions', async () => {
        const body = { i: 'read', q: 'name="x"&a=\u00e9', e: [['Location', 'l1']], s: 200 };
        await store.transaction(async (tx) => tx.appendAudit([{ ...event(1, 'a', 'R', 'read', 0, []), body }]));
        await (store.appendAudit?.([{ ...event(2, 'b', 'R', 'read', 0, []), body }]) ??
          store.transaction(async (tx) => tx.appendAudit([{ ...event(2, 'b', 'R', 'read', 0, []), body }])));
        const rows = await store.searchAudit({ count: 10 });
        expect(rows.map((r) => JSON.parse(r.body))).toEqual([body, body]);
      });

      it('keeps every event of a long batch with its entities and its body (pretty-printed text included)', async () => {
        const pretty = JSON.stringify({ resourceType: 'AuditEvent', note: 'line\nbreak' }, null, 2);
        const batch = Array.from({ length: 130 }, (_, i) => ({
          ...event(i, `c${i % 3}`, 'R', 'read', 0, Array.from({ length: i % 4 }, (_, k) => ({ type: 'Location', id: `l${(i + k) % 5}` }))),
          ...(i === 77 ? { body: pretty } : {}),
        }));
        await (store.appendAudit?.(batch) ?? store.transaction(async (tx) => tx.appendAudit(batch)));
        const all = await store.searchAudit({ count: 200 });
        expect(all.map((r) => r.recorded)).toEqual(batch.map((e) => e.recorded).reverse());
        expect(JSON.parse(all.find((r) => r.recorded === 77)!.body)).toEqual(JSON.parse(pretty));
        expect(JSON.parse(all.find((r) => r.recorded === 76)!.body)).toEqual({ resourceType: 'AuditEvent', recorded: 76, clientId: 'c1' });
        const mentioning = (id: string) => batch.filter((e) => e.entities.some((x) => x.id === id)).map((e) => e.recorded).reverse();
        for (const id of ['l0', 'l3']) {
          expect((await store.searchAudit({ count: 200, entityType: 'Location', entityId: id })).map((r) => r.recorded)).toEqual(mentioning(id));
        }
        expect((await store.searchAudit({ count: 200, entityType: 'Location' })).length).toBe(batch.filter((e) => e.entities.length > 0).length);
      });

      it('a rolled back transaction leaves no audit event', async () => {
        await expect(store.transaction(async (tx) => {
          await tx.appendAudit([event(1000, 'tool-a', 'C', 'create', 0, [])]);
          throw new Error('abort');
        })).rejects.toThrow('abort');
        expect(await store.searchAudit({ count: 10 })).toEqual([]);
      });

      it('appends batches outside a transaction (store.appendAudit) in order, beside write transactions', async () => {
        if (!store.appendAudit) return; // optional: callers fall back to transaction() + appendAudit
        const batch = (from: number) => Array.from({ length: 300 }, (_, i) => event(from + i, 'reader', 'R', 'read', 0, [{ type: 'Location', id: `l${i % 7}` }]));
        await Promise.all([
          store.appendAudit(batch(10_000)),
          store.transaction(async (tx) => tx.appendAudit([event(5, 'writer', 'U', 'patch', 0, [{ type: 'Location', id: 'l1' }])])),
          store.appendAudit(batch(20_000)),
        ]);
        await store.appendAudit([]);
        const all = await store.searchAudit({ count: 1000 });
        expect(all).toHaveLength(601);
        const readers = all.filter((r) => r.recorded >= 10_000).map((r) => r.recorded);
        expect(readers).toEqual([...batch(20_000), ...batch(10_000)].map((e) => e.recorded).sort((a, b) => b - a));
        expect(new Set(all.map((r) => r.seq)).size).toBe(601);
        expect((await store.searchAudit({ count: 1000, entityType: 'Location', entityId: 'l3' })).length).toBe(2 * 43);
        expect((await store.searchAudit({ count: 10, clientId: 'writer' })).map((r) => r.recorded)).toEqual([5]);
      });

      it('answers every search, page after page, as a filter of the whole trail would, over batches of several thousand events and write transactions between them', async () => {
        // recorded is the event's rank in append order, so that a page is checked against the model by it
        const trail: AuditRecord[] = [];
        const kinds: [string, string, number][] = [['R', 'read', 0], ['R', 'search-type', 0], ['R', 'vread', 4], ['E', 'operation', 8]];
        const next = (i: number, clientId: string | null): AuditRecord => {
          const [action, interaction, outcome] = kinds[(i * 7) % 4];
          const entities = Array.from({ length: (i * 13) % 3 }, (_, k) =>
            ({ type: k === 0 ? 'Location' : 'HealthcareService', id: (i + k) % 11 === 0 ? null : `r${(i * 31 + k) % 53}` }));
          return event(trail.length, clientId, action, interaction, outcome, entities);
        };
        const appendBatch = async (size: number) => {
          const batch = Array.from({ length: size }, (_, i) => next(i, i % 5 === 4 ? null : `tool-${i % 4}`));
          trail.push(...batch);
          await (store.appendAudit?.(batch) ?? store.transaction(async (tx) => tx.appendAudit(batch)));
        };
        const appendWrite = async () => {
          const own = [next(trail.length, 'tool-1'), next(trail.length + 1, 'operator')];
          trail.push(own[0]);
          own[1] = next(trail.length, 'operator');
          trail.push(own[1]);
          await store.transaction(async (tx) => tx.appendAudit(own));
        };
        await appendBatch(5000);
        await appendWrite();
        await appendBatch(4200);
        await appendWrite();
        await appendBatch(1);
        await appendBatch(3000);

        const matches = (e: AuditRecord, q: Partial<AuditQuery>) =>
          (q.since === undefined || e.recorded >= q.since) && (q.until === undefined || e.recorded <= q.until)
          && (q.clientId === undefined || e.clientId === q.clientId) && (q.action === undefined || e.action === q.action)
          && (q.interaction === undefined || e.interaction === q.interaction) && (q.outcome === undefined || e.outcome === q.outcome)
          && (q.entityType === undefined || e.entities.some((x) => x.type === q.entityType && (q.entityId === undefined || x.id === q.entityId)));
        const pages = async (q: Partial<AuditQuery>, count: number) => {
          const seen: number[] = [];
          for (let beforeSeq: number | undefined; ;) {
            const page = await store.searchAudit({ ...q, count, ...(beforeSeq === undefined ? {} : { beforeSeq }) });
            seen.push(...page.map((r) => r.recorded));
            if (page.length < count) return seen;
            beforeSeq = page[page.length - 1].seq;
          }
        };
        const queries: [Partial<AuditQuery>, number][] = [
          [{}, 997], [{ clientId: 'tool-1' }, 499], [{ clientId: 'operator' }, 1], [{ entityType: 'Location', entityId: 'r7' }, 7],
          [{ entityType: 'HealthcareService' }, 499], [{ action: 'E' }, 499], [{ interaction: 'vread', outcome: 4 }, 499],
          [{ since: 4000, until: 9300 }, 499], [{ clientId: 'tool-2', entityType: 'Location', entityId: 'r40' }, 3],
          [{ clientId: 'tool-3', since: 9000 }, 499],
        ];
        for (const [q, count] of queries) {
          const expected = trail.filter((e) => matches(e, q)).map((e) => e.recorded).reverse();
          expect(expected.length, JSON.stringify(q)).toBeGreaterThan(0);
          expect(await pages(q, count), JSON.stringify(q)).toEqual(expected);
        }
        const [newest] = await store.searchAudit({ count: 1 });
        const one = await store.searchAudit({ count: 1, beforeSeq: newest.seq - 2999 });
        expect(JSON.parse(one[0].body)).toEqual({ resourceType: 'AuditEvent', recorded: trail.length - 3001, clientId: trail[trail.length - 3001].clientId });
      });
    });
  });
}
