// Prints the figures as a table and writes them to bench/results.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchRecord } from './stats.js';

export interface BenchReport {
  startedAt: string;
  machine: { nproc: number; cpu: string; node: string; platform: string };
  options: Record<string, unknown>;
  notes: string[];
  records: BenchRecord[];
}

/** Three significant digits at most, integers kept whole. */
export function formatNumber(x: number | null): string {
  if (x === null) return '—';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(3)).toString();
}

export function formatTable(records: BenchRecord[]): string {
  const rows = records.map((r) => [
    r.name,
    r.profile === null ? '' : String(r.profile),
    formatNumber(r.value),
    r.unit,
    formatNumber(r.baseline),
    r.ratio === null ? '—' : r.ratio.toFixed(2),
    r.target ?? '',
    r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED',
    r.note ?? '',
  ]);
  const header = ['figure', 'profile', 'value', 'unit', 'baseline', 'ratio', 'target', '', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The same rows as a Markdown table (for docs/benchmarks.md). */
export function formatMarkdown(records: BenchRecord[]): string {
  const out = ['| figure | profile | value | unit | baseline | ratio | target | met |', '|---|---|---|---|---|---|---|---|'];
  for (const r of records) {
    out.push(
      `| ${r.name}${r.note ? ` (${r.note})` : ''} | ${r.profile ?? ''} | ${formatNumber(r.value)} | ${r.unit} | ${formatNumber(r.baseline)} | ` +
        `${r.ratio === null ? '—' : r.ratio.toFixed(2)} | ${r.target ?? ''} | ${r.ok === undefined ? '' : r.ok ? 'yes' : 'no'} |`,
    );
  }
  return out.join('\n');
}

export function writeReport(file: string, report: BenchReport): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
}
