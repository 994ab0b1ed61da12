// referencesOf with the items' references remembered: the same list, in the same order, as collecting them
// afresh, items shared between resources and calls or not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../policy/index.js';
import { collectReferences, referencesOf, rememberReferences } from './context.js';

rememberReferences();

const reference = fc.record({ reference: fc.constantFrom('Organization/a', 'Location/b', 'HealthcareService/c', '#x') });
const leaf = fc.oneof(reference, fc.jsonValue());
const node = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'reference', 'extension'), tie('node'), { maxKeys: 3 })),
})).node;

describe('referencesOf', () => {
  it('finds what collectReferences finds, with items seen before or not', () => {
    const items = fc.array(node, { maxLength: 4 });
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('x', 'y', 'reference', 'managingOrganization'), node, { maxKeys: 3 }), items, (rest, shared) => {
      const a = { resourceType: 'Location', ...rest, extension: shared, contact: [...shared].reverse() } as Resource;
      const b = { resourceType: 'Location', extension: [...shared, { reference: 'Organization/z' }] } as Resource;
      for (const r of [a, b, a, b]) expect(referencesOf(r)).toEqual(collectReferences(r));
    }), { numRuns: 300 });
  });
});
