// FHIR search parameters → the dialect-neutral SearchQuery tree (store/query.ts) plus the result
// controls (_include, _elements, _summary, _total…). It never sees data: the store evaluates the tree
// under the caller's profile mask. Every rejected input is a 400 naming the parameter and the problem.

import { FhirError } from '../errors.js';
import type { Comparator, Predicate, SearchQuery, SortKey } from '../../store/query.js';
import { communeCentroid } from './communes.js';
import {
  dateBounds, invalid, notSupported, numberBounds, parseDate, parseDistance, parseNumber, parseToken, splitEscaped,
  splitPrefix, unescape,
} from './parse-values.js';
import { getSearchParam, hasHierarchy, isSearchableType, isSortable, type SearchParamDef } from './registry.js';
import { normalizeString } from './normalize.js';
import { OF_TYPE_SUFFIX, REF_IDENTIFIER_SUFFIX } from './values.js';

export interface IncludeSpec {
  sourceType: string;
  param: string;
  targetType?: string;
  iterate: boolean;
}

export type SummaryMode = 'true' | 'false' | 'count' | 'data' | 'text';
export type TotalMode = 'none' | 'estimate' | 'accurate';

export interface ParsedSearch {
  query: SearchQuery;
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  elements?: string[];
  summary?: SummaryMode;
  totalMode: TotalMode;
  /** Unknown parameters dropped under lenient handling. */
  ignored: string[];
}

export interface ParseOptions {
  profile: number;
  lenient: boolean;
}

/** Page size: default and maximum of the ROR CapabilityStatement. */
export const DEFAULT_COUNT = 200;
export const MAX_COUNT = 200;
/** Deepest partOf hierarchy followed by `ref:above.x` / `ref:below.x` (EJ > EG > pôle > service > UF). */
export const HIERARCHY_DEPTH = 5;

const NOT_SUPPORTED_CONTROLS = new Set(['_content', '_text', '_query', '_list', '_containedType', '_contained', '_filter']);

/** Thrown for an unknown parameter name so lenient handling can drop exactly those. */
class UnknownParameter extends FhirError {}

const unknownParam = (type: string, name: string) =>
  new UnknownParameter(400, 'not-supported', `Unknown search parameter '${name}' for resource type ${type}`, [name]);

function requireType(type: string, where: string): void {
  if (!isSearchableType(type)) throw new FhirError(400, 'not-supported', `${where}: resource type '${type}' is not searchable`, [where]);
}

const CAPITALISED = /^[A-Z][A-Za-z]+$/;
const anyOf = (ps: Predicate[]): Predicate => (ps.length === 1 ? ps[0] : { op: 'or', any: ps });

/** Target types of a reference parameter that this server searches (declared, or all when any). */
function searchableTargets(def: SearchParamDef): string[] {
  const declared = def.target ?? ['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole', 'Task'];
  return declared.filter((t) => isSearchableType(t));
}

