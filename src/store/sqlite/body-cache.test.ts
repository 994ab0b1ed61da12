import { describe, expect, it } from 'vitest';
import { BodyCache } from './body-cache.js';

describe('BodyCache', () => {
  it('keeps the most recently used bodies within its budget', () => {
    const cache = new BodyCache(100);
    const body = (n: number) => Buffer.alloc(n, n);
    for (let bid = 1; bid <= 20; bid++) cache.set(bid, body(5)); // exactly the budget
    expect(cache.get(1)?.length).toBe(5); // 1 is now the most recent
    cache.set(21, body(5)); // over budget: evicts the least recent, 2
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)?.length).toBe(5);
    expect(cache.get(3)?.length).toBe(5);
    expect(cache.size).toBe(20);
  });

  it('does not keep a body larger than a sixteenth of the budget', () => {
    const cache = new BodyCache(160);
    cache.set(1, Buffer.alloc(10));
    cache.set(2, Buffer.alloc(11));
    expect(cache.get(1)).toBeDefined();
    expect(cache.get(2)).toBeUndefined();
  });
});
