// Resolves what the policy needs to know about a resource from its neighbours (policy-decisions §1, §4):
// the candidate sectors of its data and whether it falls in a sensitive unit's cascade. Runs at write
// time only; reads never walk references.

import {
  ALL_PROFILES,
  SECTORS,
  sectorOfChamp,
  sectorOfEgCategory,
  type PolicyContext,
  type ProfileMask,
  type Resource,
  type Sector,
} from '../../policy/index.js';
import type { StoreReader } from '../../store/contract.js';
import { parseStored } from '../parsed-bodies.js';
import { parseReference } from '../resource-types.js';

const SENSITIVE_URL = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-healthcareservice-sensitive-unit';
const CATEGORY_SYSTEM_FRAGMENT = 'J55';
/** How far up organizationSectors follows partOf. */
export const MAX_DEPTH = 6;

type Json = Record<string, any>;

export interface Neighbourhood {
  /** The current stored (raw) resource, or null. */
  resource(type: string, id: string): Promise<Resource | null>;
  /** Ids of resources of `type` whose `param` reference points at target (any mask). */
  referrers(target: { type: string; id: string }, type: string, param: string): Promise<string[]>;
  /** Profiles for which a resource currently exists (its view is not null). */
  existence(type: string, id: string): Promise<ProfileMask | null>;
}

/** A neighbourhood over a store reader, memoising raw resources for the duration of one write. */
export function storeNeighbourhood(reader: StoreReader): Neighbourhood {
  const cache = new Map<string, Resource | null>();
  return {
    async resource(type, id) {
      const key = `${type}/${id}`;
      if (cache.has(key)) return cache.get(key)!;
      const stored = await reader.readResource(type, id);
      const value = stored?.body ? parseStored(type, id, stored.body) : null;
      cache.set(key, value);
      return value;
    },
    async referrers(target, type, param) {
      const rows = await reader.referrers(target.type, target.id, [param]);
      return rows.filter((r) => r.type === type).map((r) => r.id);
    },
    async existence(type, id) {
      const states = await reader.readViewStates(type, id);
      if (states.length === 0) return null;
      let mask = 0;
      for (const v of states) if (v.body !== null) mask |= 1 << v.profile;
      return mask;
    },
  };
}

const ALL: ReadonlySet<Sector> = new Set(SECTORS);

function union(sets: ReadonlySet<Sector>[]): ReadonlySet<Sector> {
  if (sets.length === 0) return ALL;
  const out = new Set<Sector>();
  for (const s of sets) for (const x of s) out.add(x);
  return out;
}

const codes = (cc: Json | undefined): { system?: string; code?: string }[] => (cc?.coding ?? []) as Json[];

function isSensitiveOffer(hcs: Resource | null): boolean {
  const ext = ((hcs as Json | null)?.extension ?? []) as Json[];
  return ext.some((e) => e.url === SENSITIVE_URL && e.valueBoolean === true);
}

/** Sector of an Organization: EG by category, OI through partOf, EJ by its EGs when they agree. */
export async function organizationSectors(nb: Neighbourhood, org: Resource, depth = 0): Promise<ReadonlySet<Sector>> {
  const o = org as Json;
  const own = categorySector(org);
  if (own) return new Set([own]);
  if (depth >= MAX_DEPTH) return ALL;
  const parent = parseReference(o.partOf?.reference);
  if (parent && parent.type === 'Organization') {
    const p = await nb.resource(parent.type, parent.id);
    if (p) {
      // An OI takes its EG's sector; an EG without a known category falls back to its EJ's view below.
      const fromParent = await organizationSectors(nb, p, depth + 1);
      if (fromParent !== ALL) return fromParent;
    }
  }
  if (!org.id) return ALL;
  const children = await nb.referrers({ type: 'Organization', id: org.id }, 'Organization', 'partof');
  const sectors: ReadonlySet<Sector>[] = [];
  for (const id of children.slice(0, 200)) {
    const child = await nb.resource('Organization', id);
    if (!child) continue;
    const s = categorySector(child);
    if (s) sectors.push(new Set([s]));
  }
  return union(sectors);
}

/** The sector of an Organization's own establishment category (its first known one), or null. */
export function categorySector(org: Resource): Sector | null {
  for (const type of ((org as Json).type ?? []) as Json[]) {
    for (const c of codes(type)) {
      const s = c.code && (c.system?.includes(CATEGORY_SYSTEM_FRAGMENT) || c.system?.includes('TRE_R66')) ? sectorOfEgCategory(c.code) : undefined;
      if (s) return s;
    }
  }
  return null;
}

/** Sector of an offer: its champ d'activité, else its providing organization's. */
export async function offerSectors(nb: Neighbourhood, hcs: Resource): Promise<ReadonlySet<Sector>> {
  const h = hcs as Json;
  for (const type of (h.type ?? []) as Json[]) {
    for (const c of codes(type)) {
      const s = c.code ? sectorOfChamp(c.code) : undefined;
      if (s) return new Set([s]);
    }
  }
  const provider = parseReference(h.providedBy?.reference);
  if (provider) {
    const org = await nb.resource(provider.type, provider.id);
    if (org) return organizationSectors(nb, org);
  }
  return ALL;
}

