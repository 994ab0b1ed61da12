// Lexical pieces of FHIR search values: escaping, prefixes, numbers with implicit precision, token
// system|code pairs, near coordinates. Every failure throws a 400 that names the parameter.

import { FhirError } from '../errors.js';
import type { Comparator } from '../../store/query.js';
import { parseDateRange, type TimeRange } from './dates.js';

export const invalid = (param: string, problem: string) => new FhirError(400, 'invalid', `Search parameter '${param}': ${problem}`, [param]);
export const notSupported = (param: string, problem: string) => new FhirError(400, 'not-supported', `Search parameter '${param}': ${problem}`, [param]);

/** Splits on an unescaped separator (`\,` `\|` `\$` are escapes) and unescapes each piece. */
export function splitEscaped(value: string, sep: ',' | '|' | '$'): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length && ',|$\\'.includes(value[i + 1])) { cur += ch + value[i + 1]; i++; continue; }
    if (ch === sep) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out;
}

export const unescape = (s: string) => s.replace(/\\([,|$\\])/g, '$1');

const PREFIXES = new Set<Comparator>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

/** Splits an optional comparator prefix off a number/date/quantity value. */
export function splitPrefix(param: string, value: string): { cmp: Comparator; rest: string } {
  const m = /^([a-z]{2})([0-9+\-.].*)$/.exec(value);
  if (!m) return { cmp: 'eq', rest: value };
  if (!PREFIXES.has(m[1] as Comparator)) throw invalid(param, `unknown prefix '${m[1]}' (expected eq, ne, gt, lt, ge, le, sa, eb or ap)`);
  return { cmp: m[1] as Comparator, rest: m[2] };
}

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A number and the half-width of its implicit precision range ("100" → ±0.5, "1.50" → ±0.005). */
export function parseNumber(param: string, text: string): { value: number; half: number } {
  const m = NUMBER_RE.exec(text);
  if (!m) throw invalid(param, `malformed number '${text}'`);
  const decimals = m[2] ? m[2].length - 1 : 0;
  const exponent = m[3] ? Number(m[3].slice(1)) : 0;
  return { value: Number(text), half: 0.5 * 10 ** (exponent - decimals) };
}

/** The [low, high] bounds a numeric comparison is given: the precision range for eq/ne, ±10 % for ap. */
export function numberBounds(cmp: Comparator, n: { value: number; half: number }): { low: number; high: number } {
  if (cmp === 'eq' || cmp === 'ne') return { low: n.value - n.half, high: n.value + n.half };
  if (cmp === 'ap') {
    const d = Math.max(Math.abs(n.value) * 0.1, n.half);
    return { low: n.value - d, high: n.value + d };
  }
  return { low: n.value, high: n.value };
}

export function parseDate(param: string, text: string): TimeRange {
  const r = parseDateRange(text);
  if (!r) throw invalid(param, `malformed date '${text}' (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.sss]][Z|±hh:mm])`);
  return r;
}

/** ap on a date: widened by 10 % of its distance to now (at least the value's own precision). */
export function dateBounds(cmp: Comparator, r: TimeRange, now = Date.now()): TimeRange {
  if (cmp !== 'ap') return r;
  const gap = Math.abs(now - r.low) * 0.1;
  return { low: r.low - gap, high: r.high + gap };
}

/** `system|code`, `|code` (no system), `system|` (any code), `code` (any system). */
export function parseToken(value: string): { system?: string | null; code?: string } {
  const parts = splitEscaped(value, '|');
  if (parts.length === 1) return { code: unescape(parts[0]) };
  const system = parts[0] === '' ? null : unescape(parts[0]);
  const code = unescape(parts.slice(1).join('|'));
  return code === '' ? { system } : { system, code };
}

const KM_PER_UNIT: Record<string, number> = { km: 1, m: 0.001, mi_us: 1.609347, '[mi_us]': 1.609347, '[mi_i]': 1.609344, mi: 1.609344 };
export const DEFAULT_NEAR_KM = 5;

/** Distance + unit pieces of near / near-insee-code, in km. */
export function parseDistance(param: string, distance: string | undefined, unit: string | undefined): number {
  if (distance === undefined || distance === '') return DEFAULT_NEAR_KM;
  const n = parseNumber(param, distance).value;
  if (!(n > 0)) throw invalid(param, `distance must be positive, got '${distance}'`);
  const u = unit === undefined || unit === '' ? 'km' : unit;
  const factor = KM_PER_UNIT[u];
  if (factor === undefined) throw invalid(param, `unknown distance unit '${u}' (expected km, m or mi_us)`);
  return n * factor;
}
