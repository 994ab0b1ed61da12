import { describe, expect, it } from 'vitest';
import { entityFilter, entityKey, filterMayHold } from './audit-chunk.js';

describe("a chunk's filter of its entities", () => {
  const keys = Array.from({ length: 4096 }, (_, i) => entityKey(i % 2 ? 'Location' : 'HealthcareService', `res-${i * 7919}-é`));
  const filter = entityFilter(keys, keys.length);

  it('holds every entity of its chunk', () => {
    for (const key of keys) expect(filterMayHold(filter, key)).toBe(true);
  });

  it('rules out nearly every other one (about 1 % false positives)', () => {
    let positives = 0;
    for (let i = 0; i < 20_000; i++) if (filterMayHold(filter, entityKey('Location', `other-${i}`))) positives++;
    expect(positives / 20_000).toBeLessThan(0.03);
  });

  it('of a chunk about no resource, holds nothing', () => {
    const empty = entityFilter([], 0);
    expect(filterMayHold(empty, entityKey('Location', 'l1'))).toBe(false);
    expect(filterMayHold(new Uint8Array(0), entityKey('Location', 'l1'))).toBe(false);
  });
});
