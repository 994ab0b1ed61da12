// Capacity indicators (`ror-location-supported-capacity`): validation of an indicator against the value
// sets and combination rules (400 business-rule, one issue per defect, with the element's expression),
// the national PATCH protocol (replace; 404 with the indicator expression when nothing matches so the
// client adds; an add of an indicator that already exists replaces it, so two racing « replace then add »
// clients never create a duplicate), and a builder of realistic PATCH bodies for clients and benchmarks.

import type { Issue } from '../errors.js';
import { FhirError } from '../errors.js';
import { CAPACITY_EXPRESSION, CODED_FIELDS, KEY_FIELDS, STATUS_RULES, SUPPORTED_CAPACITY_URL, type StatusRule } from './capacity-rules.js';
import { applyFhirPathPatch, type PatchOperation } from './fhirpath-patch.js';
import { cloneJson } from './clone-json.js';

type Json = Record<string, any>;

const sub = (ext: Json, url: string): Json | undefined => ((ext.extension ?? []) as Json[]).find((e) => e?.url === url);
const codeOf = (ext: Json, url: string): string | null => {
  const s = sub(ext, url);
  const coding = s?.valueCodeableConcept?.coding?.[0] ?? (s?.valueCoding as Json | undefined);
  return typeof coding?.code === 'string' ? coding.code : typeof s?.valueCode === 'string' ? s.valueCode : null;
};

const fieldExpr = (url: string) => `Location.extension('${SUPPORTED_CAPACITY_URL}').extension('${url}')`;
const indicatorExpr = `Location.extension('${SUPPORTED_CAPACITY_URL}')`;
const rule = (diagnostics: string, expression?: string): Issue => ({ severity: 'error', code: 'business-rule', diagnostics, ...(expression ? { expression: [expression] } : {}) });

/** The identity of an indicator: its key criteria (absent ones as null), as the national server quotes them. */
export function indicatorKey(ext: Json): string {
  return KEY_FIELDS.map((f) => `${f}: ${codeOf(ext, f) ?? 'null'}`).join(' / ');
}

// Keys remembered by indicator object, for the checks of a PATCH: it reads the key of every indicator of
// the Location, and the untouched ones are the same objects from one version to the next (stored bodies
// are parsed once and never mutated; a patch copies only what it changes).
const keysOf = new WeakMap<Json, string>();

function storedIndicatorKey(ext: Json): string {
  let key = keysOf.get(ext);
  if (key === undefined) {
    key = indicatorKey(ext);
    keysOf.set(ext, key);
  }
  return key;
}

export const isIndicator = (e: unknown): e is Json => (e as Json)?.url === SUPPORTED_CAPACITY_URL;

/** Every defect of one indicator (empty: valid). */
export function indicatorIssues(ext: Json): Issue[] {
  const issues: Issue[] = [];
  for (const f of CODED_FIELDS) {
    const s = sub(ext, f.url);
    if (!s) {
      if (f.required) issues.push(rule(`Indicator: '${f.attribute}' (${f.url}) is required`, fieldExpr(f.url)));
      continue;
    }
    const coding = s.valueCodeableConcept?.coding?.[0] as Json | undefined;
    const code = codeOf(ext, f.url);
    if (code === null || !f.codes.includes(code)) {
      issues.push(rule(`Indicator: '${f.attribute}' has the code '${code ?? ''}', not in ${f.valueSet} (${f.codes.join(', ')})`, fieldExpr(f.url)));
    } else if (coding?.system !== undefined && coding.system !== f.system) {
      issues.push(rule(`Indicator: '${f.attribute}' must use the system ${f.system}`, fieldExpr(f.url)));
    }
  }
  const nb = sub(ext, 'nbCapacity')?.valueInteger;
  if (!Number.isInteger(nb) || nb < 0) issues.push(rule(`Indicator: 'nbCapacity' must be a non-negative integer`, fieldExpr('nbCapacity')));
  const updated = sub(ext, 'capacityUpdateDate')?.valueDateTime;
  if (typeof updated !== 'string' || Number.isNaN(Date.parse(updated))) issues.push(rule(`Indicator: 'capacityUpdateDate' must be a dateTime`, fieldExpr('capacityUpdateDate')));
  if (issues.length) return issues;

  const status = codeOf(ext, 'capacityStatus')!;
  const r: StatusRule = STATUS_RULES[status];
  const combination = `The values do not make a valid indicator: ${indicatorKey(ext)}`;
  if (!r.temporalities.includes(codeOf(ext, 'temporalityCapacity')!)) return [rule(combination, indicatorExpr)];
  for (const f of ['genderCapacityAvailable', 'capacityClosingType', 'additionalBedType', 'crisisType'] as const) {
    if (r[f] === 'forbidden' && sub(ext, f)) return [rule(combination, indicatorExpr)];
  }
  return [];
}

