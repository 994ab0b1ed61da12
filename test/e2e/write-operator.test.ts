// The operator's writes over HTTP: create, update, patch, delete, conditional create / update / patch,
// transaction and batch Bundles, every change versioned; tools never get these rights.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFixture } from '../fixtures/directory.js';
import { startWriteServer, type WriteServer } from './write-helpers.js';

let s: WriteServer;
beforeAll(async () => {
  s = await startWriteServer(directoryFixture());
});
afterAll(async () => s?.close());

const SD = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
const org = (name: string, finess: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Organization',
  name,
  identifier: [{ system: 'https://finess.esante.gouv.fr', value: finess }],
  extension: [{ url: `${SD}ror-meta-creation-date`, valueDateTime: '2024-01-01T00:00:00Z' }],
  ...extra,
});
const JP = { 'content-type': 'application/json-patch+json' };

describe('operator: instance writes', () => {
  it('create, read, update, patch (both formats), history, delete', async () => {
    const created = await s.call('operator', 'POST', '/fhir/Organization', org('Clinique A', '350000001'));
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.headers.get('location')).toContain(`/fhir/Organization/${id}/_history/1`);
    expect((await s.call('reader', 'GET', `/fhir/Organization/${id}`)).status).toBe(200);

    const updated = await s.call('operator', 'PUT', `/fhir/Organization/${id}`, { ...org('Clinique B', '350000001'), id });
    expect(updated.status).toBe(200);
    expect(updated.body.name).toBe('Clinique B');
    expect(updated.body.meta.versionId).toBe('2');

    const jp = await s.call('operator', 'PATCH', `/fhir/Organization/${id}`, [{ op: 'replace', path: '/name', value: 'Clinique C' }], JP);
    expect(jp.body.name).toBe('Clinique C');
    const fp = await s.call('operator', 'PATCH', `/fhir/Organization/${id}`, {
      resourceType: 'Parameters',
      parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Organization' }, { name: 'name', valueString: 'alias' }, { name: 'value', valueString: 'CC' }] }],
    });
    expect(fp.status).toBe(200);
    expect(fp.body.alias).toEqual(['CC']);
    const hist = await s.call('operator', 'GET', `/fhir/Organization/${id}/_history`);
    expect(hist.body.entry.map((e: any) => e.resource?.name)).toEqual(['Clinique C', 'Clinique C', 'Clinique B', 'Clinique A']);

    const stale = await s.call('operator', 'PUT', `/fhir/Organization/${id}`, { ...org('X', '350000001'), id }, { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(412);
    const del = await s.call('operator', 'DELETE', `/fhir/Organization/${id}`);
    expect(del.status).toBe(204);
    expect((await s.call('operator', 'GET', `/fhir/Organization/${id}`)).status).toBe(410);
    expect((await s.call('operator', 'PATCH', `/fhir/Organization/${id}`, [{ op: 'replace', path: '/name', value: 'z' }], JP)).status).toBe(410);
    expect((await s.call('operator', 'DELETE', '/fhir/Organization/never')).status).toBe(404);
  });

  it('Prefer: return=OperationOutcome answers an outcome instead of the resource, return=minimal nothing', async () => {
    const created = await s.call('operator', 'POST', '/fhir/Organization', org('Clinique P', '350000009'), { prefer: 'return=OperationOutcome' });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/\/fhir\/Organization\/[^/]+\/_history\/1$/);
    expect(created.body).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: `Created (HTTP 201): ${location}` }] });
    const id = location.split('/').at(-3)!;
    const updated = await s.call('operator', 'PUT', `/fhir/Organization/${id}`, { ...org('Clinique P bis', '350000009'), id }, { prefer: 'return=minimal' });
    expect(updated.status).toBe(200);
    expect(updated.text).toBe('');
    expect(updated.headers.get('etag')).toBe('W/"2"');
    expect((await s.call('operator', 'GET', `/fhir/Organization/${id}`)).body.name).toBe('Clinique P bis');
  });

  it('update creates with the client id; wrong type, mismatched id and invalid resources are 400', async () => {
    const put = await s.call('operator', 'PUT', '/fhir/Organization/org-new', { ...org('Neuve', '350000002'), id: 'org-new' });
    expect(put.status).toBe(201);
    expect((await s.call('operator', 'PUT', '/fhir/Organization/org-new', { ...org('x', '1'), id: 'other' })).status).toBe(400);
    expect((await s.call('operator', 'PUT', '/fhir/Organization/org-new', { resourceType: 'Location', id: 'org-new' })).status).toBe(400);
    expect((await s.call('operator', 'PUT', '/fhir/Organization/org-new', { ...org('x', '1') })).status).toBe(400);
    const invalid = await s.call('operator', 'POST', '/fhir/Organization', org('x', '1', { active: 'yes' }));
    expect(invalid.status).toBe(400);
    expect((await s.call('operator', 'POST', '/fhir/Patient', { resourceType: 'Patient' })).status).toBe(404);
    expect((await s.call('operator', 'PATCH', '/fhir/Organization/org-new', [{ op: 'replace', path: '/nothing/here', value: 1 }], JP)).status).toBe(422);
    expect((await s.call('operator', 'PATCH', '/fhir/Organization/org-new', { op: 'replace' }, JP)).status).toBe(400);
  });

  it('conditional create, update and patch', async () => {
    const first = await s.call('operator', 'POST', '/fhir/Organization', org('Cond', '350000003'), { 'if-none-exist': 'identifier=350000003' });
    expect(first.status).toBe(201);
    const second = await s.call('operator', 'POST', '/fhir/Organization', org('Cond', '350000003'), { 'if-none-exist': 'identifier=350000003' });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);

    const upd = await s.call('operator', 'PUT', '/fhir/Organization?identifier=350000003', org('Cond 2', '350000003'));
    expect(upd.status).toBe(200);
    expect(upd.body.id).toBe(first.body.id);
    const created = await s.call('operator', 'PUT', '/fhir/Organization?identifier=350000004', org('Cond new', '350000004'));
    expect(created.status).toBe(201);
    await s.call('operator', 'POST', '/fhir/Organization', org('Twin', '350000009'));
    await s.call('operator', 'POST', '/fhir/Organization', org('Twin', '350000009'));
    expect((await s.call('operator', 'PUT', '/fhir/Organization?identifier=350000009', org('x', '350000009'))).status).toBe(412);
    expect((await s.call('operator', 'POST', '/fhir/Organization', org('x', '350000009'), { 'if-none-exist': 'identifier=350000009' })).status).toBe(412);

    const patched = await s.call('operator', 'PATCH', '/fhir/Organization?identifier=350000004', [{ op: 'replace', path: '/name', value: 'Patched' }], JP);
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Patched');
    expect((await s.call('operator', 'PATCH', '/fhir/Organization?identifier=nope', [{ op: 'replace', path: '/name', value: 'x' }], JP)).status).toBe(404);
    expect((await s.call('operator', 'PATCH', '/fhir/Organization?identifier=350000009', [{ op: 'replace', path: '/name', value: 'x' }], JP)).status).toBe(412);
  });

  it('tools never get these rights', async () => {
    for (const client of ['beds-chu', 'reporter-1', 'reader', 'demo-samu']) {
      expect((await s.call(client, 'POST', '/fhir/Organization', org('x', '1'))).status).toBe(403);
      expect((await s.call(client, 'PUT', '/fhir/Organization/eg-chu', { ...org('x', '1'), id: 'eg-chu' })).status).toBe(403);
      expect((await s.call(client, 'DELETE', '/fhir/Organization/eg-chu')).status).toBe(403);
      expect((await s.call(client, 'PUT', '/fhir/Organization?identifier=1', org('x', '1'))).status).toBe(403);
      expect((await s.call(client, 'PATCH', '/fhir/Organization?identifier=350000741', [{ op: 'replace', path: '/name', value: 'x' }], JP)).status).toBe(403);
      expect((await s.call(client, 'POST', '/fhir', { resourceType: 'Bundle', type: 'batch', entry: [] })).status).toBe(403);
    }
    expect((await s.call(null, 'POST', '/fhir/Organization', org('x', '1'))).status).toBe(401);
  });
});

