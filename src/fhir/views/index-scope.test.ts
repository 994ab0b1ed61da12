// A change confined to a few elements re-extracts only the search parameters reading them (session.ts
// indexScope, search/reads.ts): after any sequence of random changes through the write path, every
// resource's stored index rows must be exactly the rows a full render gives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFixture } from '../../../test/fixtures/directory.js';
import type { Resource } from '../../policy/types.js';
import type { Store, StoreTx } from '../../store/contract.js';
import type { IndexEntry } from '../../store/query.js';
import { openSqliteStore } from '../../store/sqlite/index.js';
import { openIngestSession } from '../ingest.js';
import { extractorsOf, paramsReading } from '../search/index.js';
import { indicatorExtension } from '../write/capacity.js';
import { CODED_FIELDS } from '../write/capacity-rules.js';
import { applyChange, type WriteContext } from '../write/commit.js';
import { updatePlan } from '../write/handlers.js';
import { renderOne } from './render-one.js';
import { SessionNeighbourhood } from './session.js';

type Json = Record<string, any>;
const CAPACITY = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-location-supported-capacity';
const COMMUNE = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-commune-cog';

/** One stored or rendered index row as text (mask included). */
function entryText(e: IndexEntry): string {
  switch (e.kind) {
    case 'token': return `token|${e.param}|${e.system ?? null}|${e.code ?? null}|${e.text ?? null}|${e.mask}`;
    case 'string': case 'uri': case 'number': return `${e.kind}|${e.param}|${e.value}|${e.mask}`;
    case 'date': return `date|${e.param}|${e.low}|${e.high}|${e.mask}`;
    case 'quantity': return `quantity|${e.param}|${e.value}|${e.system ?? null}|${e.code ?? null}|${e.mask}`;
    case 'reference': return `reference|${e.param}|${e.targetType ?? null}|${e.targetId ?? null}|${e.url ?? null}|${e.mask}`;
    case 'geo': return `geo|${e.param}|${e.lat}|${e.lng}|${e.mask}`;
  }
}

const COLUMNS: Record<string, string> = {
  token: 'x.system, x.code, x.text', string: 'x.value', uri: 'x.value', number: 'x.value', date: 'x.low, x.high',
  quantity: 'x.value, x.system, x.code', reference: 'x.target_type, x.target_id, x.url', geo: 'x.lat, x.lng',
};

function storedRows(db: Database.Database, type: string, id: string): string[] {
  const out: string[] = [];
  for (const [kind, cols] of Object.entries(COLUMNS)) {
    const rows = db.prepare(`SELECT p.param, ${cols}, x.mask FROM idx_${kind} x JOIN search_params p ON p.pid = x.pid JOIN res r ON r.rid = x.rid WHERE r.type = ? AND r.id = ?`).raw().all(type, id) as unknown[][];
    for (const row of rows) out.push([kind, ...row].map((v) => (v === null ? 'null' : String(v))).join('|'));
  }
  return out.sort();
}

