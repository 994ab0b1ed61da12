// The establishments (EG) a Location or an offer belongs to, for the profile-A rule « only the EGs the
// tool is registered for », and the national Location identifier `{idNatStruct EG}/{idExterneSynchro}`.
// Runs inside the write transaction, on raw resources (the tool's view plays no part in ownership).

import type { StoredResource, StoreReader, StoreTx } from '../../store/contract.js';
import { FhirError } from '../errors.js';
import { parseReference } from '../resource-types.js';
import type { Caller } from '../rest/types.js';
import { parseStored } from '../parsed-bodies.js';
import type { NationalIds } from './national-ids.js';
import type { RawReads } from './raw-reads.js';

type Json = Record<string, any>;
const MAX_PARENTS = 4;

/** `raws`: the change's reads, shared with its rendering (read and parsed once). */
async function raw(reader: StoreReader, type: string, id: string, raws?: RawReads): Promise<Json | null> {
  if (raws) return raws.get(reader, type, id);
  const r = await reader.readResource(type, id);
  return r?.body ? parseStored(type, id, r.body) : null;
}

/** Keys naming an Organization and its ancestors: logical ids and every identifier value. */
async function organizationKeys(reader: StoreReader, ref: unknown, out: Set<string>, raws?: RawReads): Promise<void> {
  let target = parseReference((ref as Json | undefined)?.reference);
  for (let depth = 0; target && target.type === 'Organization' && depth <= MAX_PARENTS; depth++) {
    if (out.has(`Organization/${target.id}`)) return;
    out.add(`Organization/${target.id}`);
    out.add(target.id);
    const org = await raw(reader, 'Organization', target.id, raws);
    if (!org) return;
    for (const i of (org.identifier ?? []) as Json[]) if (typeof i?.value === 'string') out.add(i.value);
    target = parseReference(org.partOf?.reference);
  }
}

/** Keys (ids and identifier values) of the establishments a Location or HealthcareService belongs to. */
export async function establishmentKeys(reader: StoreReader, type: string, id: string, resource: Json | null, raws?: RawReads): Promise<Set<string>> {
  const out = new Set<string>();
  if (!resource) return out;
  if (type === 'HealthcareService') await organizationKeys(reader, resource.providedBy, out, raws);
  if (type === 'Location') {
    await organizationKeys(reader, resource.managingOrganization, out, raws);
    for (const r of await reader.referrers('Location', id, ['location'])) {
      if (r.type !== 'HealthcareService') continue;
      await organizationKeys(reader, (await raw(reader, 'HealthcareService', r.id, raws))?.providedBy, out, raws);
    }
  }
  return out;
}

/** 403 unless the resource belongs to one of the EGs the (non-operator) caller is registered for.
 * `known`: its establishment keys, when the caller has just computed them in the same transaction. */
export async function assertEstablishment(reader: StoreReader, caller: Caller, type: string, id: string, resource: Json | null, known?: Set<string>, raws?: RawReads): Promise<void> {
  if (caller.operator) return;
  const keys = known ?? (await establishmentKeys(reader, type, id, resource, raws));
  if (!caller.egs.some((eg) => keys.has(eg))) {
    throw new FhirError(403, 'forbidden', `This client is not registered to write for the establishment of ${type}/${id}`);
  }
}

/** The Location a national identifier names, as read (and checked) in the transaction. */
export interface NationalMatch {
  id: string;
  stored: StoredResource;
  resource: Json;
  /** Its establishment keys (establishmentKeys). */
  keys: Set<string>;
  /** What was read to find them. */
  raws: RawReads;
}

/**
 * The Location named by the national identifier `{idNatStruct EG}/{idExterneSynchro}`: a Location carrying
 * the idExterneSynchro as an identifier value and belonging to an establishment with that identifier.
 * 404 (expression Location) when none, 412 multiple-matches when several.
 */
export async function resolveNationalLocation(tx: StoreTx, identifier: string, raws: RawReads, ids?: NationalIds): Promise<NationalMatch> {
  const slash = identifier.indexOf('/');
  const eg = slash > 0 ? identifier.slice(0, slash) : '';
  const external = slash > 0 ? identifier.slice(slash + 1) : identifier;
  if (!eg || !external) {
    throw new FhirError(400, 'invalid', `The identifier must be '{idNatStruct EG}/{idExterneSynchro}', got '${identifier}'`, ['Location.identifier']);
  }
  // profile 1 sees every identifier; the match is then confirmed on the raw resources
  const search = async () =>
    (await tx.search({ type: 'Location', profile: 1, where: [{ op: 'token', param: 'identifier', code: external }], sort: [], count: 100, total: false })).rows.map((r) => r.id);
  const candidates = ids ? await ids.locations(tx, external, search) : await search();
  const matches: NationalMatch[] = [];
  for (const id of candidates) {
    const stored = await tx.readResource('Location', id);
    const loc = stored?.body ? (parseStored('Location', id, stored.body) as Json) : null;
    if (!stored || !loc || !((loc.identifier ?? []) as Json[]).some((i) => i?.value === external)) continue;
    const keys = await establishmentKeys(tx, 'Location', id, loc, raws);
    if (keys.has(eg)) matches.push({ id, stored, resource: loc, keys, raws });
  }
  if (matches.length === 0) throw new FhirError(404, 'not-found', `No Location has the identifier '${identifier}' (idNatStruct/idExterneSynchro)`, ['Location']);
  if (matches.length > 1) throw new FhirError(412, 'multiple-matches', `The Location identifier '${identifier}' is not unique: ${matches.length} matches`, ['Location']);
  return matches[0];
}
