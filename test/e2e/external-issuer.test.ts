// Tokens from an external identity provider (Keycloak-style JWKS): verified against the provider's keys,
// the client named by the token must still be registered here.

import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { TokenService } from '../../src/server/auth/tokens.js';
import { directoryFixture } from '../fixtures/directory.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let jwks: Server;
let app: Awaited<ReturnType<typeof buildApp>>;
let url: string;
let sign: (claims: Record<string, unknown>, exp?: string) => Promise<string>;
let foreign: (claims: Record<string, unknown>) => Promise<string>;

beforeAll(async () => {
  s = await startTestServer(directoryFixture());
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/realms/ror/protocol/openid-connect/certs`;
  const issuer = 'http://idp.example/realms/ror';
  sign = (claims, exp = '5m') => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience('ror').setIssuedAt().setExpirationTime(exp).sign(privateKey);
  foreign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience('ror').setIssuedAt().setExpirationTime('5m').sign(other.privateKey);
  const tokens = new TokenService({ secret: new Uint8Array(32), lifetime: 300, issuer: 'ror', jwksUrl, externalIssuer: issuer, audience: 'ror' });
  app = await buildApp({ store: s.store, tokens });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  jwks?.close();
  await s?.close();
});

const get = (token: string) => fetch(`${url}/fhir/Organization/eg-chu`, { headers: { authorization: `Bearer ${token}` } });

describe('external issuer (JWKS)', () => {
  it('accepts a token signed by the provider for a registered client (azp or client_id claim)', async () => {
    expect((await get(await sign({ azp: 'demo-samu' }))).status).toBe(200);
    expect((await get(await sign({ client_id: 'demo-public' }))).status).toBe(200);
  });

  it('refuses a token signed by another key, an expired one, or one naming an unregistered client', async () => {
    expect((await get(await foreign({ azp: 'demo-samu' }))).status).toBe(401);
    expect((await get(await sign({ azp: 'demo-samu' }, '-1m'))).status).toBe(401);
    expect((await get(await sign({ azp: 'nobody' }))).status).toBe(401);
  });

  it('does not issue tokens itself', async () => {
    const r = await fetch(`${url}/auth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo-samu', client_secret: 'demo-samu-secret' }) });
    expect(r.status).toBe(400);
  });
});
