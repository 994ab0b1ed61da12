import { describe, expect, it } from 'vitest';
import { jsonOfFrequent, jsonOfId } from './json-literal.js';

describe('JSON literals', () => {
  const strings = ['', 'read', 'Location', 'abc-123.x', 'quote"inside', 'back\\slash', 'line\nbreak', '\u0001', 'é\u2028', 'tab\there', '💡'];
  it('are what JSON.stringify writes, remembered or not', () => {
    for (let round = 0; round < 2; round++) {
      for (const s of strings) {
        expect(jsonOfFrequent(s)).toBe(JSON.stringify(s));
        expect(jsonOfId(s)).toBe(JSON.stringify(s));
      }
    }
  });
  it('stay right past the bound on remembered literals, and for strings too long to remember', () => {
    for (let i = 0; i < 10_000; i++) expect(jsonOfFrequent(`v${i}"`)).toBe(JSON.stringify(`v${i}"`));
    const long = `${'x'.repeat(100)}"\n`;
    expect(jsonOfFrequent(long)).toBe(JSON.stringify(long));
    expect(jsonOfFrequent(long)).toBe(JSON.stringify(long));
  });
});