/** The index rows a full render of each resource gives now (nothing is written). */
async function fullRenderRows(store: Store, keys: [string, string][]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  await store.transaction(async (tx) => {
    const capture = new Proxy(tx, {
      get(target, prop, receiver) {
        if (prop === 'write') {
          return async (w: Parameters<StoreTx['write']>[0]) => {
            expect(w.indexScope).toBeUndefined();
            if (w.index) out.set(`${w.resource.type}/${w.resource.id}`, w.index.map(entryText).sort());
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as StoreTx;
    const nb = new SessionNeighbourhood(capture);
    for (const [type, id] of keys) await renderOne(nb, type, id, 1);
  });
  return out;
}

type Change = (r: Json) => Json;

/** A coded sub-extension of an indicator, in the national shape. */
const coded = (url: string, code: string) => ({ valueCodeableConcept: { coding: [{ system: CODED_FIELDS.find((f) => f.url === url)!.system, code }] } });

const indicatorArb = fc.record({
  status: fc.constantFrom('01', '02', '03', '06'),
  crisis: fc.option(fc.constantFrom('01', '02'), { nil: undefined }),
  nb: fc.integer({ min: 0, max: 80 }),
});

const locationChangeArb: fc.Arbitrary<Change> = fc.oneof(
  indicatorArb.map(({ status, crisis, nb }) => (r: Json) => ({
    ...r, extension: [...(r.extension ?? []), indicatorExtension({ status, nb, ...(crisis ? { crisisType: crisis } : {}), updated: new Date(Date.UTC(2026, 0, 1 + nb)) })],
  })),
  fc.integer({ min: 0, max: 99 }).map((nb) => (r: Json) => ({
    ...r,
    extension: (r.extension ?? []).map((e: Json) => (e.url === CAPACITY ? { ...e, extension: e.extension.map((s: Json) => (s.url === 'nbCapacity' ? { ...s, valueInteger: nb } : s)) } : e)),
  })),
  // one indicator changed in place: its number or date only (the scope is then those sub-extensions), or
  // a field that moves it to another row of the catalogue (installed / operational / crisis)
  fc.tuple(fc.nat(), fc.constantFrom(
    ['nbCapacity', { valueInteger: 7 }], ['capacityUpdateDate', { valueDateTime: '2026-03-04T05:06:07Z' }],
    ['temporaryAssignement', coded('temporaryAssignement', '02')], ['temporaryAssignement', coded('temporaryAssignement', '01')],
    ['capacityStatus', coded('capacityStatus', '01')], ['capacityStatus', coded('capacityStatus', '03')],
    ['temporalityCapacity', coded('temporalityCapacity', '02')], ['crisisType', coded('crisisType', '01')],
  )).map(([n, [sub, value]]) => (r: Json) => {
    const at = (r.extension ?? []).map((e: Json, i: number) => (e.url === CAPACITY ? i : -1)).filter((i: number) => i >= 0);
    if (at.length === 0) return r;
    const target = at[n % at.length];
    return {
      ...r,
      extension: r.extension.map((e: Json, i: number) => {
        if (i !== target) return e;
        const others = e.extension.filter((s: Json) => s.url !== sub);
        return { ...e, extension: [...others, { url: sub, ...value }] };
      }),
    };
  }),
  fc.constant((r: Json) => {
    const list = [...(r.extension ?? [])];
    const i = list.findIndex((e: Json) => e.url === CAPACITY);
    if (i >= 0) list.splice(i, 1);
    return { ...r, extension: list };
  }),
  fc.string({ minLength: 1, maxLength: 8 }).map((name) => (r: Json) => ({ ...r, name })),
  // typed identifiers are also indexed under identifier:of-type: renamed, added, removed
  fc.constantFrom('SYNC-a', 'SYNC-b', null).map((value) => (r: Json) => ({
    ...r,
    identifier: [
      ...(r.identifier ?? []).filter((i: Json) => i.type?.coding?.[0]?.code !== '26'),
      ...(value ? [{ type: { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R345-TypeIdentifiantAutre/FHIR/TRE-R345-TypeIdentifiantAutre', code: '26' }] }, value }] : []),
    ],
  })),
  fc.double({ min: -5, max: 8, noNaN: true }).map((lng) => (r: Json) => ({ ...r, position: { latitude: 48, longitude: lng } })),
  fc.constant((r: Json) => {
    const { position: _p, ...rest } = r;
    return rest;
  }),
  fc.constantFrom('35238', '22278', '29019').map((code) => (r: Json) => ({
    ...r, extension: (r.extension ?? []).map((e: Json) => (e.url === COMMUNE ? { ...e, valueCodeableConcept: { coding: [{ code }] } } : e)),
  })),
  fc.constantFrom('active', 'suspended', 'inactive').map((status) => (r: Json) => ({ ...r, status })),
  fc.constantFrom('1', '2', '3').map((level) => (r: Json) => ({
    ...r,
    telecom: [{ system: 'phone', value: `02 99 00 00 0${level}`, extension: [{ url: 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-telecom-confidentiality-level', valueCodeableConcept: { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R283-NiveauConfidentialite/FHIR/TRE-R283-NiveauConfidentialite', code: level }] } }] }],
  })),
);

const offerChangeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }).map((name) => (r: Json) => ({ ...r, name })),
  fc.constant((r: Json) => ({ ...r, location: (r.location ?? []).slice(1) })),
);

describe('index scope of a change confined to some elements', () => {
  let dir: string;
  let store: Store;
  let db: Database.Database;
  const resources = directoryFixture();
  const locations = resources.filter((r) => r.resourceType === 'Location').map((r) => r.id!);
  const offers = resources.filter((r) => r.resourceType === 'HealthcareService').map((r) => r.id!);
  const keys = resources.filter((r) => r.resourceType !== 'Task').map((r) => [r.resourceType, r.id!] as [string, string]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ror-index-scope-'));
    store = await openSqliteStore(join(dir, 'db.sqlite'));
    await store.migrate();
    await store.transaction(async (tx) => {
      const s = openIngestSession(tx, () => 1000);
      await s.add(resources);
      await s.finish();
    });
    db = new Database(join(dir, 'db.sqlite'), { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('derives the parameters from the expressions: a capacity change re-extracts the capacity parameters only', () => {
    const scope = paramsReading('Location', [{ key: 'extension', url: CAPACITY }]).map((s) => s.param).sort();
    expect(scope).toEqual(['additional-bed-type', 'capacity-closing-type', 'capacity-status', 'capacity-type', 'capacity-update-date', 'crisis-type',
      'gender-capacity-available', 'nb-capacity', 'temporality-capacity', 'temporary-assignement']);
    // the emitter of near-insee-code reads the position too; a change of every extension reaches every extension parameter
    expect(paramsReading('Location', [{ key: 'position' }]).map((s) => s.param).sort()).toEqual(['near', 'near-insee-code']);
    expect(paramsReading('Location', [{ key: 'extension' }]).length).toBeGreaterThan(scope.length);
    // one sub-extension of the indicators: the parameters reading it
    expect(paramsReading('Location', [{ key: 'extension', url: CAPACITY, sub: 'nbCapacity' }]).map((s) => s.param)).toEqual(['nb-capacity']);
    expect(paramsReading('Location', [{ key: 'extension', sub: 'nbCapacity' }]).length).toBeGreaterThan(1);
    // a hand-compiled accessor is re-extracted on any change
    expect(paramsReading('Organization', [{ key: 'telecom' }]).map((s) => s.param)).toContain('oi-name');
    expect(extractorsOf('Location').length).toBeGreaterThan(scope.length + 10);
  });

  it('leaves every resource with the rows of a full render, over random changes', async () => {
    const ctx: WriteContext = {
      store, caller: { clientId: 'op', cu: 'OPERATOR', profile: 1, operator: true, write: [], egs: [] }, base: 'http://x/fhir', audit: { facts: {}, audited: false },
      now: () => 2000,
    };
    const stepArb = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constant('Location'), fc.constantFrom(...locations), locationChangeArb) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('HealthcareService'), fc.constantFrom(...offers), offerChangeArb) },
    );
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 4 }), async (steps) => {
      for (const [type, id, change] of steps) {
        const current = JSON.parse((await store.readResource(type, id))!.body!) as Json;
        await store.transaction((tx) => applyChange(tx, ctx, updatePlan(ctx, type, id, change(current) as Resource)));
      }
      const full = await fullRenderRows(store, keys);
      for (const [type, id] of keys) expect(storedRows(db, type, id), `${type}/${id}`).toEqual(full.get(`${type}/${id}`) ?? []);
    }), { numRuns: 60 });
  });
});
