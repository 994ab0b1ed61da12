import { describe, expect, it } from 'vitest';
import { formatMarkdown, formatNumber, formatTable } from './report.js';
import { makeRecord } from './stats.js';

describe('report formatting', () => {
  it('rounds numbers for reading', () => {
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(3.14159)).toBe('3.14');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(null)).toBe('—');
  });

  const records = [
    makeRecord({ name: 'read by id', value: 900, unit: 'req/s', baseline: 1500, dataset: 'd', profile: 0, target: { on: 'ratio', op: '>=', bound: 0.5, text: 'ratio ≥ 0.5' } }),
    makeRecord({ name: 'capacity PATCH rate', value: null, unit: 'req/s', dataset: 'd', note: 'writes not implemented yet' }),
  ];

  it('prints one aligned row per figure with its verdict', () => {
    const lines = formatTable(records).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^read by id\s+0\s+900\s+req\/s\s+1,500\s+0\.60\s+ratio ≥ 0\.5\s+ok$/);
    expect(lines[3]).toContain('writes not implemented yet');
    expect(lines[3]).toContain('—');
  });

  it('writes the same rows as Markdown', () => {
    const md = formatMarkdown(records).split('\n');
    expect(md[2]).toBe('| read by id | 0 | 900 | req/s | 1,500 | 0.60 | ratio ≥ 0.5 | yes |');
    expect(md[3]).toBe('| capacity PATCH rate (writes not implemented yet) |  | — | req/s | — | — |  |  |');
  });
});
