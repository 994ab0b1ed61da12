// The redactor's remembered walks (rememberRedactions): a render that meets items it walked before, as the
// same objects, gives exactly what a fresh render of a deep copy gives, in any policy context.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderViews, rememberRedactions } from './render.js';
import { rorResourceArb } from '../testing/arbitraries.js';
import { ALL_PROFILES, type PolicyContext, type Resource, type Sector } from '../types.js';

rememberRedactions();

const fresh = (resource: Resource, ctx: PolicyContext) => renderViews(structuredClone(resource), ctx);

/** `b` with, for each top-level list both have, some items taken from `a` as the same objects. */
function mixed(a: Resource, b: Resource, picks: number[]): Resource {
  const out: Record<string, unknown> = { ...b };
  let n = 0;
  for (const key of Object.keys(a)) {
    const from = (a as Record<string, unknown>)[key];
    const into = out[key];
    if (!Array.isArray(from) || !Array.isArray(into)) continue;
    const list = [...into];
    for (const item of from) {
      const pick = picks[n++ % picks.length];
      if (pick % 3 === 0) list[pick % (list.length + 1)] = item;
      else if (pick % 3 === 1) list.splice(pick % (list.length + 1), 0, item);
    }
    out[key] = list;
  }
  return out as Resource;
}

/** A context in which some references exist for fewer profiles (salted, so that two contexts differ). */
const withReferences = (ctx: PolicyContext, salt: number): PolicyContext => ({
  ...ctx,
  referenceMask: (ref) => ([...ref].reduce((h, ch) => (h * 31 + ch.charCodeAt(0) + salt) | 0, 7) & 1 ? ALL_PROFILES : 0b000011),
});

const sectorsArb = fc.subarray<Sector>(['sanitaire', 'ms', 'ville']);

describe('remembered walks of list items', () => {
  it('a render reusing items walked before equals a fresh render, whatever the context', () => {
    fc.assert(
      fc.property(rorResourceArb, rorResourceArb, fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }), sectorsArb, fc.nat(3), (a, b, picks, sectors, salt) => {
        const before = withReferences(a.ctx, salt);
        renderViews(a.resource, before);
        const resource = a.resource.resourceType === b.resource.resourceType ? mixed(a.resource, b.resource, picks) : a.resource;
        for (const ctx of [before, withReferences({ ...b.ctx, sectors: new Set(sectors) }, salt + 1), b.ctx]) {
          const expected = fresh(resource, ctx);
          expect(renderViews(resource, ctx)).toEqual(expected);
          expect(renderViews(resource, ctx)).toEqual(expected); // every item remembered now
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an indicator kept from one version to the next is projected as the same object', () => {
    const ROR = 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/';
    const indicator = (status: string, nb: number, crisis = false) => ({
      url: `${ROR}ror-location-supported-capacity`,
      extension: [
        { url: 'capacityStatus', valueCodeableConcept: { coding: [{ code: status }] } },
        { url: 'temporalityCapacity', valueCodeableConcept: { coding: [{ code: '01' }] } },
        { url: 'temporaryAssignement', valueCodeableConcept: { coding: [{ code: '01' }] } },
        ...(crisis ? [{ url: 'crisisType', valueCodeableConcept: { coding: [{ code: '02' }] } }] : []),
        { url: 'nbCapacity', valueInteger: nb },
      ],
    });
    const kept = [indicator('01', 12), indicator('06', 3, true), indicator('02', 4)];
    const v1: Resource = { resourceType: 'Location', id: 'l1', name: 'Lieu', extension: [...kept, indicator('03', 1)] };
    const v2: Resource = { ...v1, extension: [...kept, indicator('03', 2)] };
    const ctx: PolicyContext = { sectors: new Set(['sanitaire']), sensitive: false, referenceMask: () => ALL_PROFILES };
    const first = renderViews(v1, ctx);
    const second = renderViews(v2, ctx);
    expect(second).toEqual(fresh(v2, ctx));
    let compared = 0;
    for (const p of [0, 1, 2, 3, 4, 5]) {
      const items = (r: typeof first) => ((r.views[p]?.extension ?? []) as unknown[]);
      // every kept indicator the profile sees is the very object it saw in the previous version's view
      for (const e of items(second)) {
        if (JSON.stringify(e).includes('"code":"03"')) continue; // the changed one
        expect(items(first)).toContain(e);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(6);
  });
});