describe('operator: Bundles', () => {
  it('a transaction is atomic and resolves urn:uuid references', async () => {
    const ok = await s.call('operator', 'POST', '/fhir', {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:a1', resource: org('Tx EG', '350000010'), request: { method: 'POST', url: 'Organization' } },
        { resource: { resourceType: 'Location', name: 'Tx loc', extension: [{ url: `${SD}ror-commune-cog`, valueCodeableConcept: { coding: [{ code: '35238' }] } }], managingOrganization: { reference: 'urn:uuid:a1' } }, request: { method: 'POST', url: 'Location' } },
        { resource: [{ op: 'replace', path: '/name', value: 'x' }], request: { method: 'DELETE', url: 'Organization/ej-ehpad' } },
      ],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.type).toBe('transaction-response');
    expect(ok.body.entry.map((e: any) => e.response.status)).toEqual(['201 Created', '201 Created', '204 No Content']);
    const orgId = ok.body.entry[0].resource.id;
    expect(ok.body.entry[1].resource.managingOrganization.reference).toBe(`Organization/${orgId}`);
    expect((await s.call('operator', 'GET', '/fhir/Organization/ej-ehpad')).status).toBe(410);

    const failing = await s.call('operator', 'POST', '/fhir', {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { resource: org('Never stored', '350000011'), request: { method: 'POST', url: 'Organization' } },
        { resource: { ...org('bad', '1', { active: 'yes' }), id: 'bad' }, request: { method: 'PUT', url: 'Organization/bad' } },
      ],
    });
    expect(failing.status).toBe(400);
    expect(failing.body.issue[0].diagnostics).toMatch(/^entry 1:/);
    const search = await s.call('operator', 'GET', '/fhir/Organization?identifier=350000011');
    expect(search.body.entry).toEqual([]);
  });

  it('a batch applies each entry on its own', async () => {
    const r = await s.call('operator', 'POST', '/fhir', {
      resourceType: 'Bundle', type: 'batch',
      entry: [
        { resource: org('Batch ok', '350000012'), request: { method: 'POST', url: 'Organization' } },
        { request: { method: 'DELETE', url: 'Organization/never-there' } },
        { resource: { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: 'Organization.name' }, { name: 'value', valueString: 'Renamed EG' }] }] }, request: { method: 'PATCH', url: 'Organization/eg-msp' } },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.type).toBe('batch-response');
    expect(r.body.entry.map((e: any) => e.response.status)).toEqual(['201 Created', '404', '200 OK']);
    expect((await s.call('reader', 'GET', '/fhir/Organization/eg-msp')).body.name).toBe('Renamed EG');
    expect((await s.call('operator', 'POST', '/fhir', { resourceType: 'Bundle', type: 'collection' })).status).toBe(400);
    expect((await s.call('operator', 'POST', '/fhir', { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Organization' } }] })).status).toBe(400);
  });
});
