import { describe, expect, it } from 'vitest';
import { cloneJson } from './clone-json.js';

describe('cloneJson', () => {
  it('copies a JSON value deeply, as structuredClone does', () => {
    const value = JSON.parse('{"a":[1,{"b":null,"c":"x"}],"d":{"e":true,"f":[[2.5]]},"__proto__":{"g":1}}');
    const copy = cloneJson(value);
    expect(copy).toEqual(structuredClone(value));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(copy.a).not.toBe(value.a);
    expect(copy.a[1]).not.toBe(value.a[1]);
    expect(copy.d.f[0]).not.toBe(value.d.f[0]);
    // `__proto__` stays a member, never the copy's prototype
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['a', 'd', '__proto__']);
    for (const v of [null, 0, 'x', false, [], {}]) expect(cloneJson(v)).toEqual(v);
  });
});
