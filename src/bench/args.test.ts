import { describe, expect, it } from 'vitest';
import { DEFAULT_PG_URL, parseBenchArgs } from './args.js';

describe('parseBenchArgs', () => {
  it('defaults to the region dataset, sqlite, two alternating rounds and all six profiles', () => {
    const o = parseBenchArgs([]);
    expect(o).toMatchObject({ quick: false, scale: 'region', seed: 1, store: 'sqlite', pgUrl: DEFAULT_PG_URL, readSeconds: 5, searchSeconds: 10 / 3, rounds: 2 });
    expect(o.searchProfiles).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('--quick switches to the small dataset and short phases, unless a scale is given', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ quick: true, scale: 'small', readSeconds: 1.5, searchSeconds: 1, rounds: 1, searchProfiles: [0, 1, 2] });
    expect(parseBenchArgs(['--quick', '--scale', 'region']).scale).toBe('region');
  });

  it('reads values given as separate words or with =', () => {
    const o = parseBenchArgs(['--scale=national', '--seed', '42', '--store', 'both', '--pg-url=postgres://h/db', '--duration', '9']);
    expect(o).toMatchObject({ scale: 'national', seed: 42, store: 'both', pgUrl: 'postgres://h/db', readSeconds: 9, searchSeconds: 6 });
  });

  it('--only import measures the import alone', () => {
    expect(parseBenchArgs(['--only', 'import']).only).toBe('import');
    expect(parseBenchArgs([]).only).toBeUndefined();
  });

  it('--only reads measures the reads by id and the audit cost alone', () => {
    expect(parseBenchArgs(['--only', 'reads', '--db', 'x.db'])).toMatchObject({ only: 'reads', db: 'x.db' });
  });

  it('--only capacity measures the capacity PATCH load alone, on a prepared database if given, with N workers', () => {
    expect(parseBenchArgs(['--only', 'capacity', '--db', 'x.db', '--workers', '2'])).toMatchObject({ only: 'capacity', db: 'x.db', workers: 2 });
    expect(parseBenchArgs([]).workers).toBe(1);
  });

  it('keeps search phases at one second at least', () => {
    expect(parseBenchArgs(['--duration', '0.5']).searchSeconds).toBe(1);
  });

  it.each([
    [['--scale', 'city']],
    [['--store', 'mysql']],
    [['--seed', '-1']],
    [['--seed', '1.5']],
    [['--duration', '0']],
    [['--duration']],
    [['--verbose']],
    [['small']],
    [['--only', 'read']],
    [['--only', 'import', '--db', 'x.db']],
    [['--workers', '0']],
    [['--workers', '1.5']],
  ])('rejects %j', (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow();
  });
});
