import { describe, expect, it } from 'vitest';
import { joinParts, parsePartsList, partIds, PartIds } from './body-parts.js';

describe('body parts', () => {
  it('puts a list of pieces together, and refuses a list that is not one', () => {
    const list = parsePartsList('["{\\"a\\":[",7,",",9,"]}"]');
    expect(partIds(list)).toEqual([7, 9]);
    expect(joinParts(list, (id) => `{"p":${id}}`)).toBe('{"a":[{"p":7},{"p":9}]}');
    expect(() => parsePartsList('{"a":1}')).toThrow();
    expect(() => parsePartsList('[1.5]')).toThrow();
    expect(() => parsePartsList('[null]')).toThrow();
  });

  it('remembers the ids of committed parts, forgets those of a rolled back transaction', () => {
    const ids = new PartIds();
    ids.add('a'.repeat(100), 1);
    ids.commit();
    ids.add('b'.repeat(100), 2);
    expect(ids.get('b'.repeat(100))).toBe(2);
    ids.rollback();
    expect(ids.get('b'.repeat(100))).toBeUndefined();
    expect(ids.get('a'.repeat(100))).toBe(1);
  });

  it('forgets committed parts once its characters are spent, never the current transaction\'s', () => {
    const ids = new PartIds(250);
    ids.add('a'.repeat(100), 1);
    ids.add('b'.repeat(100), 2);
    ids.commit();
    ids.add('c'.repeat(100), 3); // over the bound: a and b are forgotten
    expect(ids.size).toBe(1);
    ids.add('d'.repeat(100), 4);
    ids.add('e'.repeat(100), 5); // over again: c and d are pending, kept
    expect([3, 4, 5].map((n) => ids.get(String.fromCharCode(96 + n).repeat(100)))).toEqual([3, 4, 5]);
    expect(ids.get('a'.repeat(100))).toBeUndefined();
  });
});
