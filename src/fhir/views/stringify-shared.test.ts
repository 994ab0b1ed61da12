import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHARED_PIECE_MIN_CHARS } from '../../store/contract.js';
import { rememberItemTexts, sharedPieces, stringifyShared } from './render.js';

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

  it('cuts the text into pieces: the long list items at odd positions, the text between them at even ones', () => {
    const long = fc.string({ minLength: SHARED_PIECE_MIN_CHARS, maxLength: 200 }).map((valueString) => ({ url: 'u', valueString }));
    const items = fc.array(fc.oneof(long, fc.jsonValue()), { maxLength: 6 });
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), items)), items, (object, list) => {
      const value = { ...object, extension: list, other: [...list].reverse() };
      const pieces = sharedPieces(value)!;
      expect(pieces.join('')).toBe(JSON.stringify(value));
      expect(pieces.length % 2).toBe(1);
      const every = Object.values(value).filter(Array.isArray).flat().map((i) => JSON.stringify(i) ?? 'null');
      const texts = new Set(every);
      pieces.forEach((p, i) => {
        if (i % 2 === 1) expect(texts.has(p) && p.length >= SHARED_PIECE_MIN_CHARS).toBe(true);
      });
      expect((pieces.length - 1) / 2).toBe(every.filter((t) => t.length >= SHARED_PIECE_MIN_CHARS).length);
    }), { numRuns: 300 });
  });
});