/** 400 business-rule unless every indicator that is new or changed is valid and no two share a key. */
export function checkIndicators(before: Json | null, after: Json): void {
  const beforeIndicators = ((before?.extension ?? []) as Json[]).filter(isIndicator);
  // a patch keeps the indicators it does not touch as the same objects: only the others are checked, and
  // one with defects is let through only when it is an unchanged copy of a stored one
  const same = new Set<unknown>(beforeIndicators);
  let previous: Set<string> | null = null;
  const issues: Issue[] = [];
  const keys = new Map<string, number>();
  for (const ext of ((after.extension ?? []) as Json[]).filter(isIndicator)) {
    if (!same.has(ext)) {
      const defects = indicatorIssues(ext);
      if (defects.length) {
        previous ??= new Set(beforeIndicators.map((e) => JSON.stringify(e)));
        if (!previous.has(JSON.stringify(ext))) issues.push(...defects);
      }
    }
    const k = storedIndicatorKey(ext);
    keys.set(k, (keys.get(k) ?? 0) + 1);
  }
  for (const [k, n] of keys) if (n > 1) issues.push(rule(`${n} indicators share the criteria ${k}`, indicatorExpr));
  if (issues.length) throw FhirError.withIssues(400, issues);
}

const targetsIndicators = (op: PatchOperation) => op.path.includes(SUPPORTED_CAPACITY_URL) || op.path.includes('ror-location-supported-capacity');

/** Indicators an add operation brings (for « add replaces an existing indicator with the same key »). */
function addedIndicators(op: PatchOperation): Json[] {
  if (op.type !== 'add') return [];
  if (op.wrapped) return ((op.value as Json).extension ?? []).filter(isIndicator);
  if (op.name === 'extension' && isIndicator(op.value)) return [op.value as Json];
  return [];
}

const CRITERION = /^extension\.where\(url='([A-Za-z]+)'\)(?:\.value\.coding\.code='([^']*)'|\.empty\(\))$/;
const PATH_HEAD = `Location.extension.where(url='${SUPPORTED_CAPACITY_URL}' and `;
const parsedPaths = new Map<string, Map<string, string | null> | null>();

/** The criteria of a path in the shape indicatorPath() builds (sub-extension url → code, null = absent),
 * or null for any other FHIRPath (evaluated by fhirpath.js instead). */
export function indicatorCriteria(path: string): Map<string, string | null> | null {
  if (parsedPaths.has(path)) return parsedPaths.get(path)!;
  let out: Map<string, string | null> | null = null;
  if (path.startsWith(PATH_HEAD) && path.endsWith(')')) {
    out = new Map();
    for (const term of path.slice(PATH_HEAD.length, -1).split(' and ')) {
      const m = CRITERION.exec(term);
      if (!m) {
        out = null;
        break;
      }
      out.set(m[1], m[2] ?? null);
    }
  }
  if (parsedPaths.size > 1000) parsedPaths.clear();
  parsedPaths.set(path, out);
  return out;
}

