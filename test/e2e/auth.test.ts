import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFixture } from '../fixtures/directory.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(directoryFixture());
});
afterAll(async () => s?.close());

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('token endpoint', () => {
  it('issues a short-lived bearer token for a registered client', async () => {
    const r = await s.request(null, '/auth/token', form({ grant_type: 'client_credentials', client_id: 'demo-public', client_secret: 'demo-public-secret' }));
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('Bearer');
    expect(r.body.expires_in).toBe(300);
    expect(r.body.access_token.split('.')).toHaveLength(3);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a wrong secret and an unknown client alike', async () => {
    const wrong = await s.request(null, '/auth/token', form({ grant_type: 'client_credentials', client_id: 'demo-public', client_secret: 'nope' }));
    const unknown = await s.request(null, '/auth/token', form({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'nope' }));
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('refuses other grant types', async () => {
    const r = await s.request(null, '/auth/token', form({ grant_type: 'password', client_id: 'demo-public', client_secret: 'demo-public-secret' }));
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('unsupported_grant_type');
  });

  it('accepts HTTP Basic client authentication', async () => {
    const r = await s.request(null, '/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('demo-samu:demo-samu-secret').toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(r.status).toBe(200);
  });
});

describe('bearer tokens on the FHIR API', () => {
  it('requires a token on every FHIR request', async () => {
    const r = await s.request(null, '/fhir/Organization/eg-chu');
    expect(r.status).toBe(401);
    expect(r.body.resourceType).toBe('OperationOutcome');
    expect(r.body.issue[0].code).toBe('login');
    expect(r.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('refuses a malformed or forged token', async () => {
    const bad = await s.request(null, '/fhir/Organization/eg-chu', { headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(bad.status).toBe(401);
    const scheme = await s.request(null, '/fhir/Organization/eg-chu', { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(scheme.status).toBe(401);
    expect(scheme.body.issue[0].diagnostics).toMatch(/Bearer/);
  });

  it('refuses an expired token', async () => {
    const short = await startTestServer([], { tokenLifetime: 1 });
    try {
      const t = await short.token('demo-public');
      await new Promise((r) => setTimeout(r, 2100));
      const r = await short.request(null, '/fhir/Organization/x', { headers: { authorization: `Bearer ${t}` } });
      expect(r.status).toBe(401);
      expect(r.body.issue[0].diagnostics).toMatch(/expired/);
    } finally {
      await short.close();
    }
  });

  it('refuses a token whose client was removed', async () => {
    const t = await s.token('demo-ms');
    await s.store.transaction((tx) => tx.deleteClient('demo-ms'));
    await new Promise((r) => setTimeout(r, 5100)); // the client cache lives 5 s
    const r = await s.request(null, '/fhir/Organization/eg-chu', { headers: { authorization: `Bearer ${t}` } });
    expect(r.status).toBe(401);
  });
});

describe('end-user headers (policy-decisions §6)', () => {
  const user = (code: string, role?: string) => ({
    headers: {
      'Ror-Profil-Utilisateur-Code': code,
      'Ror-Profil-Utilisateur-System': '1.2.250.1.213.1.6.1.66',
      ...(role ? { 'Ror-Role-Metier-Code': role, 'Ror-Role-Metier-System': '1.2.250.1.213.1.1.4.6' } : {}),
    },
  });

  it('serves a narrower user profile when the tool’s profile includes it', async () => {
    // A profile-1 tool narrowed to a public user does not see the restricted telecom.
    const full = await s.request('demo-samu', '/fhir/Organization/eg-chu');
    const narrowed = await s.request('demo-samu', '/fhir/Organization/eg-chu', user('CU23', 'AUTOMATE'));
    expect(full.text).toContain('+33100000002');
    expect(narrowed.status).toBe(200);
    expect(narrowed.text).not.toContain('+33100000002');
    expect(narrowed.text).toContain('+33100000001');
  });

  it('refuses a user profile wider than the tool’s', async () => {
    const r = await s.request('demo-public', '/fhir/Organization/eg-chu', user('CU22'));
    expect(r.status).toBe(403);
    expect(r.body.issue[0].code).toBe('forbidden');
  });

  it('refuses unknown or unmapped codes and systems', async () => {
    expect((await s.request('demo-samu', '/fhir/Organization/eg-chu', user('CU99'))).status).toBe(403);
    expect((await s.request('demo-samu', '/fhir/Organization/eg-chu', user('CU26'))).status).toBe(403);
    const badSystem = await s.request('demo-samu', '/fhir/Organization/eg-chu', { headers: { 'Ror-Profil-Utilisateur-Code': 'CU23', 'Ror-Profil-Utilisateur-System': 'urn:oid:1.2.3' } });
    expect(badSystem.status).toBe(403);
  });
});

describe('habilitation overrides (operator data)', () => {
  it('maps a CU code the default table refuses, and refuses one it maps', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadHabilitation } = await import('../../src/server/habilitations.js');
    const { buildApp } = await import('../../src/server/app.js');
    const file = join(mkdtempSync(join(tmpdir(), 'ror-hab-')), 'habilitations.json');
    writeFileSync(file, JSON.stringify({ CU26: 4, CU23: null }));
    const app = await buildApp({ store: s.store, tokens: s.tokens, habilitation: loadHabilitation(file) });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const get = (headers: Record<string, string>) => fetch(`${url}/fhir/Organization/eg-chu`, { headers });
      const samu = { authorization: `Bearer ${await s.token('demo-samu')}` };
      expect((await get({ ...samu, 'Ror-Profil-Utilisateur-Code': 'CU26' })).status).toBe(200);
      expect((await get({ ...samu, 'Ror-Profil-Utilisateur-Code': 'CU23' })).status).toBe(403);
      expect((await get({ authorization: `Bearer ${await s.token('demo-public')}` })).status).toBe(403); // a CU23 tool
    } finally {
      await app.close();
    }
    writeFileSync(file, JSON.stringify({ CU26: 9 }));
    expect(() => loadHabilitation(file)).toThrow(/CU26 must map to a profile 0–5 or null/);
  });
});
