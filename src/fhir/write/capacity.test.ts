import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODED_FIELDS } from './capacity-rules.js';
import { capacityPatch, indicatorCriteria, indicatorExtension, indicatorIssues, indicatorPath, patchCapacities, type IndicatorSpec } from './capacity.js';
import { applyFhirPathPatch, parseFhirPathPatch } from './fhirpath-patch.js';

const TERMINOLOGY = '../shared/spec/terminology';

describe('capacity value sets', () => {
  it.skipIf(!existsSync(TERMINOLOGY))('match the JDV files of the terminology', () => {
    for (const f of CODED_FIELDS) {
      const n = f.valueSet.slice(4);
      const file = [`${TERMINOLOGY}/IG-NOS`, `${TERMINOLOGY}/terminologies-ig`]
        .flatMap((d) => (existsSync(d) ? readdirSync(d).filter((x) => x.startsWith(`ValueSet-JDV-${n}-`)).map((x) => `${d}/${x}`) : []))[0];
      const vs = JSON.parse(readFileSync(file, 'utf8'));
      const codes = vs.compose.include.flatMap((i: any) => (i.concept ?? []).map((c: any) => c.code));
      expect({ vs: f.valueSet, codes: [...f.codes].sort() }).toEqual({ vs: f.valueSet, codes: codes.sort() });
      expect(vs.compose.include[0].system).toBe(f.system);
    }
  });
});

describe('indicators', () => {
  it('accepts the valid combinations and refuses the others', () => {
    const ok: IndicatorSpec[] = [
      { status: '01', nb: 3 }, { status: '02', temporality: '05', gender: '01', nb: 1 }, { status: '05', closingType: '01', nb: 1 },
      { status: '06', additionalBedType: '03', crisisType: '02', nb: 4 }, { status: '01', temporaryAssignment: '02', nb: 1 },
    ];
    for (const s of ok) expect(indicatorIssues(indicatorExtension(s))).toEqual([]);
    const bad: IndicatorSpec[] = [
      { status: '01', temporality: '03', nb: 1 }, { status: '03', gender: '01', nb: 1 }, { status: '02', closingType: '01', nb: 1 },
      { status: '05', crisisType: '01', nb: 1 }, { status: '07', nb: 1 }, { status: '02', nb: -2 }, { status: '02', temporaryAssignment: '09', nb: 1 },
    ];
    for (const s of bad) expect(indicatorIssues(indicatorExtension(s)).length).toBeGreaterThan(0);
  });

  it('the direct evaluation of indicator paths selects what fhirpath.js selects', () => {
    const specs: IndicatorSpec[] = [{ status: '02', nb: 1 }, { status: '02', gender: '01', nb: 2 }, { status: '02', temporality: '03', nb: 3 }, { status: '06', crisisType: '02', nb: 4 }];
    const location = { resourceType: 'Location', id: 'l', extension: specs.map(indicatorExtension) };
    for (const s of specs) {
      expect(indicatorCriteria(indicatorPath(s))).not.toBeNull();
      const ops = parseFhirPathPatch(capacityPatch({ ...s, nb: 99 }));
      const direct = patchCapacities(location, ops);
      const generic = applyFhirPathPatch(location, [{ ...ops[0], path: `${ops[0].path} ` }]);
      expect(direct).toEqual(generic);
    }
    expect(indicatorCriteria("Location.extension.where(url='x')")).toBeNull();
  });

  it('matches an indicator whose sub-extension has several codings by any of them, patched again and again', () => {
    const twice = indicatorExtension({ status: '03', nb: 1 });
    const status = twice.extension.find((x: any) => x.url === 'capacityStatus');
    status.valueCodeableConcept.coding.push({ ...status.valueCodeableConcept.coding[0], code: '04' });
    let location: any = { resourceType: 'Location', id: 'l', extension: [indicatorExtension({ status: '02', nb: 1 }), twice] };
    const nbOf = (l: any, i: number) => l.extension[i].extension.find((x: any) => x.url === 'nbCapacity').valueInteger;
    // the same objects are matched again after each patch (remembered criteria), the new one afresh
    for (const nb of [5, 6, 7]) {
      location = patchCapacities(location, parseFhirPathPatch(capacityPatch({ status: '04', nb })));
      expect(nbOf(location, 1)).toBe(nb);
      location = patchCapacities(location, parseFhirPathPatch(capacityPatch({ status: '02', nb })));
      expect(nbOf(location, 0)).toBe(nb);
    }
    expect(() => patchCapacities(location, parseFhirPathPatch(capacityPatch({ status: '05', nb: 1 })))).toThrow(/add it/);
  });
});
