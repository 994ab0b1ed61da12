// Latency statistics and figure records: pure functions.

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (p in 0..100) of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0) return sorted[0];
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n, rank) - 1];
}

/** Median of an ascending array (the mean of the two middle values when their number is even); NaN when empty. */
export function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

export function summarizeLatencies(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const n = sorted.length;
  return {
    count: n,
    mean: n ? sum / n : NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: n ? sorted[n - 1] : NaN,
  };
}

/** One measured figure, as written to bench/results.json. */
export interface BenchRecord {
  name: string;
  value: number | null;
  unit: string;
  /** The comparison point (bare server, raw insert, other profile), or null when there is none. */
  baseline: number | null;
  /** value / baseline, or null when either is missing. */
  ratio: number | null;
  dataset: string;
  profile: number | null;
  /** What the figure should reach, in words (e.g. "ratio ≥ 0.5"). */
  target?: string;
  /** Whether the target is met, when there is one and the figure was measured. */
  ok?: boolean;
  note?: string;
}

export interface RecordInput {
  name: string;
  value: number | null;
  unit: string;
  baseline?: number | null;
  dataset: string;
  profile?: number | null;
  target?: Target;
  note?: string;
}

/** A target on the ratio or on the value: at least / at most a bound. */
export interface Target {
  on: 'ratio' | 'value';
  op: '>=' | '<=';
  bound: number;
  text: string;
}

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export function makeRecord(input: RecordInput): BenchRecord {
  const value = finite(input.value) ? input.value : null;
  const baseline = finite(input.baseline) ? input.baseline : null;
  const ratio = value !== null && baseline !== null && baseline !== 0 ? value / baseline : null;
  const record: BenchRecord = { name: input.name, value, unit: input.unit, baseline, ratio, dataset: input.dataset, profile: input.profile ?? null };
  if (input.target) {
    record.target = input.target.text;
    const measured = input.target.on === 'ratio' ? ratio : value;
    if (measured !== null) record.ok = input.target.op === '>=' ? measured >= input.target.bound : measured <= input.target.bound;
  }
  if (input.note) record.note = input.note;
  return record;
}
