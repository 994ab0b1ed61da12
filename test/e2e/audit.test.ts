// Audit over HTTP: every read and write becomes an AuditEvent (client, CU, user headers, profile, action,
// resources, outcome), queryable by the operator only, invisible to tools; and `ror audit`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFixture } from '../fixtures/directory.js';
import { capacityPatch } from '../../src/fhir/write/index.js';
import { startWriteServer, type WriteServer } from './write-helpers.js';

let s: WriteServer;
beforeAll(async () => {
  s = await startWriteServer(directoryFixture());
});
afterAll(async () => s?.close());

/** Polls the operator's AuditEvent search until `ready` holds (reads are flushed in batches). */
async function events(query: string, ready: (entries: any[]) => boolean = (x) => x.length > 0): Promise<any[]> {
  for (let i = 0; i < 100; i++) {
    const r = await s.call('operator', 'GET', `/fhir/AuditEvent?${query}`);
    expect(r.status).toBe(200);
    const entries = (r.body.entry ?? []).map((e: any) => e.resource);
    if (ready(entries)) return entries;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`no audit events for ${query}`);
}

describe('audit', () => {
  it('records a read with the client, its CU, the user headers, the effective profile and the resource', async () => {
    const r = await s.call('demo-samu', 'GET', '/fhir/Organization/eg-chu', undefined, {
      'ror-profil-utilisateur-code': 'CU18',
      'ror-profil-utilisateur-system': '1.2.250.1.213.1.6.1.66',
      'ror-role-metier-code': '10',
    });
    expect(r.status).toBe(200);
    const [e] = await events('agent=demo-samu&entity=Organization/eg-chu');
    expect(e.resourceType).toBe('AuditEvent');
    expect(e.action).toBe('R');
    expect(e.subtype[0].code).toBe('read');
    expect(e.outcome).toBe('0');
    expect(e.agent[0].who.identifier).toEqual({ system: 'urn:ror:client', value: 'demo-samu' });
    expect(e.agent[0].role[0].coding[0].code).toBe('CU22');
    expect(e.agent[0].policy).toContain('urn:ror:read-profile:2');
    expect(e.agent[1].role.map((x: any) => x.coding[0].code)).toEqual(['CU18', '10']);
    expect(e.entity[0].what.reference).toBe('Organization/eg-chu');
    const one = await s.call('operator', 'GET', `/fhir/AuditEvent/${e.id}`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(e.id);
  });

  it('records searches with their query, writes with their write profile, refusals as failures', async () => {
    await s.call('reader', 'GET', '/fhir/Location?name=cardio');
    const [search] = await events('agent=reader&subtype=search-type');
    expect(Buffer.from(search.entity[0].query, 'base64').toString()).toBe('name=cardio');
    expect(search.entity[0].what.type).toBe('Location');

    const ok = await s.call('beds-chu', 'PATCH', '/fhir/Location?identifier=350000741/SYNC-loc-cardio', capacityPatch({ status: '02', nb: 3 }));
    expect(ok.status).toBe(200);
    const [write] = await events('agent=beds-chu&action=U&outcome=0');
    expect(write.subtype[0].code).toBe('patch');
    expect(write.entity[0].what.reference).toBe('Location/loc-cardio');

    const refused = await s.call('beds-ehpad', 'PATCH', '/fhir/Location?identifier=350000741/SYNC-loc-cardio', capacityPatch({ status: '02', nb: 3 }));
    expect(refused.status).toBe(403);
    const [failure] = await events('agent=beds-ehpad&outcome=4');
    expect(failure.outcomeDesc).toBe('HTTP 403');

    await s.call(null, 'GET', '/fhir/Location/loc-cardio');
    const anonymous = await events('entity=Location/loc-cardio&outcome=4', (x) => x.some((e) => e.agent[0].who.display === 'unauthenticated'));
    expect(anonymous.length).toBeGreaterThan(0);
  });

  it('filters by date and pages newest first', async () => {
    const future = await s.call('operator', 'GET', '/fhir/AuditEvent?date=ge2999-01-01');
    expect(future.body.entry).toEqual([]);
    const page = await s.call('operator', 'GET', '/fhir/AuditEvent?_count=2');
    expect(page.body.entry.length).toBe(2);
    const [a, b] = page.body.entry.map((e: any) => Number(e.resource.id));
    expect(a).toBeGreaterThan(b);
    const next = page.body.link.find((l: any) => l.relation === 'next').url.replace(/^.*\/fhir/, '/fhir');
    const second = await s.call('operator', 'GET', next);
    expect(Number(second.body.entry[0].resource.id)).toBeLessThan(b);
    expect((await s.call('operator', 'GET', '/fhir/AuditEvent?date=notadate')).status).toBe(400);
    expect((await s.call('operator', 'GET', '/fhir/AuditEvent?foo=bar')).status).toBe(400);
    expect((await s.call('operator', 'GET', '/fhir/AuditEvent/999999')).status).toBe(404);
  });

  it('is invisible to tools: the same 404 as any unsupported type', async () => {
    for (const client of ['demo-samu', 'beds-chu', 'reporter-1']) {
      const r = await s.call(client, 'GET', '/fhir/AuditEvent');
      const patient = await s.call(client, 'GET', '/fhir/Patient');
      expect(r.status).toBe(404);
      expect(r.body.issue[0].diagnostics.replace('AuditEvent', 'X')).toBe(patient.body.issue[0].diagnostics.replace('Patient', 'X'));
      expect((await s.call(client, 'GET', '/fhir/AuditEvent/1')).status).toBe(404);
    }
    expect((await s.call(null, 'GET', '/fhir/AuditEvent')).status).toBe(401);
  });

  it('`ror audit` prints the trail', async () => {
    // flush what is pending, then read the database from another process
    await events('agent=reader');
    const out = execFileSync(process.execPath, ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'audit', '--client', 'reader', '--db', join(s.dbDir, 'test.db')], { encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.split('\t')[2] === 'reader')).toBe(true);
    expect(out).toContain('search-type (R)');
  });
});

describe('audit switched off for reads (auditReads: false, the benchmark baseline)', () => {
  it('records writes in their transaction but no read and no refusal', async () => {
    const quiet = await startWriteServer(directoryFixture(), { auditReads: false });
    try {
      expect((await quiet.call('demo-samu', 'GET', '/fhir/Organization/eg-chu')).status).toBe(200);
      expect((await quiet.call('demo-samu', 'GET', '/fhir/Organization/unknown')).status).toBe(404);
      const ok = await quiet.call('beds-chu', 'PATCH', '/fhir/Location?identifier=350000741/SYNC-loc-cardio', capacityPatch({ status: '02', nb: 3 }));
      expect(ok.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100)); // several flush intervals (20 ms)
      const trail = await quiet.call('operator', 'GET', '/fhir/AuditEvent?_count=50');
      const kinds = (trail.body.entry ?? []).map((e: any) => e.resource.subtype[0].code);
      expect(kinds).toEqual(['patch']);
    } finally {
      await quiet.close();
    }
  });
});
