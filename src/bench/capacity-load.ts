// The capacity update figure (write profile A): a bed-management client registered for the EGs of a set
// of Locations sends FHIRPath Patches of their availability, while a read load runs beside it.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { capacityPatch } from '../fhir/write/capacity.js';
import { getJson, getToken, type FhirBundle } from './http.js';
import { runLoad, type LoadResult } from './load.js';
import { rorBin } from './processes.js';

const run = promisify(execFile);
export const BEDS_CLIENT = { id: 'bench-beds', secret: 'bench-beds-secret' };
const LOCATIONS = 50;
const BODIES_PER_LOCATION = 8;

interface Json {
  [k: string]: any;
}

/** Locations and the organizations (EG, or their OIs) whose offers use them or which manage them. */
async function locationsAndEstablishments(base: string, token: string): Promise<{ ids: string[]; egs: string[] }> {
  const bundle = await getJson<FhirBundle>(base, `/fhir/Location?_count=${LOCATIONS}&_revinclude=HealthcareService:location`, token);
  const ids: string[] = [];
  const egs = new Set<string>();
  for (const e of bundle.entry ?? []) {
    const r = e.resource as Json | undefined;
    if (!r) continue;
    if (r.resourceType === 'Location') {
      ids.push(r.id);
      const managing = /Organization\/(.+)$/.exec(r.managingOrganization?.reference ?? '');
      if (managing) egs.add(managing[1]);
    } else if (r.resourceType === 'HealthcareService') {
      const provider = /Organization\/(.+)$/.exec(r.providedBy?.reference ?? '');
      if (provider) egs.add(provider[1]);
    }
  }
  return { ids, egs: [...egs] };
}

export interface CapacityLoadResult {
  patch: LoadResult;
  reads: LoadResult;
  locations: number;
}

/** Registers the bed-management client on the database, then drives PATCHes and reads together. */
export async function runCapacityLoad(opts: { base: string; db: string; readPaths: string[]; readAuth: string; seconds: number; connections: number }): Promise<CapacityLoadResult> {
  const operator = await getToken(opts.base, 'demo-samu', 'demo-samu-secret');
  const { ids, egs } = await locationsAndEstablishments(opts.base, operator);
  if (ids.length === 0) throw new Error('no Location in the dataset');
  await run(process.execPath, [rorBin, 'client', 'add', '--id', BEDS_CLIENT.id, '--secret', BEDS_CLIENT.secret, '--cu', 'CU22', '--write', 'A', '--eg', egs.join(','), '--db', opts.db]);
  const token = await getToken(opts.base, BEDS_CLIENT.id, BEDS_CLIENT.secret);
  const writes = ids.flatMap((id, i) =>
    Array.from({ length: BODIES_PER_LOCATION }, (_, k) => ({
      method: 'PATCH',
      path: `/fhir/Location/${id}`,
      contentType: 'application/fhir+json',
      body: JSON.stringify(capacityPatch({ status: '02', temporality: '01', nb: (i * 7 + k * 3) % 40 }, 'add')),
    })),
  );
  const [patch, reads] = await Promise.all([
    runLoad({ url: opts.base, paths: [], writes, headers: { authorization: `Bearer ${token}` }, connections: opts.connections, seconds: opts.seconds }),
    runLoad({ url: opts.base, paths: opts.readPaths, headers: { authorization: opts.readAuth }, connections: 4, seconds: opts.seconds }),
  ]);
  return { patch, reads, locations: ids.length };
}
