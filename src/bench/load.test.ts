import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mergeLoads, rotation, runLoad } from './load.js';

describe('rotation', () => {
  it('cycles through the paths in order', () => {
    const next = rotation(['/a', '/b', '/c']);
    expect(Array.from({ length: 7 }, next)).toEqual(['/a', '/b', '/c', '/a', '/b', '/c', '/a']);
  });

  it('refuses an empty list', () => {
    expect(() => rotation([])).toThrow();
  });
});

describe('runLoad', () => {
  const seen = new Map<string, number>();
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.set(`${req.headers.authorization} ${req.url}`, (seen.get(`${req.headers.authorization} ${req.url}`) ?? 0) + 1);
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends every path of the rotation with the headers, and counts each response', async () => {
    const r = await runLoad({ url, paths: ['/one', '/two', '/missing'], headers: { authorization: 'Bearer t' }, connections: 2, seconds: 0.5 });
    const one = seen.get('Bearer t /one') ?? 0;
    const missing = seen.get('Bearer t /missing') ?? 0;
    expect(one).toBeGreaterThan(0);
    expect(seen.get('Bearer t /two')).toBeGreaterThan(0);
    expect(missing).toBeGreaterThan(0);
    expect(r.requests).toBe(r.samples.length);
    expect(r.latency.count).toBe(r.requests);
    // requests still in flight when the phase ends reach the server but have no response: ≤ 1 per connection
    const sent = [...seen.values()].reduce((a, b) => a + b, 0);
    expect(sent - r.requests).toBeGreaterThanOrEqual(0);
    expect(sent - r.requests).toBeLessThanOrEqual(2);
    expect(missing - r.non2xx).toBeGreaterThanOrEqual(0);
    expect(missing - r.non2xx).toBeLessThanOrEqual(2);
    expect(r.non2xx).toBeGreaterThan(0);
    expect(r.rps).toBeGreaterThan(0);
    const merged = mergeLoads([r, r]);
    expect(merged.requests).toBe(2 * r.requests);
    expect(merged.non2xx).toBe(2 * r.non2xx);
    expect(merged.latency.p95).toBe(r.latency.p95);
  });
});
