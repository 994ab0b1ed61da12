import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createBaselineServer, type Recording } from './baseline-server.js';

const bundle = Buffer.from(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Location', id: 'é-1' } }] }));
const recordings: Recording[] = [
  { authorization: 'Bearer p0', path: '/fhir/Location?near=48.1%7C-1.6%7C10%7Ckm', status: 200, contentType: 'application/fhir+json; charset=utf-8', body: bundle.toString('base64') },
  { authorization: 'Bearer p1', path: '/fhir/Location?near=48.1%7C-1.6%7C10%7Ckm', status: 200, contentType: 'application/fhir+json', body: Buffer.from('{"other":true}').toString('base64') },
  { authorization: 'Bearer p0', path: '/fhir/Location/x', status: 404, contentType: 'application/fhir+json', body: Buffer.from('{"resourceType":"OperationOutcome"}').toString('base64') },
];

let server: Server;
let base: string;
beforeAll(async () => {
  server = createBaselineServer(recordings);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the baseline server', () => {
  it('answers a recorded request with the exact recorded bytes, status and content-type', async () => {
    const res = await fetch(base + recordings[0].path, { headers: { authorization: 'Bearer p0' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(bundle.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(bundle)).toBe(true);
  });

  it('tells callers apart by their Authorization header, as the real server does', async () => {
    const res = await fetch(base + recordings[1].path, { headers: { authorization: 'Bearer p1' } });
    expect(await res.text()).toBe('{"other":true}');
  });

  it('replays recorded error statuses too', async () => {
    const res = await fetch(base + '/fhir/Location/x', { headers: { authorization: 'Bearer p0' } });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('{"resourceType":"OperationOutcome"}');
  });

  it('says so when a request was not recorded (other path, other caller, no caller)', async () => {
    for (const [path, auth] of [['/fhir/Location?near=1', 'Bearer p0'], [recordings[0].path, 'Bearer p2'], [recordings[0].path, undefined]] as const) {
      const res = await fetch(base + path, { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('not recorded\n');
    }
  });
});
