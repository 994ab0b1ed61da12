import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderViews } from './redactor/render.js';
import { profileIncludes } from './profiles.js';
import { PROFILES, type PolicyContext, type Resource, type Sector } from './types.js';
import { allowedProfiles, canariesIn, rorResourceArb } from './testing/arbitraries.js';

describe('leak properties', () => {
  it('no canary reaches a profile the seed does not allow, and profile 1 sees every canary', () => {
    fc.assert(
      fc.property(rorResourceArb, (c) => {
        const { views } = renderViews(c.resource, c.ctx);
        for (const p of PROFILES) {
          for (const canary of canariesIn(views[p])) expect.soft(allowedProfiles(c, canary) & (1 << p), `${canary} leaked to P${p}`).not.toBe(0);
        }
        expect(new Set(canariesIn(views[1]))).toEqual(new Set(c.canaries.keys()));
      }),
      { numRuns: 400 },
    );
  });

  it('a narrower profile never sees more than a wider one (derived order)', () => {
    fc.assert(
      fc.property(rorResourceArb, (c) => {
        const { views } = renderViews(c.resource, c.ctx);
        for (const a of PROFILES) for (const b of PROFILES) {
          if (a === b || !profileIncludes(a, b)) continue;
          const wide = new Set(canariesIn(views[a]));
          for (const canary of canariesIn(views[b])) expect(wide.has(canary), `P${b} ⊆ P${a} but ${canary}`).toBe(true);
          if (views[b] !== null) expect(views[a]).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an unknown sector behaves as the strictest of all three', () => {
    fc.assert(
      fc.property(rorResourceArb, (c) => {
        const unknown = renderViews(c.resource, { ...c.ctx, sectors: new Set() });
        for (const s of ['sanitaire', 'ms', 'ville'] as Sector[]) {
          const one = renderViews(c.resource, { ...c.ctx, sectors: new Set([s]) });
          for (const p of PROFILES) {
            const seen = new Set(canariesIn(one.views[p]));
            for (const canary of canariesIn(unknown.views[p])) expect(seen.has(canary)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('an unknown extension is visible to profile 1 only, wherever it is put', () => {
    const unknownUrl = 'https://example.org/StructureDefinition/not-in-the-ig';
    fc.assert(
      fc.property(rorResourceArb, fc.nat(), (c, pick) => {
        const resource = structuredClone(c.resource) as Resource & { extension: unknown[] };
        const holders: Record<string, unknown>[] = [];
        const collect = (v: unknown) => {
          if (v && typeof v === 'object') {
            if (!Array.isArray(v)) holders.push(v as Record<string, unknown>);
            for (const x of Object.values(v)) collect(x);
          }
        };
        collect(resource);
        const holder = holders[pick % holders.length];
        holder.extension = [...((holder.extension as unknown[]) ?? []), { url: unknownUrl, valueString: 'UNKNOWN-EXT-VALUE' }];
        const { views } = renderViews(resource, c.ctx);
        for (const p of PROFILES) {
          const has = JSON.stringify(views[p] ?? null).includes('UNKNOWN-EXT-VALUE');
          expect(has).toBe(p === 1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('renders every profile from one context without touching the input', () => {
    fc.assert(
      fc.property(rorResourceArb, (c) => {
        const before = JSON.stringify(c.resource);
        renderViews(c.resource, c.ctx as PolicyContext);
        expect(JSON.stringify(c.resource)).toBe(before);
      }),
      { numRuns: 50 },
    );
  });
});