function buildPredicate(type: string, name: string, value: string): Predicate {
  if (name.startsWith('_has:')) return buildHas(type, name, value);
  const dot = name.indexOf('.');
  if (dot >= 0) return buildChain(type, name.slice(0, dot), name.slice(dot + 1), value, name);
  const colon = name.indexOf(':');
  const code = colon >= 0 ? name.slice(0, colon) : name;
  const modifier = colon >= 0 ? name.slice(colon + 1) : undefined;
  if (code === '_id') return buildId(name, modifier, value);
  if (code === '_lastUpdated') return buildLastUpdated(name, modifier, value);
  const def = getSearchParam(type, code);
  if (!def || (def.expression === null && !def.chainVia) || def.type === 'composite') throw unknownParam(type, name);
  if (def.chainVia) {
    const v = def.chainVia;
    return { op: 'chain', param: v.param, targetType: v.targetType, where: [buildPredicate(v.targetType, modifier ? `${v.targetParam}:${modifier}` : v.targetParam, value)] };
  }
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw invalid(name, `:missing takes true or false, got '${value}'`);
    return { op: 'missing', param: def.code, missing: value === 'true' };
  }
  const values = splitEscaped(value, ',');
  if (values.some((v) => v === '')) throw invalid(name, 'empty value in a comma-separated list');
  switch (def.type) {
    case 'token': return buildToken(def, name, modifier, values);
    case 'string': return anyOf(values.map((v) => buildString(def, name, modifier, v)));
    case 'number': return anyOf(values.map((v) => buildNumber(def, name, modifier, v)));
    case 'date': return anyOf(values.map((v) => buildDate(def, name, modifier, v)));
    case 'quantity': return anyOf(values.map((v) => buildQuantity(def, name, modifier, v)));
    case 'reference': return anyOf(values.map((v) => buildReference(def, name, modifier, v)));
    case 'uri': return anyOf(values.map((v) => buildUri(def, name, modifier, v)));
    case 'special': return anyOf(values.map((v) => buildSpecial(def, name, modifier, v)));
    default: throw unknownParam(type, name);
  }
}

function noModifier(name: string, modifier: string | undefined, kind: string): void {
  if (modifier !== undefined) throw invalid(name, `modifier ':${modifier}' is not allowed on a ${kind} parameter`);
}

function buildId(name: string, modifier: string | undefined, value: string): Predicate {
  if (modifier !== undefined && modifier !== 'not') throw invalid(name, `modifier ':${modifier}' is not allowed on _id`);
  const ids = splitEscaped(value, ',').map(unescape);
  if (ids.some((id) => !/^[A-Za-z0-9\-.]{1,64}$/.test(id))) throw invalid(name, `malformed resource id in '${value}'`);
  return modifier === 'not' ? { op: 'id', ids, not: true } : { op: 'id', ids };
}

function buildLastUpdated(name: string, modifier: string | undefined, value: string): Predicate {
  noModifier(name, modifier, 'date');
  return anyOf(splitEscaped(value, ',').map((v) => {
    const { cmp, rest } = splitPrefix(name, v);
    const r = dateBounds(cmp, parseDate(name, rest));
    return { op: 'lastUpdated', cmp, low: r.low, high: r.high };
  }));
}

function buildToken(def: SearchParamDef, name: string, modifier: string | undefined, values: string[]): Predicate {
  switch (modifier) {
    case undefined:
      return anyOf(values.map((v) => ({ op: 'token', param: def.code, ...parseToken(v) })));
    case 'not': {
      const ps: Predicate[] = values.map((v) => ({ op: 'token', param: def.code, ...parseToken(v), not: true }));
      if (ps.length === 1) return ps[0];
      // not any of them: none of the listed tokens may be present
      return { op: 'not', predicate: { op: 'or', any: values.map((v) => ({ op: 'token', param: def.code, ...parseToken(v) })) } };
    }
    case 'text':
      return anyOf(values.map((v) => ({ op: 'token', param: def.code, textContains: normalizeString(unescape(v)) })));
    case 'of-type':
      return anyOf(values.map((v) => {
        const parts = splitEscaped(v, '|').map(unescape);
        if (parts.length !== 3 || parts[1] === '' || parts[2] === '') throw invalid(name, `:of-type takes system|code|value, got '${v}'`);
        return { op: 'token', param: def.code + OF_TYPE_SUFFIX, system: parts[0] === '' ? null : parts[0], code: `${parts[1]}|${parts[2]}` };
      }));
    case 'in': case 'not-in': case 'above': case 'below':
      throw notSupported(name, `modifier ':${modifier}' (value-set and code-hierarchy searches) is not supported`);
    default:
      throw invalid(name, `modifier ':${modifier}' is not allowed on a token parameter`);
  }
}

