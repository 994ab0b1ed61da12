import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runPacedLoad } from './paced-load.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server that answers after `delayMs`, 404 on /missing, and remembers what it received. */
async function serve(delayMs: number): Promise<{ url: string; seen: { method: string; path: string; type?: string; body: string }[] }> {
  const seen: { method: string; path: string; type?: string; body: string }[] = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, type: req.headers['content-type'], body });
      setTimeout(() => {
        res.statusCode = req.url === '/missing' ? 404 : 200;
        res.end('{}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

describe('runPacedLoad', () => {
  it('sends rate × seconds requests in turn, counts the answers that are not 2xx, and times each from its send', async () => {
    const { url, seen } = await serve(40);
    const r = await runPacedLoad({ url, paths: ['/a', '/missing', '/b'], headers: { authorization: 'Bearer t' }, connections: 2, seconds: 0.5 }, 40);
    expect(r.requests).toBe(20);
    expect(seen.map((s) => s.path).sort()).toEqual(Array.from({ length: 20 }, (_, i) => ['/a', '/missing', '/b'][i % 3]).sort());
    expect(r.non2xx).toBe(7);
    expect(r.errors + r.timeouts).toBe(0);
    // every answer came after the server's delay at least
    expect(Math.min(...r.samples)).toBeGreaterThanOrEqual(39);
  });

  it('sends writes with their method, body and content type', async () => {
    const { url, seen } = await serve(0);
    const writes = [{ method: 'PATCH', path: '/w/1', body: '{"a":1}', contentType: 'application/fhir+json' }, { method: 'PATCH', path: '/w/2', body: '{"é":2}', contentType: 'application/json-patch+json' }];
    const r = await runPacedLoad({ url, paths: [], writes, headers: {}, connections: 1, seconds: 0.2 }, 20);
    expect(r.requests).toBe(4);
    expect(seen).toEqual([0, 1, 0, 1].map((i) => ({ method: 'PATCH', path: writes[i].path, type: writes[i].contentType, body: writes[i].body })));
  });

  it('counts a connection that fails as an error, not an answer', async () => {
    const { url } = await serve(0);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const r = await runPacedLoad({ url, paths: ['/a'], headers: {}, connections: 1, seconds: 0.1 }, 30);
    expect(r.requests).toBe(3);
    expect(r.errors).toBe(3);
    expect(r.rps).toBe(0);
  });
});