async function offersOf(nb: Neighbourhood, ids: string[]): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const id of ids) {
    const r = await nb.resource('HealthcareService', id);
    if (r) out.push(r);
  }
  return out;
}

interface Facts {
  sectors: ReadonlySet<Sector>;
  sensitive: boolean;
}

async function facts(nb: Neighbourhood, resource: Resource): Promise<Facts> {
  const r = resource as Json;
  switch (resource.resourceType) {
    case 'Organization':
      return { sectors: await organizationSectors(nb, resource), sensitive: false };
    case 'HealthcareService':
      return { sectors: await offerSectors(nb, resource), sensitive: isSensitiveOffer(resource) };
    case 'Location': {
      const offers = await offersOf(nb, await nb.referrers({ type: 'Location', id: resource.id! }, 'HealthcareService', 'location'));
      if (offers.length > 0) {
        const sectors = union(await Promise.all(offers.map((o) => offerSectors(nb, o))));
        return { sectors, sensitive: offers.some(isSensitiveOffer) };
      }
      const managing = parseReference(r.managingOrganization?.reference);
      const org = managing ? await nb.resource(managing.type, managing.id) : null;
      return { sectors: org ? await organizationSectors(nb, org) : ALL, sensitive: false };
    }
    case 'PractitionerRole': {
      const service = parseReference(r.healthcareService?.[0]?.reference);
      const hcs = service ? await nb.resource(service.type, service.id) : null;
      if (hcs) return { sectors: await offerSectors(nb, hcs), sensitive: isSensitiveOffer(hcs) };
      const orgRef = parseReference(r.organization?.reference);
      const org = orgRef ? await nb.resource(orgRef.type, orgRef.id) : null;
      return { sectors: org ? await organizationSectors(nb, org) : ALL, sensitive: false };
    }
    case 'Practitioner': {
      const roleIds = await nb.referrers({ type: 'Practitioner', id: resource.id! }, 'PractitionerRole', 'practitioner');
      const all: Facts[] = [];
      for (const id of roleIds) {
        const role = await nb.resource('PractitionerRole', id);
        if (role) all.push(await facts(nb, role));
      }
      if (all.length === 0) return { sectors: ALL, sensitive: false };
      // Hidden with its roles only when every role is in a sensitive cascade (policy-decisions §4).
      return { sectors: union(all.map((f) => f.sectors)), sensitive: all.every((f) => f.sensitive) };
    }
    default:
      return { sectors: ALL, sensitive: false };
  }
}

/** The policy context of a resource, given its neighbourhood (`references`: its collectReferences, if known). */
export async function resolveContext(
  nb: Neighbourhood, resource: Resource, references: string[] = referencesOf(resource),
): Promise<PolicyContext & { referenceMasks: Map<string, ProfileMask> }> {
  const f = await facts(nb, resource);
  const referenceMasks = new Map<string, ProfileMask>();
  for (const ref of references) {
    const target = parseReference(ref);
    if (!target) continue;
    const mask = await nb.existence(target.type, target.id);
    referenceMasks.set(ref, mask ?? ALL_PROFILES);
  }
  return {
    sectors: f.sectors,
    sensitive: f.sensitive,
    referenceMasks,
    referenceMask: (ref: string) => referenceMasks.get(ref) ?? ALL_PROFILES,
  };
}

// The references of each item of a resource's top-level lists, remembered by identity. A capacity update
// resolves the context of a Location whose ~40 indicators it keeps as the same objects (patches copy only
// what they change, parsed stored bodies are reused): their references (none) are not looked for again.
// Sound because those objects are never mutated (parsed-bodies.ts). Off unless a thread asks for it (the
// server's writes): an import meets each item once.
let itemReferences: WeakMap<object, readonly string[]> | null = null;

/** Remember the references of top-level list items on this thread from now on (see itemReferences). */
export function rememberReferences(): void {
  itemReferences ??= new WeakMap();
}

/** collectReferences(resource), the items of its top-level lists looked at once (when remembered). */
export function referencesOf(resource: Resource): string[] {
  const memo = itemReferences;
  if (!memo) return collectReferences(resource);
  const out: string[] = [];
  const record = resource as Record<string, unknown>;
  for (const k in record) {
    const v = record[k];
    if (k === 'reference' && typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) {
      for (const item of v) {
        if (item === null || typeof item !== 'object') continue;
        let refs = memo.get(item);
        if (!refs) memo.set(item, (refs = collectReferences(item)));
        for (const ref of refs) out.push(ref);
      }
    } else if (typeof v === 'object') collectReferences(v, out);
  }
  return out;
}

/** Every `reference` string in a resource. */
export function collectReferences(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const x of node) collectReferences(x, out);
  } else if (node && typeof node === 'object') {
    // for-in, not Object.entries: no array per object (a Location with its capacities has thousands)
    const record = node as Record<string, unknown>;
    for (const k in record) {
      const v = record[k];
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else if (typeof v === 'object') collectReferences(v, out);
    }
  }
  return out;
}