function buildString(def: SearchParamDef, name: string, modifier: string | undefined, v: string): Predicate {
  const value = normalizeString(unescape(v));
  switch (modifier) {
    case undefined: return { op: 'string', param: def.code, mode: 'prefix', value };
    case 'exact': return { op: 'string', param: def.code, mode: 'exact', value };
    case 'contains': return { op: 'string', param: def.code, mode: 'contains', value };
    default: throw invalid(name, `modifier ':${modifier}' is not allowed on a string parameter`);
  }
}

function buildNumber(def: SearchParamDef, name: string, modifier: string | undefined, v: string): Predicate {
  noModifier(name, modifier, 'number');
  const { cmp, rest } = splitPrefix(name, v);
  return { op: 'number', param: def.code, cmp, ...numberBounds(cmp, parseNumber(name, rest)) };
}

function buildDate(def: SearchParamDef, name: string, modifier: string | undefined, v: string): Predicate {
  noModifier(name, modifier, 'date');
  const { cmp, rest } = splitPrefix(name, v);
  return { op: 'date', param: def.code, cmp, ...dateBounds(cmp, parseDate(name, rest)) };
}

function buildQuantity(def: SearchParamDef, name: string, modifier: string | undefined, v: string): Predicate {
  noModifier(name, modifier, 'quantity');
  const parts = splitEscaped(v, '|').map(unescape);
  if (parts.length !== 1 && parts.length !== 3) throw invalid(name, `malformed quantity '${v}' (expected [prefix]number[|system|code])`);
  const { cmp, rest } = splitPrefix(name, parts[0]);
  const p: Predicate = { op: 'quantity', param: def.code, cmp, ...numberBounds(cmp, parseNumber(name, rest)) };
  if (parts.length === 3) {
    if (parts[1] !== '') p.system = parts[1];
    if (parts[2] !== '') p.code = parts[2];
  }
  return p;
}

