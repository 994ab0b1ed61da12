// Property-based leak test over real HTTP (issue: "no canary ever reaches a profile that may not see it").
// Random ROR resources whose every restricted value is a unique canary are placed in a world of plain
// neighbours that gives them the sector and sensitivity the oracle assumes; then every profile reads
// them through every path (read, vread, history, search, includes, _elements, _summary, totals) and
// searches for each canary by value. The oracle is the seed's text (src/policy/testing/seed-oracle.ts),
// written independently of the catalogue.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rorResourceArb, allowedProfiles, canariesIn, type CanaryCase } from '../../src/policy/testing/arbitraries.js';
import { maskHas, type Profile, type Resource, type Sector } from '../../src/policy/types.js';
import { CLIENT_OF_PROFILE, startTestServer, type TestServer } from '../helpers/server.js';

const NOS = (name: string) => `https://mos.esante.gouv.fr/NOS/${name}/FHIR/${name.replace('_', '-')}`;
const ROR = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
const CHAMP: Record<Sector, string> = { sanitaire: '01', ms: '04', ville: '05' };
const CATEGORY: Record<Sector, string> = { sanitaire: '355', ms: '500', ville: '603' };

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer([]);
});
afterAll(async () => s?.close());

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

function org(id: string, sector: Sector | null): Resource {
  return {
    resourceType: 'Organization',
    id,
    name: 'Voisin',
    ...(sector ? { type: [{ coding: [{ system: NOS('TRE_R66-CategorieEtablissement'), code: CATEGORY[sector] }] }] } : {}),
  };
}

function offer(id: string, sector: Sector | null, sensitive: boolean, provider: string, locations: string[] = []): Resource {
  return {
    resourceType: 'HealthcareService',
    id,
    extension: [{ url: ROR + 'ror-healthcareservice-sensitive-unit', valueBoolean: sensitive }],
    providedBy: { reference: `Organization/${provider}` },
    type: [{ coding: [{ system: NOS('TRE_R227-ChampActivite'), code: sector ? CHAMP[sector] : '99' }] }],
    name: 'Offre voisine',
    ...(locations.length ? { location: locations.map((l) => ({ reference: `Location/${l}` })) } : {}),
  };
}

/** The resource and the plain neighbours that give it, in the server, the context the oracle assumes. */
let run = 0;
function world(c: CanaryCase): Resource[] | null {
  const r = clone(c.resource) as any;
  r.id = `${r.id}-run${++run}`; // fast-check repeats nonces while shrinking: every world is fresh
  const sectors = [...c.ctx.sectors] as Sector[];
  const n = String(r.id).replace(/[^A-Za-z0-9]/g, '');
  const single = sectors.length === 1 ? sectors[0] : null;
  const unknown = sectors.length === 0 || sectors.length === 3;
  const sensitive = [...c.canaries.values()].some((i) => i.sensitive);
  const anonOrg = org(`o-${n}`, null);
  switch (r.resourceType) {
    case 'Organization': {
      if (sensitive) return null; // an Organization is never in a sensitive cascade
      if (single) return [{ ...r, type: [{ coding: [{ system: NOS('TRE_R66-CategorieEtablissement'), code: CATEGORY[single] }] }] }];
      // An EJ: its EGs' sectors are the candidates.
      delete r.type;
      return [r, ...sectors.map((sec, i) => ({ ...org(`eg${i}-${n}`, sec), partOf: { reference: `Organization/${r.id}` } }))];
    }
    case 'HealthcareService': {
      if (!single && !unknown) return null;
      r.type = [{ coding: [{ system: NOS('TRE_R227-ChampActivite'), code: single ? CHAMP[single] : '99' }] }];
      r.providedBy = { reference: `Organization/${anonOrg.id}` };
      return [anonOrg, r];
    }
    case 'Location': {
      if (sectors.length === 0) return sensitive ? null : [r];
      const offers = sectors.map((sec, i) => offer(`h${i}-${n}`, sec, sensitive && i === 0, anonOrg.id!, [r.id]));
      return [anonOrg, ...offers, r];
    }
    case 'PractitionerRole': {
      if (!single && !unknown) return null;
      const h = offer(`h-${n}`, single, sensitive, anonOrg.id!);
      r.healthcareService = [{ reference: `HealthcareService/${h.id}` }];
      delete r.practitioner;
      return [anonOrg, h, r];
    }
    case 'Practitioner': {
      if (sectors.length === 0) return sensitive ? null : [r];
      const out: Resource[] = [anonOrg, r];
      sectors.forEach((sec, i) => {
        const h = offer(`h${i}-${n}`, sec, sensitive, anonOrg.id!);
        out.push(h, {
          resourceType: 'PractitionerRole',
          id: `role${i}-${n}`,
          practitioner: { reference: `Practitioner/${r.id}` },
          healthcareService: [{ reference: `HealthcareService/${h.id}` }],
          code: [{ coding: [{ system: NOS('TRE_G15-ProfessionSante'), code: '10' }] }],
        });
      });
      return out;
    }
  }
  return null;
}

