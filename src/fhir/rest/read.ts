// read, vread and instance history, all over the caller's view: a resource that does not exist for the
// caller is 404 exactly like one that never existed; versions and timestamps are those of its view.

import type { Store, StoredView } from '../../store/contract.js';
import { FhirError, notFound } from '../errors.js';
import { ID_PATTERN, isStoredType } from '../resource-types.js';
import { FHIR_JSON, type Caller, type FhirResponse } from './types.js';
import { historyBundle } from './bundle.js';

export function checkTypeAndId(type: string, id?: string): void {
  if (!isStoredType(type)) throw new FhirError(404, 'not-supported', `Resource type '${type}' is not supported by this server`);
  if (id !== undefined && !ID_PATTERN.test(id)) throw new FhirError(400, 'invalid', `'${id}' is not a valid FHIR id`);
}

export const viewHeaders = (v: Pick<StoredView, 'version' | 'lastUpdated'>): Record<string, string> => ({
  'content-type': FHIR_JSON,
  etag: `W/"${v.version}"`,
  'last-modified': new Date(v.lastUpdated).toUTCString(),
});

const gone = (type: string, id: string) => new FhirError(410, 'deleted', `${type}/${id} has been deleted`);
const unknown = (type: string, id: string) => notFound(`${type}/${id} is not known`);

export async function read(store: Store, caller: Caller, type: string, id: string): Promise<FhirResponse> {
  checkTypeAndId(type, id);
  const view = await currentView(store, type, id, caller.profile);
  if (view?.body) return { status: 200, headers: viewHeaders(view), body: view.body };
  if (view && (await deletedWhileVisible(store, caller, type, id))) throw gone(type, id);
  throw unknown(type, id);
}

/** The profile's current view, its body as UTF-8 bytes when the store can read it so (served as is). */
async function currentView(store: Store, type: string, id: string, profile: number): Promise<{ version: number; lastUpdated: number; body: string | Buffer | null } | null> {
  if (!store.readViewAsBytes) return store.readView(type, id, profile);
  const v = await store.readViewAsBytes(type, id, profile);
  return v && { version: v.version, lastUpdated: v.lastUpdated, body: v.bytes };
}

/** A deleted resource is "gone" only for a caller who could see it before its deletion. */
async function deletedWhileVisible(store: Store, caller: Caller, type: string, id: string): Promise<boolean> {
  const raw = await store.readResource(type, id);
  if (!raw || raw.body !== null) return false;
  const previous = await store.viewHistory(type, id, caller.profile, { count: 2 });
  return previous.length > 1 && previous[1].body !== null && previous[0].body === null;
}

export async function vread(store: Store, caller: Caller, type: string, id: string, version: string): Promise<FhirResponse> {
  checkTypeAndId(type, id);
  const n = Number(version);
  if (!Number.isInteger(n) || n < 1) throw new FhirError(400, 'invalid', `'${version}' is not a valid version id`);
  const v = await store.readViewVersion(type, id, caller.profile, n);
  if (v?.body) return { status: 200, headers: viewHeaders(v), body: v.body };
  if (v && v.body === null && (await deletedWhileVisible(store, caller, type, id))) throw gone(type, id);
  throw notFound(`${type}/${id}/_history/${version} is not known`);
}

export async function history(store: Store, caller: Caller, type: string, id: string, params: [string, string][], base: string): Promise<FhirResponse> {
  checkTypeAndId(type, id);
  let count = 50;
  let since: number | undefined;
  let beforeVersion: number | undefined;
  for (const [k, v] of params) {
    if (k === '_count') {
      count = Number(v);
      if (!Number.isInteger(count) || count < 1) throw new FhirError(400, 'invalid', `_count must be a positive integer, got '${v}'`);
      count = Math.min(count, 200);
    } else if (k === '_since') {
      since = Date.parse(v);
      if (Number.isNaN(since)) throw new FhirError(400, 'invalid', `_since must be an instant, got '${v}'`);
    } else if (k === '_page_before') {
      beforeVersion = Number(v);
      if (!Number.isInteger(beforeVersion)) throw new FhirError(400, 'invalid', `bad paging cursor '${v}'`);
    } else if (k !== '_format' && k !== '_pretty') {
      throw new FhirError(400, 'not-supported', `Parameter '${k}' is not supported on _history`);
    }
  }
  const versions = await store.viewHistory(type, id, caller.profile, { count: count + 1, since, beforeVersion });
  // A resource that never existed for the caller has no history for it either.
  if (!versions.some((v) => v.body !== null) && !(await store.viewHistory(type, id, caller.profile, { count: 1000 })).some((v) => v.body !== null)) {
    throw unknown(type, id);
  }
  const page = versions.slice(0, count);
  const self = `${base}/${type}/${id}/_history`;
  const next = versions.length > count ? `${self}?_count=${count}&_page_before=${page[page.length - 1].version}${since ? `&_since=${new Date(since).toISOString()}` : ''}` : undefined;
  return historyBundle(base, type, id, page, self, next);
}
