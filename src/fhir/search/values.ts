// Typed FHIR values → search index entries, by the parameter's index kind. Masks are left 0: the caller
// ORs the masks of the profile views each entry was extracted from.

import type { IndexEntry, IndexKind } from '../../store/query.js';
import { MAX_TIME, MIN_TIME, parseDateRange } from './dates.js';
import { normalizeString } from './normalize.js';
import type { TypedValue } from './typed-values.js';

type Obj = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const QUANTITY_TYPES = new Set(['Quantity', 'SimpleQuantity', 'Age', 'Duration', 'Distance', 'Count', 'MoneyQuantity']);
const NUMBER_TYPES = new Set(['integer', 'decimal', 'positiveInt', 'unsignedInt']);
const URI_TYPES = new Set(['uri', 'url', 'canonical', 'oid', 'uuid']);
const RELATIVE_REF = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/.*)?$/;

/** Suffix of the token params holding Identifier type + value (identifier:of-type). */
export const OF_TYPE_SUFFIX = ':of-type';
/** Suffix of the token params holding logical (identifier) references (focus:identifier). */
export const REF_IDENTIFIER_SUFFIX = ':identifier';

function codingText(c: Obj, cc?: Obj): string | null {
  const t = str(cc?.text) ?? str(c.display);
  return t ? normalizeString(t) : null;
}

function tokens(param: string, tv: TypedValue, out: IndexEntry[]): void {
  const v = tv.value;
  switch (tv.type) {
    case 'Coding': {
      const c = v as Obj;
      out.push({ kind: 'token', param, system: str(c.system), code: str(c.code), text: codingText(c), mask: 0 });
      return;
    }
    case 'CodeableConcept': {
      const cc = v as Obj;
      const codings = Array.isArray(cc.coding) ? (cc.coding as Obj[]) : [];
      for (const c of codings) if (c) out.push({ kind: 'token', param, system: str(c.system), code: str(c.code), text: codingText(c, cc), mask: 0 });
      if (codings.length === 0 && str(cc.text)) out.push({ kind: 'token', param, system: null, code: null, text: normalizeString(cc.text as string), mask: 0 });
      return;
    }
    case 'Identifier': {
      const id = v as Obj;
      const type = id.type as Obj | undefined;
      const typeCodings = type && Array.isArray(type.coding) ? (type.coding as Obj[]) : [];
      const text = str(type?.text) ?? (typeCodings.length ? str(typeCodings[0].display) : null);
      out.push({ kind: 'token', param, system: str(id.system), code: str(id.value), text: text ? normalizeString(text) : null, mask: 0 });
      const value = str(id.value);
      if (value) for (const c of typeCodings) {
        if (c && str(c.code)) out.push({ kind: 'token', param: param + OF_TYPE_SUFFIX, system: str(c.system), code: `${c.code}|${value}`, mask: 0 });
      }
      return;
    }
    case 'ContactPoint': {
      const cp = v as Obj;
      out.push({ kind: 'token', param, system: str(cp.system), code: str(cp.value), mask: 0 });
      return;
    }
    case 'boolean':
      if (typeof v === 'boolean') out.push({ kind: 'token', param, system: null, code: String(v), mask: 0 });
      return;
    default:
      if (typeof v === 'string' && v !== '') out.push({ kind: 'token', param, system: null, code: v, mask: 0 });
  }
}

function strings(param: string, tv: TypedValue, out: IndexEntry[]): void {
  const push = (s: unknown) => { if (typeof s === 'string' && s.trim() !== '') out.push({ kind: 'string', param, value: normalizeString(s), mask: 0 }); };
  const pushAll = (a: unknown) => { if (Array.isArray(a)) a.forEach(push); };
  const o = tv.value as Obj;
  switch (tv.type) {
    case 'HumanName':
      push(o.family); pushAll(o.given); pushAll(o.prefix); pushAll(o.suffix); push(o.text);
      return;
    case 'Address':
      pushAll(o.line); push(o.city); push(o.district); push(o.state); push(o.postalCode); push(o.country); push(o.text);
      return;
    default:
      push(tv.value);
  }
}