function leaked(c: CanaryCase, p: Profile, text: string): string[] {
  return canariesIn(text).filter((x) => c.canaries.has(x) && !maskHas(allowedProfiles(c, x), p));
}

/** Search parameters that index free text or tokens the canaries may sit in, per type. */
const CANARY_SEARCHES: Record<string, string[]> = {
  Organization: ['name:contains', 'identifier'],
  HealthcareService: ['name:contains', 'characteristic', 'identifier'],
  Location: ['name:contains', 'equipment-type', 'identifier'],
  Practitioner: ['name:contains', 'identifier', 'telecom', 'phone'],
  PractitionerRole: ['telecom', 'phone', 'role', 'specialty'],
};

describe('no canary reaches a profile that may not see it, on any path', () => {
  it('read, vread, history, searches, includes, subsets, totals and searches by value', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(rorResourceArb, async (c) => {
        const w = world(c);
        fc.pre(w !== null);
        await s.ingest(w!);
        const main = w!.find((r) => r.resourceType === c.resource.resourceType && String(r.id).startsWith(`${c.resource.id}-run`))!;
        const { resourceType: type, id } = main;
        checked++;
        for (const [p, client] of CLIENT_OF_PROFILE.entries() as IterableIterator<[Profile, string]>) {
          const paths = [
            `/fhir/${type}/${id}`,
            `/fhir/${type}/${id}/_history/1`,
            `/fhir/${type}/${id}/_history`,
            `/fhir/${type}?_id=${id}`,
            `/fhir/${type}?_id=${id}&_elements=telecom,contact,extension,name`,
            `/fhir/${type}?_id=${id}&_summary=true`,
            `/fhir/HealthcareService?_id=${w!.filter((r) => r.resourceType === 'HealthcareService').map((r) => r.id).join(',') || 'none'}&_include=HealthcareService:location&_revinclude=PractitionerRole:service`,
            `/fhir/Organization?_id=${w!.filter((r) => r.resourceType === 'Organization').map((r) => r.id).join(',') || 'none'}&_revinclude=Organization:partof`,
          ];
          for (const path of paths) {
            const r = await s.request(client, path);
            expect({ p, path, leaked: leaked(c, p, r.text) }).toEqual({ p, path, leaked: [] });
          }
          // Searching by a hidden value finds nothing and counts nothing.
          for (const canary of c.canaries.keys()) {
            if (maskHas(allowedProfiles(c, canary), p)) continue;
            for (const param of CANARY_SEARCHES[type] ?? []) {
              const r = await s.request(client, `/fhir/${type}?${param}=${encodeURIComponent(canary)}`);
              if (r.status === 400) continue; // parameter not defined for this type
              expect({ p, param, canary, total: r.body.total }).toEqual({ p, param, canary, total: 0 });
            }
          }
        }
        // Versions: changing only values a profile cannot see leaves its version, timestamp and bytes alone.
        const before = await Promise.all(CLIENT_OF_PROFILE.map((client) => s.request(client, `/fhir/${type}/${id}`)));
        const renamed = JSON.parse(JSON.stringify(w).replace(/CANARY-(\d+)-(\d+)-/g, 'CANARY-$1-$2x-'));
        await new Promise((r) => setTimeout(r, 2));
        await s.ingest(renamed);
        for (const [p, client] of CLIENT_OF_PROFILE.entries() as IterableIterator<[Profile, string]>) {
          const seesAny = [...c.canaries.keys()].some((x) => maskHas(allowedProfiles(c, x), p) && before[p].text.includes(x));
          if (seesAny || before[p].status !== 200) continue;
          const after = await s.request(client, `/fhir/${type}/${id}`);
          expect({ p, etag: after.headers.get('etag'), text: after.text }).toEqual({ p, etag: before[p].headers.get('etag'), text: before[p].text });
        }
      }),
      { numRuns: 100, seed: 20261129 },
    );
    expect(checked).toBeGreaterThan(15);
  }, 240_000);
});