/** The codes of an indicator's sub-extension (its first one per url, as sub() reads it; null when absent). */
function subCodes(ext: Json, url: string): readonly unknown[] | null {
  const s = sub(ext, url);
  return s === undefined ? null : ((s?.valueCodeableConcept?.coding ?? []) as Json[]).map((c) => c?.code);
}

// An indicator's codes for the urls of a path's criteria as one text (JSON of one code or null per url),
// remembered by indicator object and list of urls like keysOf (a national PATCH matches its criteria
// against every indicator of the Location, and the untouched ones are the same objects from one version
// to the next), when each of those sub-extensions has at most one code:
// a path's criteria then match it exactly when their own text is the same. Else null (the codes are
// compared one by one).
const signaturesOf = new WeakMap<Json, Map<string, string | null>>();

function signature(ext: Json, urls: readonly string[], urlsKey: string): string | null {
  let signatures = signaturesOf.get(ext);
  if (!signatures) signaturesOf.set(ext, (signatures = new Map()));
  let found = signatures.get(urlsKey);
  if (found === undefined) {
    const codes = urls.map((url) => subCodes(ext, url));
    found = codes.every((c) => c === null || (c.length === 1 && typeof c[0] === 'string')) ? JSON.stringify(codes.map((c) => c?.[0] ?? null)) : null;
    signatures.set(urlsKey, found);
  }
  return found;
}

/** Whether an indicator meets a path's criteria (sub-extension url → code; null: absent). */
function meets(ext: Json, criteria: Map<string, string | null>, urls: readonly string[], urlsKey: string, wanted: string): boolean {
  const known = signature(ext, urls, urlsKey);
  if (known !== null) return known === wanted;
  for (const [url, code] of criteria) {
    const codes = subCodes(ext, url);
    if (code === null ? codes !== null : !(codes ?? []).includes(code)) return false;
  }
  return true;
}

/** A replace whose path is in indicatorPath() form, evaluated directly (same result as fhirpath.js). */
function replaceByCriteria(location: Json, op: PatchOperation): Json | null {
  const criteria = indicatorCriteria(op.path);
  if (!criteria) return null;
  const urls = [...criteria.keys()];
  const urlsKey = urls.join('\u0000');
  const wanted = JSON.stringify([...criteria.values()]);
  const list = (location.extension ?? []) as Json[];
  const hits: number[] = [];
  list.forEach((e, i) => {
    if (isIndicator(e) && meets(e, criteria, urls, urlsKey, wanted)) hits.push(i);
  });
  if (hits.length === 0) throw new FhirError(404, 'not-found', 'No indicator matches the criteria of the path: add it', [CAPACITY_EXPRESSION]);
  if (hits.length > 1) throw new FhirError(400, 'multiple-matches', `FHIRPath Patch: '${op.path}' matches ${hits.length} elements, one expected`, [op.path]);
  let value = cloneJson(op.value) as Json;
  if (op.wrapped) {
    const ext = value.extension;
    if (!Array.isArray(ext) || ext.length !== 1) throw new FhirError(400, 'invalid', 'FHIRPath Patch: a wrapped replacement value must hold exactly one extension', [op.path]);
    value = ext[0];
  }
  const extension = [...list];
  extension[hits[0]] = value;
  return { ...location, extension };
}

/**
 * Applies a FHIRPath Patch to a Location under the national capacity protocol: a replace that matches no
 * indicator is the 404 the client answers with an add; an add of an existing indicator replaces it.
 */
export function patchCapacities(location: Json, ops: PatchOperation[]): Json {
  let current = location;
  for (const op of ops) {
    const added = addedIndicators(op);
    if (added.length) {
      const keys = new Set(added.map(indicatorKey));
      current = { ...current, extension: ((current.extension ?? []) as Json[]).filter((e) => !(isIndicator(e) && keys.has(storedIndicatorKey(e)))) };
    }
    const fast = op.type === 'replace' ? replaceByCriteria(current, op) : null;
    if (fast) {
      current = fast;
      continue;
    }
    try {
      current = applyFhirPathPatch(current, [op]);
    } catch (e) {
      if (e instanceof FhirError && e.status === 404 && op.type === 'replace' && targetsIndicators(op)) {
        throw new FhirError(404, 'not-found', 'No indicator matches the criteria of the path: add it', [CAPACITY_EXPRESSION]);
      }
      throw e;
    }
  }
  return current;
}

