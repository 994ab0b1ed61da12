// Write profile B over HTTP: anomaly reports (RORTask) create, read, search and businessStatus PATCH;
// each tool sees its own reports only, the operator sees all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFixture } from '../fixtures/directory.js';
import { startWriteServer, type WriteServer } from './write-helpers.js';

let s: WriteServer;
beforeAll(async () => {
  s = await startWriteServer(directoryFixture());
});
afterAll(async () => s?.close());

const STATUS = 'https://mos.esante.gouv.fr/NOS/TRE_R352-StatutMetierAnomalie/FHIR/TRE-R352-StatutMetierAnomalie';
const task = (focus: unknown, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  code: { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R350-ThematiqueAnomalie/FHIR/TRE-R350-ThematiqueAnomalie', code: '06' }] },
  reasonCode: { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R349-ActionAnomalie/FHIR/TRE-R349-ActionAnomalie', code: 'COR' }] },
  description: 'Le téléphone est faux',
  focus,
  input: [{ type: { coding: [{ system: 'https://interop.esante.gouv.fr/ig/fhir/ror/CodeSystem/input-task-ror-codesystem', code: 'systemRequester' }] }, valueString: 'tool' }],
  ...extra,
});
const status = (code: string) => [{ op: 'replace', path: '/businessStatus', value: { coding: [{ system: STATUS, code }] } }];
const JP = { 'content-type': 'application/json-patch+json' };

describe('anomaly reports (profile B)', () => {
  let mine = '';
  let theirs = '';

  it('creates a report: 201, Location, server-managed workflow fields', async () => {
    const r = await s.call('reporter-1', 'POST', '/fhir/Task', task({ reference: 'HealthcareService/hcs-cardio' }));
    expect(r.status).toBe(201);
    mine = r.body.id;
    expect(r.headers.get('location')).toMatch(new RegExp(`/fhir/Task/${mine}/_history/1$`));
    expect(r.body.businessStatus.coding[0].code).toBe('02');
    expect(r.body.authoredOn).toBeTruthy();
    const other = await s.call('reporter-2', 'POST', '/fhir/Task', task({ type: 'Organization', identifier: { value: '350000741' } }));
    expect(other.status).toBe(201);
    theirs = other.body.id;
  });

  it('a focus the caller cannot see is 404 exactly like an unknown one; no focus is 400; a wrong start status 400', async () => {
    const hidden = await s.call('reporter-1', 'POST', '/fhir/Task', task({ reference: 'HealthcareService/hcs-uhsi' }));
    const unknown = await s.call('reporter-1', 'POST', '/fhir/Task', task({ reference: 'HealthcareService/never' }));
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body.issue[0].diagnostics.replace('hcs-uhsi', 'X')).toBe(unknown.body.issue[0].diagnostics.replace('never', 'X'));
    expect((await s.call('reporter-1', 'POST', '/fhir/Task', task({ type: 'Organization', identifier: { value: 'none' } }))).status).toBe(404);
    expect((await s.call('reporter-1', 'POST', '/fhir/Task', task(undefined))).status).toBe(400);
    expect((await s.call('reporter-1', 'POST', '/fhir/Task', task({ reference: 'Task/x' }))).status).toBe(404);
    expect((await s.call('reporter-1', 'POST', '/fhir/Task', task({ reference: 'HealthcareService/hcs-cardio' }, { businessStatus: { coding: [{ system: STATUS, code: '08' }] } }))).status).toBe(400);
  });

  it('needs write profile B', async () => {
    expect((await s.call('reader', 'POST', '/fhir/Task', task({ reference: 'HealthcareService/hcs-cardio' }))).status).toBe(403);
    expect((await s.call('beds-chu', 'POST', '/fhir/Task', task({ reference: 'HealthcareService/hcs-cardio' }))).status).toBe(403);
  });

  it('a tool reads its own reports; another tool\'s is 404; the operator reads all', async () => {
    expect((await s.call('reporter-1', 'GET', `/fhir/Task/${mine}`)).status).toBe(200);
    const foreign = await s.call('reporter-1', 'GET', `/fhir/Task/${theirs}`);
    expect(foreign.status).toBe(404);
    expect((await s.call('reporter-1', 'GET', `/fhir/Task/${theirs}/_history`)).status).toBe(404);
    expect((await s.call('reporter-1', 'GET', `/fhir/Task/${theirs}/_history/1`)).status).toBe(404);
    expect((await s.call('operator', 'GET', `/fhir/Task/${theirs}`)).status).toBe(200);
    expect((await s.call('operator', 'GET', `/fhir/Task/${mine}`)).status).toBe(200);
  });

  it('searches are guarded to the tool\'s own reports, in the query (totals included)', async () => {
    const own = await s.call('reporter-1', 'GET', '/fhir/Task?_total=accurate');
    expect(own.body.entry.map((e: any) => e.resource.id)).toEqual([mine]);
    expect(own.body.total).toBe(1);
    const byCode = await s.call('reporter-2', 'GET', '/fhir/Task?code=06&_total=accurate');
    expect(byCode.body.entry.map((e: any) => e.resource.id)).toEqual([theirs]);
    const post = await s.call('reporter-2', 'POST', '/fhir/Task/_search', 'code=06', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(post.body.entry.map((e: any) => e.resource.id)).toEqual([theirs]);
    const all = await s.call('operator', 'GET', '/fhir/Task');
    expect(all.body.entry.map((e: any) => e.resource.id).sort()).toEqual([mine, theirs].sort());
    expect((await s.call('reader', 'GET', '/fhir/Task')).body.entry).toEqual([]);
  });

  it('Tasks cannot be reached from another search by a tool (_revinclude, _has, chains)', async () => {
    expect((await s.call('reporter-1', 'GET', '/fhir/HealthcareService?_revinclude=Task:focus')).status).toBe(403);
    expect((await s.call('reporter-1', 'GET', '/fhir/HealthcareService?_has:Task:focus:code=06')).status).toBe(403);
    expect((await s.call('reporter-1', 'GET', '/fhir/Task?part-of.code=06')).status).toBe(403);
    const operator = await s.call('operator', 'GET', '/fhir/HealthcareService?_id=hcs-cardio&_revinclude=Task:focus');
    expect(operator.status).toBe(200);
    expect(operator.body.entry.some((e: any) => e.resource.id === mine)).toBe(true);
  });

  it('PATCH of businessStatus along the transitions; anything else 403; another tool\'s report 404', async () => {
    const fixed = await s.call('reporter-1', 'PATCH', `/fhir/Task/${mine}`, status('08'), JP);
    expect(fixed.status).toBe(200);
    expect(fixed.body.businessStatus.coding[0].code).toBe('08');
    expect(fixed.headers.get('etag')).toBe(`W/"${fixed.body.meta.versionId}"`);
    const back = await s.call('reporter-1', 'PATCH', `/fhir/Task/${mine}`, status('02'), JP);
    expect(back.status).toBe(400);
    expect(back.body.issue[0].code).toBe('business-rule');
    expect((await s.call('reporter-1', 'PATCH', `/fhir/Task/${mine}`, status('77'), JP)).status).toBe(400);
    const text = await s.call('reporter-1', 'PATCH', `/fhir/Task/${mine}`, [{ op: 'replace', path: '/description', value: 'x' }], JP);
    expect(text.status).toBe(403);
    const tag = await s.call('reporter-1', 'PATCH', `/fhir/Task/${mine}`, [{ op: 'remove', path: '/meta' }], JP);
    expect(tag.status).toBe(403);
    expect((await s.call('reporter-1', 'PATCH', `/fhir/Task/${theirs}`, status('03'), JP)).status).toBe(404);
    const fhirpath = await s.call('reporter-2', 'PATCH', `/fhir/Task/${theirs}`, {
      resourceType: 'Parameters',
      parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: 'Task.businessStatus' }, { name: 'value', valueCodeableConcept: { coding: [{ system: STATUS, code: '03' }] } }] }],
    });
    expect(fhirpath.status).toBe(200);
    // the operator may reopen; the reporter stays the original one
    const reopened = await s.call('operator', 'PATCH', `/fhir/Task/${mine}`, status('02'), JP);
    expect(reopened.status).toBe(200);
    expect((await s.call('reporter-1', 'GET', `/fhir/Task/${mine}`)).status).toBe(200);
  });
});