const REF_RE = /^(?:.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;
const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

function parseReferenceValue(def: SearchParamDef, name: string, typeModifier: string | undefined, v: string): { targetType?: string; targetId: string } {
  const value = unescape(v);
  const targets = def.target;
  const m = REF_RE.exec(value);
  if (m) {
    if (typeModifier && typeModifier !== m[1]) throw invalid(name, `reference '${value}' does not match the type modifier ':${typeModifier}'`);
    if (targets && !targets.includes(m[1])) throw invalid(name, `'${m[1]}' is not a valid target type (expected ${targets.join(', ')})`);
    return { targetType: m[1], targetId: m[2] };
  }
  if (!ID_RE.test(value)) throw invalid(name, `malformed reference '${value}' (expected Type/id or id)`);
  const type = typeModifier ?? (targets && targets.length === 1 ? targets[0] : undefined);
  return type ? { targetType: type, targetId: value } : { targetId: value };
}

function buildReference(def: SearchParamDef, name: string, modifier: string | undefined, v: string): Predicate {
  if (modifier === 'identifier') {
    return { op: 'token', param: def.code + REF_IDENTIFIER_SUFFIX, ...parseToken(v) };
  }
  if (modifier === 'above' || modifier === 'below') {
    if (!hasHierarchy(def)) throw invalid(name, `modifier ':${modifier}' needs a hierarchical reference (partof)`);
    const ref = parseReferenceValue(def, name, undefined, v);
    // partof:below=X matches what lies below X (its partof is X or under X), not X itself; :above
    // likewise what lies above X. The store's closure includes X: remove it (A and not B, written
    // with the operators the query tree has).
    const closure: Predicate = { op: 'hierarchy', param: def.code, ids: [ref.targetId], direction: modifier };
    return { op: 'not', predicate: { op: 'or', any: [{ op: 'not', predicate: closure }, { op: 'id', ids: [ref.targetId] }] } };
  }
  if (modifier !== undefined && !CAPITALISED.test(modifier)) throw invalid(name, `modifier ':${modifier}' is not allowed on a reference parameter`);
  if (modifier !== undefined) {
    requireType(modifier, name);
    if (def.target && !def.target.includes(modifier)) throw invalid(name, `'${modifier}' is not a valid target type (expected ${def.target.join(', ')})`);
  }
  const ref = parseReferenceValue(def, name, modifier, v);
  return ref.targetType ? { op: 'reference', param: def.code, targetType: ref.targetType, targetId: ref.targetId } : { op: 'reference', param: def.code, targetId: ref.targetId };
}

function buildUri(def: SearchParamDef, name: string, modifier: string | undefined, v: string): Predicate {
  if (modifier !== undefined && modifier !== 'above' && modifier !== 'below') throw invalid(name, `modifier ':${modifier}' is not allowed on a uri parameter`);
  return { op: 'uri', param: def.code, value: unescape(v), mode: modifier ?? 'exact' };
}

function buildSpecial(def: SearchParamDef, name: string, modifier: string | undefined, v: string): Predicate {
  noModifier(name, modifier, 'special');
  const parts = splitEscaped(v, '|').map(unescape);
  if (def.code === 'near') {
    if (parts.length < 2 || parts.length > 4) throw invalid(name, `expected latitude|longitude[|distance[|unit]], got '${v}'`);
    const lat = parseNumber(name, parts[0]).value;
    const lng = parseNumber(name, parts[1]).value;
    if (lat < -90 || lat > 90 || lng < -180 || lng > 180) throw invalid(name, `coordinates out of range in '${v}'`);
    return { op: 'geo-near', param: def.code, lat, lng, km: parseDistance(name, parts[2], parts[3]) };
  }
  if (def.code === 'near-insee-code') {
    if (parts.length > 3 || !/^[0-9][0-9AB][0-9]{3}$/.test(parts[0])) throw invalid(name, `expected an INSEE commune code[|distance[|unit]], got '${v}'`);
    const c = communeCentroid(parts[0]);
    if (!c) throw invalid(name, `unknown commune code '${parts[0]}'`);
    return { op: 'geo-near', param: def.code, lat: c.lat, lng: c.lng, km: parseDistance(name, parts[1], parts[2]) };
  }
  throw unknownParam(def.base, name);
}

/** `ref[:Type|:above|:below].rest`: the referenced resource must satisfy `rest`. */
function buildChain(type: string, head: string, rest: string, value: string, fullName: string): Predicate {
  const colon = head.indexOf(':');
  const code = colon >= 0 ? head.slice(0, colon) : head;
  const modifier = colon >= 0 ? head.slice(colon + 1) : undefined;
  const def = getSearchParam(type, code);
  if (!def) throw unknownParam(type, head);
  if (def.type !== 'reference') throw invalid(fullName, `'${code}' is not a reference parameter and cannot be chained`);
  if (rest === '') throw invalid(fullName, 'empty chain');
  let targets: string[];
  let hierarchy: 'above' | 'below' | undefined;
  if (modifier === 'above' || modifier === 'below') {
    if (!hasHierarchy(def) && !(def.target?.length === 1 && def.target[0] === 'Organization')) {
      throw invalid(fullName, `modifier ':${modifier}' needs a reference into a hierarchy (Organization or partof)`);
    }
    hierarchy = modifier;
    targets = searchableTargets(def);
  } else if (modifier !== undefined) {
    if (!CAPITALISED.test(modifier)) throw invalid(fullName, `modifier ':${modifier}' is not allowed in a chain`);
    requireType(modifier, fullName);
    if (def.target && !def.target.includes(modifier)) throw invalid(fullName, `'${modifier}' is not a valid target type of '${code}' (expected ${def.target.join(', ')})`);
    targets = [modifier];
  } else {
    targets = searchableTargets(def);
  }
  const alternatives: Predicate[] = [];
  let firstError: unknown;
  for (const target of targets) {
    let inner: Predicate;
    try {
      inner = buildPredicate(target, rest, value);
    } catch (e) {
      // With several candidate targets, a parameter only some of them have narrows the chain.
      if (targets.length > 1 && e instanceof UnknownParameter) { firstError ??= e; continue; }
      throw e;
    }
    const where = hierarchy ? [hierarchyClosure(target, hierarchy, inner)] : [inner];
    const chain: Predicate = { op: 'chain', param: def.code, targetType: target, where };
    // Logical references (Task.focus by identifier) are indexed as tokens, not as links.
    const identifierValue = rest === 'identifier' ? identifierAlternative(def, target, modifier !== undefined, value) : null;
    alternatives.push(identifierValue ? { op: 'or', any: [chain, identifierValue] } : chain);
  }
  if (alternatives.length === 0) {
    if (firstError instanceof UnknownParameter) throw invalid(fullName, `no target type of '${code}' has a search parameter '${rest.split(/[.:]/)[0]}'`);
    throw invalid(fullName, `'${code}' has no searchable target type`);
  }
  return anyOf(alternatives);
}

function identifierAlternative(def: SearchParamDef, target: string, typed: boolean, value: string): Predicate | null {
  if (def.code !== 'focus' && def.target !== undefined) return null; // only untyped (any-resource) references carry logical ones here
  const param = typed ? `${def.code}:${target}${REF_IDENTIFIER_SUFFIX}` : def.code + REF_IDENTIFIER_SUFFIX;
  return anyOf(splitEscaped(value, ',').map((v) => ({ op: 'token', param, ...parseToken(v) })));
}

/** The resource itself or one of its ancestors (above) / descendants (below) along partOf satisfies p. */
function hierarchyClosure(type: string, direction: 'above' | 'below', p: Predicate): Predicate {
  const partof = getSearchParam(type, 'partof');
  if (!partof) return p;
  const levels: Predicate[] = [p];
  let current = p;
  for (let i = 1; i < HIERARCHY_DEPTH; i++) {
    current = direction === 'above'
      ? { op: 'chain', param: 'partof', targetType: type, where: [current] }
      : { op: 'has', type, param: 'partof', where: [current] };
    levels.push(current);
  }
  return { op: 'or', any: levels };
}

/** `_has:Type:refParam:rest=value`: some Type referencing this resource via refParam satisfies rest. */
function buildHas(type: string, name: string, value: string): Predicate {
  const parts = name.split(':');
  if (parts.length < 4 || parts[1] === '' || parts[2] === '' || parts[3] === '') throw invalid(name, 'expected _has:Type:reference-parameter:search-parameter');
  const [, sourceType, refParam] = parts;
  requireType(sourceType, name);
  const def = getSearchParam(sourceType, refParam);
  if (!def || def.type !== 'reference') throw invalid(name, `'${refParam}' is not a reference parameter of ${sourceType}`);
  if (def.target && !def.target.includes(type)) throw invalid(name, `${sourceType}.${refParam} cannot reference ${type}`);
  const rest = parts.slice(3).join(':');
  return { op: 'has', type: sourceType, param: refParam, where: [buildPredicate(sourceType, rest, value)] };
}

function parseSort(type: string, value: string): SortKey[] {
  return value.split(',').map((raw) => {
    const descending = raw.startsWith('-');
    const param = descending ? raw.slice(1) : raw;
    if (param === '_id' || param === '_lastUpdated') return { param, descending };
    if (param === '' || param.includes('.') || param.includes(':')) throw invalid('_sort', `cannot sort by '${raw}'`);
    const def = getSearchParam(type, param);
    if (!def) throw invalid('_sort', `unknown search parameter '${param}' for resource type ${type}`);
    if (!isSortable(def)) throw invalid('_sort', `parameter '${param}' (${def.type}) cannot be used to sort`);
    return { param, descending };
  });
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw invalid('_count', `must be a non-negative integer, got '${value}'`);
  return Math.min(Number(value), MAX_COUNT);
}

function parseInclude(name: string, value: string, reverse: boolean, searchedType: string): IncludeSpec {
  const modifier = name.includes(':') ? name.slice(name.indexOf(':') + 1) : undefined;
  if (modifier !== undefined && modifier !== 'iterate' && modifier !== 'recurse') throw invalid(name, `modifier ':${modifier}' is not allowed (only :iterate)`);
  if (value === '*' || value.endsWith(':*')) throw notSupported(name, "wildcard '*' includes are not supported");
  const parts = value.split(':');
  if (parts.length < 2 || parts.length > 3) throw invalid(name, `expected SourceType:parameter[:TargetType], got '${value}'`);
  const [sourceType, param, targetType] = parts;
  requireType(sourceType, name);
  const def = getSearchParam(sourceType, param);
  if (!def || def.type !== 'reference') throw invalid(name, `'${param}' is not a reference parameter of ${sourceType}`);
  if (targetType !== undefined) {
    requireType(targetType, name);
    if (def.target && !def.target.includes(targetType)) throw invalid(name, `${sourceType}.${param} cannot reference ${targetType}`);
  }
  if (reverse && !modifier && def.target && targetType === undefined && !def.target.includes(searchedType)) {
    throw invalid(name, `${sourceType}.${param} cannot reference ${searchedType}`);
  }
  return { sourceType, param, ...(targetType ? { targetType } : {}), iterate: modifier !== undefined };
}

const ELEMENT_RE = /^[A-Za-z][A-Za-z0-9]*$/;

export function parseSearch(type: string, params: [string, string][], opts: ParseOptions): ParsedSearch {
  if (!isSearchableType(type)) throw new FhirError(400, 'not-supported', `Resource type '${type}' is not searchable`);
  const where: Predicate[] = [];
  const include: IncludeSpec[] = [];
  const revinclude: IncludeSpec[] = [];
  const ignored: string[] = [];
  let sort: SortKey[] = [];
  let count = DEFAULT_COUNT;
  let totalMode: TotalMode = 'accurate'; // the ROR always returns Bundle.total
  let elements: string[] | undefined;
  let summary: SummaryMode | undefined;

  for (const [name, value] of params) {
    const base = name.split(':')[0];
    switch (base) {
      case '_count': count = parseCount(value); continue;
      case '_sort': sort = parseSort(type, value); continue;
      case '_total':
        if (value !== 'none' && value !== 'estimate' && value !== 'accurate') throw invalid('_total', `must be none, estimate or accurate, got '${value}'`);
        totalMode = value;
        continue;
      case '_summary':
        if (!['true', 'false', 'count', 'data', 'text'].includes(value)) throw invalid('_summary', `must be true, false, count, data or text, got '${value}'`);
        summary = value as SummaryMode;
        continue;
      case '_elements': {
        const list = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
        const bad = list.find((e) => !ELEMENT_RE.test(e));
        if (bad !== undefined) throw invalid('_elements', `malformed element name '${bad}'`);
        elements = list;
        continue;
      }
      case '_include': include.push(parseInclude(name, value, false, type)); continue;
      case '_revinclude': revinclude.push(parseInclude(name, value, true, type)); continue;
      case '_format':
        if (!/json/.test(value)) throw notSupported('_format', `only JSON is supported, got '${value}'`);
        continue;
      case '_pretty':
        continue;
    }
    if (NOT_SUPPORTED_CONTROLS.has(base)) throw notSupported(base, 'this search feature is not supported');
    if (value === '' && !name.startsWith('_has:')) continue; // FHIR: an empty parameter is ignored
    try {
      where.push(buildPredicate(type, name, value));
    } catch (e) {
      if (opts.lenient && e instanceof UnknownParameter) { ignored.push(name); continue; }
      throw e;
    }
  }
  return {
    query: { type, profile: opts.profile, where, sort, count, total: totalMode !== 'none' },
    include,
    revinclude,
    ...(elements ? { elements } : {}),
    ...(summary ? { summary } : {}),
    totalMode,
    ignored,
  };
}

export type { Comparator };
