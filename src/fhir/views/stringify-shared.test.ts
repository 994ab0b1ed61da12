import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rememberItemTexts, stringifyShared } from './render.js';

describe('stringifyShared', () => {
  rememberItemTexts();
  it('writes what JSON.stringify writes, items seen before or not', () => {
    const shared = fc.array(fc.jsonValue(), { maxLength: 5 });
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), shared)), shared, (object, items) => {
      // the same item objects appear in two lists and in two calls
      const withShared = { ...object, a: items, b: [...items].reverse() };
      expect(stringifyShared(withShared)).toBe(JSON.stringify(withShared));
      expect(stringifyShared({ ...withShared, c: items })).toBe(JSON.stringify({ ...withShared, c: items }));
    }), { numRuns: 300 });
  });

  it('leaves out what JSON.stringify leaves out, and writes null where it does', () => {
    const odd = { u: undefined, f: () => 1, list: [undefined, () => 1, Symbol('s'), new Date(0), { toJSON: () => 'x' }], d: new Date(0), n: null, empty: [] };
    expect(stringifyShared(odd)).toBe(JSON.stringify(odd));
    expect(stringifyShared({})).toBe('{}');
    expect(stringifyShared({ u: undefined })).toBe('{}');
  });
});
