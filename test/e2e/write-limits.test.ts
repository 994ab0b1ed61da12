// Per-client rate limit (429 + Retry-After, per client), request size limit (413).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { directoryFixture } from '../fixtures/directory.js';
import { RateLimiter } from '../../src/server/limits.js';
import { startWriteServer, type WriteServer } from './write-helpers.js';

let s: WriteServer;
beforeAll(async () => {
  s = await startWriteServer(directoryFixture(), { limits: { rate: { perSecond: 0.5, burst: 3 }, requestTimeoutMs: 10_000, connectionTimeoutMs: 10_000 }, bodyLimit: 64 * 1024 });
});
afterAll(async () => s?.close());

it('throttles a client beyond its bucket with 429 and Retry-After, without touching other clients', async () => {
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < 4; i++) {
    last = await s.call('reader', 'GET', '/fhir/Organization/eg-chu');
    statuses.push(last.status);
  }
  expect(statuses).toEqual([200, 200, 200, 429]);
  expect(last!.body.issue[0].code).toBe('throttled');
  expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect((await s.call('demo-samu', 'GET', '/fhir/Organization/eg-chu')).status).toBe(200);
});

it('refuses a body over the size limit with 413', async () => {
  const big = { resourceType: 'Organization', name: 'x'.repeat(100 * 1024) };
  const r = await s.call('operator', 'POST', '/fhir/Organization', big);
  expect(r.status).toBe(413);
  expect(r.body.issue[0].code).toBe('too-long');
});

it('the token bucket refills with time', () => {
  const limiter = new RateLimiter({ perSecond: 2, burst: 2 });
  expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual([0, 0, 1]);
  expect(limiter.take('a', 500)).toBe(0);
  expect(limiter.take('b', 0)).toBe(0);
});