// ---- building PATCH bodies -------------------------------------------------------------------------

export interface IndicatorSpec {
  /** capacityStatus (JDV_J188). */
  status: string;
  temporality?: string;
  gender?: string;
  closingType?: string;
  additionalBedType?: string;
  crisisType?: string;
  temporaryAssignment?: string;
  /** capacityType (JDV_J187), default 01 Lit. */
  type?: string;
  source?: string;
  nb: number;
  updated?: Date;
}

const systemOf = (url: string) => CODED_FIELDS.find((f) => f.url === url)!.system;
const coded = (url: string, code: string) => ({ url, valueCodeableConcept: { coding: [{ system: systemOf(url), code }] } });

/** The key criteria of an indicator spec, by sub-extension url (absent: null). */
function criteria(s: IndicatorSpec): Record<(typeof KEY_FIELDS)[number], string | null> {
  return {
    capacityStatus: s.status,
    temporalityCapacity: s.temporality ?? '01',
    genderCapacityAvailable: s.gender ?? null,
    capacityClosingType: s.closingType ?? null,
    additionalBedType: s.additionalBedType ?? null,
    crisisType: s.crisisType ?? null,
    temporaryAssignement: s.temporaryAssignment ?? '01',
  };
}

/** The supported-capacity extension of an indicator spec. */
export function indicatorExtension(s: IndicatorSpec): Json {
  const c = criteria(s);
  return {
    url: SUPPORTED_CAPACITY_URL,
    extension: [
      coded('capacityType', s.type ?? '01'),
      coded('capacityStatus', c.capacityStatus!),
      coded('temporalityCapacity', c.temporalityCapacity!),
      { url: 'nbCapacity', valueInteger: s.nb },
      coded('capacitySourceType', s.source ?? '02'),
      ...(c.genderCapacityAvailable ? [coded('genderCapacityAvailable', c.genderCapacityAvailable)] : []),
      { url: 'capacityUpdateDate', valueDateTime: (s.updated ?? new Date()).toISOString() },
      ...(c.capacityClosingType ? [coded('capacityClosingType', c.capacityClosingType)] : []),
      ...(c.additionalBedType ? [coded('additionalBedType', c.additionalBedType)] : []),
      ...(c.crisisType ? [coded('crisisType', c.crisisType)] : []),
      coded('temporaryAssignement', c.temporaryAssignement!),
    ],
  };
}

/** FHIRPath selecting the indicator with the spec's criteria (absent criteria must be absent). */
export function indicatorPath(s: IndicatorSpec): string {
  const parts = Object.entries(criteria(s)).map(([url, code]) =>
    code === null ? `extension.where(url='${url}').empty()` : `extension.where(url='${url}').value.coding.code='${code}'`,
  );
  return `Location.extension.where(url='${SUPPORTED_CAPACITY_URL}' and ${parts.join(' and ')})`;
}

/**
 * A national capacity PATCH body (FHIRPath Patch `Parameters`): `replace` of the indicators matching each
 * spec (the protocol's first attempt), or `add` of them (after a 404), in the national value shape.
 */
export function capacityPatch(specs: IndicatorSpec | IndicatorSpec[], op: 'replace' | 'add' = 'replace'): Json {
  const list = Array.isArray(specs) ? specs : [specs];
  return {
    resourceType: 'Parameters',
    parameter: list.map((s) => ({
      name: 'operation',
      part: [
        { name: 'type', valueCode: op },
        { name: 'path', valueString: op === 'replace' ? indicatorPath(s) : 'Location' },
        { name: 'value', part: [{ extension: [indicatorExtension(s)] }] },
      ],
    })),
  };
}