function dates(param: string, tv: TypedValue, out: IndexEntry[]): void {
  if (tv.type === 'Period') {
    const p = tv.value as Obj;
    const start = typeof p.start === 'string' ? parseDateRange(p.start) : null;
    const end = typeof p.end === 'string' ? parseDateRange(p.end) : null;
    if (start || end) out.push({ kind: 'date', param, low: start ? start.low : MIN_TIME, high: end ? end.high : MAX_TIME, mask: 0 });
    return;
  }
  if (typeof tv.value === 'string') {
    const r = parseDateRange(tv.value);
    if (r) out.push({ kind: 'date', param, low: r.low, high: r.high, mask: 0 });
  }
}

function quantities(param: string, tv: TypedValue, out: IndexEntry[]): void {
  const q = tv.value as Obj;
  if (typeof q !== 'object' || typeof q.value !== 'number') return;
  if (tv.type === 'Money') out.push({ kind: 'quantity', param, value: q.value, system: 'urn:iso:std:iso:4217', code: str(q.currency), mask: 0 });
  else if (QUANTITY_TYPES.has(tv.type)) out.push({ kind: 'quantity', param, value: q.value, system: str(q.system), code: str(q.code) ?? str(q.unit), mask: 0 });
}

function references(param: string, tv: TypedValue, out: IndexEntry[]): void {
  if (URI_TYPES.has(tv.type)) {
    if (typeof tv.value === 'string') out.push({ kind: 'reference', param, targetType: null, targetId: null, url: tv.value, mask: 0 });
    return;
  }
  if (tv.type !== 'Reference') return;
  const r = tv.value as Obj;
  const ref = str(r.reference);
  if (ref) {
    const m = RELATIVE_REF.exec(ref);
    if (m) out.push({ kind: 'reference', param, targetType: m[1], targetId: m[2], mask: 0 });
    else out.push({ kind: 'reference', param, targetType: str(r.type), targetId: null, url: ref, mask: 0 });
  }
  const id = r.identifier as Obj | undefined;
  if (id && str(id.value)) {
    // Logical reference: searchable as focus:identifier=sys|value and, typed, by chain focus:Type.identifier.
    out.push({ kind: 'token', param: param + REF_IDENTIFIER_SUFFIX, system: str(id.system), code: id.value as string, mask: 0 });
    const type = str(r.type);
    if (type) out.push({ kind: 'token', param: `${param}:${type}${REF_IDENTIFIER_SUFFIX}`, system: str(id.system), code: id.value as string, mask: 0 });
  }
}

function geo(param: string, tv: TypedValue, out: IndexEntry[]): void {
  const p = tv.value as Obj;
  if (p && typeof p.latitude === 'number' && typeof p.longitude === 'number') out.push({ kind: 'geo', param, lat: p.latitude, lng: p.longitude, mask: 0 });
}

/** Appends the index entries of one typed value of parameter `param` (of index kind `kind`). */
export function toEntries(kind: IndexKind, param: string, tv: TypedValue, out: IndexEntry[]): void {
  if (tv.value === null || tv.value === undefined) return;
  switch (kind) {
    case 'token': return tokens(param, tv, out);
    case 'string': return strings(param, tv, out);
    case 'date': return dates(param, tv, out);
    case 'number':
      if (typeof tv.value === 'number' && NUMBER_TYPES.has(tv.type)) out.push({ kind: 'number', param, value: tv.value, mask: 0 });
      return;
    case 'quantity': return quantities(param, tv, out);
    case 'reference': return references(param, tv, out);
    case 'uri':
      if (typeof tv.value === 'string') out.push({ kind: 'uri', param, value: tv.value, mask: 0 });
      return;
    case 'geo': return geo(param, tv, out);
  }
}
