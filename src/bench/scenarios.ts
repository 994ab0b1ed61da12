// What the benchmark requests: ids that exist for each profile (found by searching as that profile) and
// the IG's typical ROR searches (digest §4) filled with real values of the dataset.

import { getJson, type FhirBundle } from './http.js';

/** Resource types read by id, in turn. */
export const READ_TYPES = ['Organization', 'HealthcareService', 'Location', 'PractitionerRole', 'Practitioner'];

/** Paths `/fhir/<type>/<id>` of resources the caller can see, up to `perType` per type. */
export async function discoverReadPaths(base: string, token: string, perType: number): Promise<string[]> {
  const byType: string[][] = [];
  for (const type of READ_TYPES) {
    const bundle = await getJson<FhirBundle>(base, `/fhir/${type}?_count=${perType}`, token);
    const ids = (bundle.entry ?? []).filter((e) => e.resource?.resourceType === type && e.resource.id).map((e) => `/fhir/${type}/${e.resource!.id}`);
    byType.push(ids);
  }
  return interleave(byType);
}

/** a1 b1 c1 a2 b2 c2…: consecutive requests hit different types and tables. */
export function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}

export interface SearchValues {
  /** Département prefix of postal codes, e.g. '22'. */
  departement: string;
  postalCode: string;
  /** A specialty code of offers located in the département (the most frequent one). */
  specialty: string;
  lat: number;
  lng: number;
}

type Json = Record<string, unknown>;
interface Coding { system?: string; code?: string }

/** Picks real values from a page of offers with their locations (searching as an unredacted profile). */
export function pickSearchValues(bundle: FhirBundle): SearchValues | null {
  const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is NonNullable<typeof r> => !!r);
  const locations = new Map<string, Json>();
  for (const r of resources) if (r.resourceType === 'Location' && r.id) locations.set(`Location/${r.id}`, r);
  const specialtyCount = new Map<string, Map<string, number>>(); // département → code → offers
  let located: { postalCode: string; lat?: number; lng?: number } | null = null;
  for (const r of resources) {
    if (r.resourceType !== 'HealthcareService') continue;
    const codes = ((r.specialty as { coding?: Coding[] }[] | undefined) ?? []).flatMap((s) => s.coding ?? []).map((c) => c.code).filter((c): c is string => !!c);
    for (const ref of (r.location as { reference?: string }[] | undefined) ?? []) {
      const loc = ref.reference ? locations.get(ref.reference) : undefined;
      const postalCode = (loc?.address as { postalCode?: string } | undefined)?.postalCode;
      if (!postalCode || postalCode.length < 5) continue;
      const position = loc!.position as { latitude?: number; longitude?: number } | undefined;
      if (!located || (located.lat === undefined && position?.latitude !== undefined)) located = { postalCode, lat: position?.latitude, lng: position?.longitude };
      const dep = postalCode.slice(0, 2);
      const counts = specialtyCount.get(dep) ?? new Map<string, number>();
      specialtyCount.set(dep, counts);
      for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  if (!located) return null;
  const departement = located.postalCode.slice(0, 2);
  const counts = [...(specialtyCount.get(departement) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (counts.length === 0 || located.lat === undefined || located.lng === undefined) return null;
  return { departement, postalCode: located.postalCode, specialty: counts[0][0], lat: located.lat, lng: located.lng };
}

export async function discoverSearchValues(base: string, token: string): Promise<SearchValues> {
  for (const count of [200, 1000]) {
    const bundle = await getJson<FhirBundle>(base, `/fhir/HealthcareService?_include=HealthcareService:location&_count=${count}`, token);
    const values = pickSearchValues(bundle);
    if (values) return values;
  }
  throw new Error('no offer with a specialty and a located place (postal code, position) found in the dataset');
}

export interface SearchScenario {
  /** Short stable name used in the figures. */
  name: string;
  path: string;
  /** Target on p95 latency with one connection, in ms, when the IG use case has one. */
  p95TargetMs?: number;
}

const q = encodeURIComponent;

export function searchScenarios(v: SearchValues): SearchScenario[] {
  return [
    { name: 'capacity consultation', path: `/fhir/Location?_revinclude=HealthcareService:location&address-postalcode=${q(v.departement)}` },
    {
      name: 'offer extraction',
      path: '/fhir/HealthcareService?_include=HealthcareService:organization&_include=HealthcareService:location&_revinclude=PractitionerRole:service&_count=50',
    },
    {
      name: 'specialty in département',
      path:
        `/fhir/HealthcareService?specialty=${q(v.specialty)}&location.address-postalcode=${q(v.departement)}` +
        '&_include=HealthcareService:organization&_include=HealthcareService:location',
      p95TargetMs: 50,
    },
    { name: 'offers by postcode', path: `/fhir/HealthcareService?location.address-postalcode=${q(v.postalCode)}` },
    { name: 'places near (10 km)', path: `/fhir/Location?near=${q(`${v.lat}|${v.lng}|10|km`)}` },
  ];
}
