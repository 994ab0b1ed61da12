// Harness of the write, audit and limit tests: a real server on a real embedded database, the directory
// fixture, and clients registered with write profiles and EGs (tokens obtained over HTTP).

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '../../src/policy/types.js';
import type { ClientRecord, Store } from '../../src/store/contract.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { hashSecret } from '../../src/server/auth/secrets.js';
import { openTestDatabase, readReply, testTokens } from '../helpers/server.js';

export interface TestClient {
  id: string;
  cu: string;
  write?: string[];
  egs?: string[];
  operator?: boolean;
}

/** Write clients of the tests: FINESS 350000741 = eg-chu, 350012345 = eg-ehpad (directory fixture). */
export const CLIENTS: TestClient[] = [
  { id: 'beds-chu', cu: 'CU18', write: ['A'], egs: ['350000741'] },
  { id: 'beds-ehpad', cu: 'CU18', write: ['A'], egs: ['350012345'] },
  { id: 'reporter-1', cu: 'CU18', write: ['B'] },
  { id: 'reporter-2', cu: 'CU22', write: ['B'] },
  { id: 'reader', cu: 'CU18' },
  { id: 'operator', cu: 'OPERATOR', operator: true },
];

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface WriteServer {
  url: string;
  /** Directory of the database file test.db. */
  dbDir: string;
  store: Store;
  close(): Promise<void>;
  call(client: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  ingest(resources: Resource[]): Promise<void>;
}

/** `db`: a PostgreSQL URL (a test schema) instead of a new SQLite file. */
export async function startWriteServer(resources: Resource[], opts: Partial<Omit<AppOptions, 'writeThread'>> & { writeThread?: AppOptions['writeThread'] | null; db?: string } = {}): Promise<WriteServer> {
  const { db, ...appOpts } = opts;
  const { dir, store, ingest } = await openTestDatabase('ror-write-test-', db);
  await store.transaction(async (tx) => {
    for (const c of CLIENTS) {
      const record: ClientRecord = { id: c.id, secretHash: hashSecret(`${c.id}-secret`), cu: c.cu, write: c.write ?? [], egs: c.egs ?? [], operator: c.operator ?? false, createdAt: Date.now() };
      await tx.putClient(record);
    }
  });
  if (resources.length) await ingest(resources);
  // as `ror serve` runs a database file: the writes on their thread (opts.writeThread: null for inline)
  const { writeThread = { db: db ?? join(dir, 'test.db') }, ...rest } = appOpts;
  const app = await buildApp({ store, tokens: testTokens(), audit: { intervalMs: 20 }, ...rest, ...(writeThread ? { writeThread } : {}) });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const cache = new Map<string, string>();
  const token = async (id: string) => {
    if (!cache.has(id)) {
      const res = await fetch(`${url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: `${id}-secret` }),
      });
      cache.set(id, ((await res.json()) as { access_token: string }).access_token);
    }
    return cache.get(id)!;
  };
  return {
    url,
    dbDir: dir,
    store,
    ingest,
    async call(client, method, path, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (client) h.authorization = `Bearer ${await token(client)}`;
      if (body !== undefined && !h['content-type']) h['content-type'] = 'application/fhir+json';
      return readReply(await fetch(`${url}${path}`, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) }));
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SUPPORTED_CAPACITY = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-location-supported-capacity';

/** The indicators of a Location body as { key: nb } with key status/temporality/gender. */
export function indicators(location: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of location.extension ?? []) {
    if (e.url !== SUPPORTED_CAPACITY) continue;
    const code = (u: string) => e.extension.find((x: any) => x.url === u)?.valueCodeableConcept?.coding?.[0]?.code ?? '-';
    const key = `${code('capacityStatus')}/${code('temporalityCapacity')}/${code('genderCapacityAvailable')}`;
    out[key] = e.extension.find((x: any) => x.url === 'nbCapacity')?.valueInteger;
  }
  return out;
}
