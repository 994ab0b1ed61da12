import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeRecord, median, percentile, summarizeLatencies } from './stats.js';

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([0.75, 0.76, 0.83, 0.87])).toBeCloseTo(0.795);
    expect(median([1, 2, 9])).toBe(2);
    expect(median([])).toBeNaN();
  });
});

describe('percentile', () => {
  it('is the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });

  it('is a member of the data, at least the share p of it at or below it', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1 }), fc.integer({ min: 1, max: 100 }), (xs, p) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const v = percentile(sorted, p);
        expect(xs).toContain(v);
        expect(sorted.filter((x) => x <= v).length / xs.length).toBeGreaterThanOrEqual(p / 100);
        expect(sorted.filter((x) => x < v).length / xs.length).toBeLessThan(p / 100);
      }),
    );
  });
});

describe('summarizeLatencies', () => {
  it('sorts numerically and gives mean and percentiles', () => {
    const s = summarizeLatencies([10, 2, 30, 4, 100, 1, 9, 8, 7, 6]);
    expect(s).toEqual({ count: 10, mean: 17.7, p50: 7, p95: 100, p99: 100, max: 100 });
  });

  it('is NaN-valued when empty', () => {
    const s = summarizeLatencies([]);
    expect(s.count).toBe(0);
    expect(s.p95).toBeNaN();
    expect(s.mean).toBeNaN();
  });
});

describe('makeRecord', () => {
  const base = { name: 'read', unit: 'req/s', dataset: 'small-seed1 (sqlite)' };

  it('computes the ratio value / baseline and judges a target on it', () => {
    const r = makeRecord({ ...base, value: 600, baseline: 1000, profile: 2, target: { on: 'ratio', op: '>=', bound: 0.5, text: 'ratio ≥ 0.5' } });
    expect(r).toEqual({ name: 'read', value: 600, unit: 'req/s', baseline: 1000, ratio: 0.6, dataset: 'small-seed1 (sqlite)', profile: 2, target: 'ratio ≥ 0.5', ok: true });
    expect(makeRecord({ ...base, value: 400, baseline: 1000, target: { on: 'ratio', op: '>=', bound: 0.5, text: '' } }).ok).toBe(false);
  });

  it('judges an upper bound on the value', () => {
    const t = { on: 'value' as const, op: '<=' as const, bound: 50, text: '≤ 50 ms' };
    expect(makeRecord({ ...base, value: 50, baseline: 1, target: t }).ok).toBe(true);
    expect(makeRecord({ ...base, value: 51, baseline: 1, target: t }).ok).toBe(false);
  });

  it('has no ratio, and no verdict, when a side is missing or not finite', () => {
    const t = { on: 'ratio' as const, op: '>=' as const, bound: 0.5, text: '' };
    const noBaseline = makeRecord({ ...base, value: 5, target: t });
    expect(noBaseline).toMatchObject({ baseline: null, ratio: null, profile: null });
    expect(noBaseline.ok).toBeUndefined();
    expect(makeRecord({ ...base, value: NaN, baseline: 3 })).toMatchObject({ value: null, ratio: null });
    expect(makeRecord({ ...base, value: 3, baseline: 0 }).ratio).toBeNull();
  });

  it('survives a JSON round trip unchanged', () => {
    const r = makeRecord({ ...base, value: 1.5, baseline: 3, profile: 0, note: 'n' });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
