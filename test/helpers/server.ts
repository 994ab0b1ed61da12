// Starts a real server on a real embedded database in a temporary directory, for end-to-end tests.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Resource } from '../../src/policy/types.js';
import type { Store } from '../../src/store/contract.js';
import { openStore } from '../../src/store/open.js';
import { openIngestSession } from '../../src/fhir/ingest.js';
import { buildApp } from '../../src/server/app.js';
import { TokenService } from '../../src/server/auth/tokens.js';
import { DEMO_CLIENTS, registerDemoClients } from '../../src/server/demo-clients.js';

export interface TestServer {
  url: string;
  store: Store;
  app: FastifyInstance;
  dir: string;
  tokens: TokenService;
  /** A bearer token for a demo client. */
  token(clientId: string): Promise<string>;
  /** GET/POST with a demo client's token; returns status, headers and parsed JSON body. */
  request(clientId: string | null, path: string, init?: RequestInit & { headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  ingest(resources: Resource[]): Promise<void>;
  close(): Promise<void>;
}

/** The demo client holding each read profile. */
export const CLIENT_OF_PROFILE = ['demo-public', 'demo-samu', 'demo-orientation', 'demo-ms', 'demo-ars', 'demo-dac'] as const;

/** A fresh database with the demo clients, and how to load resources into it (one ingestion transaction,
 * as `ror import` does): a SQLite file test.db in a new temporary directory, or the PostgreSQL `url` (a
 * test schema). */
export async function openTestDatabase(prefix: string, url?: string): Promise<{ dir: string; store: Store; ingest(resources: Resource[]): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = await openStore(url ?? join(dir, 'test.db'));
  await store.migrate();
  await registerDemoClients(store);
  const ingest = async (rs: Resource[]) => {
    await store.transaction(async (tx) => {
      const s = openIngestSession(tx);
      await s.add(rs);
      await s.finish();
    });
  };
  return { dir, store, ingest };
}

/** The token service of the test servers. */
export const testTokens = (lifetime = 300): TokenService =>
  new TokenService({ secret: new TextEncoder().encode('test-secret-key-0123456789abcdef'), lifetime, issuer: 'ror' });

/** An answer's status, headers, text and body parsed as JSON (undefined when it is not JSON). */
export async function readReply(res: Response): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export async function startTestServer(resources: Resource[] = [], opts: { tokenLifetime?: number } = {}): Promise<TestServer> {
  const { dir, store, ingest } = await openTestDatabase('ror-test-');
  if (resources.length) await ingest(resources);
  const tokens = testTokens(opts.tokenLifetime);
  const app = await buildApp({ store, tokens });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const cache = new Map<string, string>();
  const token = async (clientId: string) => {
    if (cache.has(clientId)) return cache.get(clientId)!;
    const c = DEMO_CLIENTS.find((x) => x.id === clientId);
    if (!c) throw new Error(`no demo client ${clientId}`);
    const res = await fetch(`${address}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret }),
    });
    const t = ((await res.json()) as { access_token: string }).access_token;
    cache.set(clientId, t);
    return t;
  };
  return {
    url: address,
    store,
    app,
    dir,
    tokens,
    token,
    ingest,
    async request(clientId, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (clientId) headers.authorization = `Bearer ${await token(clientId)}`;
      return readReply(await fetch(`${address}${path}`, { ...init, headers }));
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
