// Search-index extraction: every registered parameter of a resource's type, evaluated with compiled
// accessors (built once per type on first use), turned into deduplicated IndexEntry rows with mask 0.
// The caller runs it on each profile view and ORs the masks of identical rows.

import type { IndexEntry, IndexKind } from '../../store/query.js';
import { communeCentroid } from './communes.js';
import { expressionReads, readsAny, type ElementRef, type Reads } from './reads.js';
import { indexKindOf, searchParamsOf, type SearchParamDef } from './registry.js';
import { compileEvaluator, compileFhirpath, type Evaluator, type TypedValue } from './typed-values.js';
import { toEntries } from './values.js';

/** Parameters the store serves natively (resource id, view timestamp): not indexed. */
const NATIVE = new Set(['_id', '_lastUpdated']);

export interface ParamExtractor {
  def: SearchParamDef;
  kind: IndexKind;
  evaluate: Evaluator;
  fast: boolean;
  /** Turns the evaluated values into entries (default: values.ts by kind). */
  emit: (values: TypedValue[], out: IndexEntry[]) => void;
  /** The elements of the resource its rows depend on (expression and emitter). */
  reads: Reads;
}

/** Elements an emitter reads beyond its parameter's expression. */
const EMITTER_READS: Record<string, ElementRef[]> = { 'near-insee-code': [{ key: 'position' }] };

function defaultEmit(kind: IndexKind, code: string) {
  return (values: TypedValue[], out: IndexEntry[]) => { for (const v of values) toEntries(kind, code, v, out); };
}

/** near-insee-code: the Location's own position when it has one, else its commune's centroid. */
function nearInseeEmit(code: string) {
  return (values: TypedValue[], out: IndexEntry[], resource?: Record<string, unknown>) => {
    const pos = resource?.position as { latitude?: unknown; longitude?: unknown } | undefined;
    if (pos && typeof pos.latitude === 'number' && typeof pos.longitude === 'number') {
      out.push({ kind: 'geo', param: code, lat: pos.latitude, lng: pos.longitude, mask: 0 });
      return;
    }
    for (const v of values) {
      const codes: unknown[] = v.type === 'CodeableConcept'
        ? ((v.value as { coding?: { code?: unknown }[] }).coding ?? []).map((c) => c?.code)
        : v.type === 'Coding' ? [(v.value as { code?: unknown }).code] : [v.value];
      for (const c of codes) {
        const centroid = typeof c === 'string' ? communeCentroid(c) : undefined;
        if (centroid) out.push({ kind: 'geo', param: code, lat: centroid.lat, lng: centroid.lng, mask: 0 });
      }
    }
  };
}

/** Hand-compiled accessors for expressions outside the fast subset (checked against fhirpath.js by
 * extract.test.ts like every other one). */
const HAND_COMPILED: Record<string, Evaluator> = {
  'Organization.oi-name': (r) => {
    const ids = (r.identifier as { system?: unknown }[] | undefined) ?? [];
    const types = (r.type as { coding?: { system?: unknown }[] }[] | undefined) ?? [];
    const isOi = ids.some((i) => i?.system === 'https://oi.esante.gouv.fr')
      || types.some((t) => (t?.coding ?? []).some((c) => typeof c?.system === 'string' && c.system.includes('TypeOrganisationInterne')));
    return isOi && typeof r.name === 'string' ? [{ type: 'string', value: r.name }] : [];
  },
};

type Emit = (values: TypedValue[], out: IndexEntry[], resource?: Record<string, unknown>) => void;
interface TypeExtractors { list: (ParamExtractor & { emit: Emit })[] }

function buildExtractors(type: string, useFhirpathOnly: boolean): TypeExtractors {
  const list: (ParamExtractor & { emit: Emit })[] = [];
  for (const def of searchParamsOf(type)) {
    const kind = indexKindOf(def);
    if (!kind || !def.expression || NATIVE.has(def.code)) continue;
    const hand = HAND_COMPILED[`${type}.${def.code}`];
    const compiled = useFhirpathOnly ? { evaluate: compileFhirpath(def.expression), fast: false }
      : hand ? { evaluate: hand, fast: true } : compileEvaluator(def.expression, type);
    const emit: Emit = def.code === 'near-insee-code' ? nearInseeEmit(def.code) : defaultEmit(kind, def.code);
    // a hand-compiled accessor may read more than its expression says
    const fromExpression = hand !== undefined ? 'all' : expressionReads(type, def.expression);
    const reads: Reads = fromExpression === 'all' ? 'all' : [...fromExpression, ...(EMITTER_READS[def.code] ?? [])];
    list.push({ def, kind, evaluate: compiled.evaluate, fast: compiled.fast, emit, reads });
  }
  return { list };
}

const cache = new Map<string, TypeExtractors>();
const referenceCache = new Map<string, TypeExtractors>();

/** The extractors of a type (compiled once); `reference` = fhirpath.js only, for equivalence tests. */
export function extractorsOf(type: string, reference = false): ParamExtractor[] {
  const c = reference ? referenceCache : cache;
  let e = c.get(type);
  if (!e) { e = buildExtractors(type, reference); c.set(type, e); }
  return e.list;
}

function entryKey(e: IndexEntry): string {
  switch (e.kind) {
    case 'token': return `t\u0000${e.param}\u0000${e.system}\u0000${e.code}\u0000${e.text ?? ''}`;
    case 'string': case 'uri': return `${e.kind}\u0000${e.param}\u0000${e.value}`;
    case 'number': return `n\u0000${e.param}\u0000${e.value}`;
    case 'date': return `d\u0000${e.param}\u0000${e.low}\u0000${e.high}`;
    case 'quantity': return `q\u0000${e.param}\u0000${e.value}\u0000${e.system}\u0000${e.code}`;
    case 'reference': return `r\u0000${e.param}\u0000${e.targetType}\u0000${e.targetId}\u0000${e.url ?? ''}`;
    case 'geo': return `g\u0000${e.param}\u0000${e.lat}\u0000${e.lng}`;
  }
}

function run(resource: Record<string, unknown>, extractors: TypeExtractors, only?: ReadonlySet<string>): IndexEntry[] {
  const raw: IndexEntry[] = [];
  for (const x of extractors.list) {
    if (only && !only.has(x.def.code)) continue;
    let values: TypedValue[];
    try {
      values = x.evaluate(resource);
    } catch {
      continue; // a malformed element must not block the import of the rest (lenient import)
    }
    x.emit(values, raw, resource);
  }
  const seen = new Set<string>();
  const out: IndexEntry[] = [];
  for (const e of raw) {
    const k = entryKey(e);
    if (!seen.has(k)) { seen.add(k); out.push(e); }
  }
  return out;
}

/** The search index rows of one resource (or one profile view of it), masks 0; `only`: the rows of
 * these parameters only. */
export function extractIndex(resource: { resourceType: string } & object, only?: ReadonlySet<string>): IndexEntry[] {
  const type = resource.resourceType;
  let e = cache.get(type);
  if (!e) { extractorsOf(type); e = cache.get(type)!; }
  return run(resource as Record<string, unknown>, e, only);
}

/** The indexed parameters of `type` whose rows can change when only these elements change. */
export function paramsReading(type: string, changed: readonly ElementRef[]): { param: string; kind: IndexKind }[] {
  return extractorsOf(type).filter((x) => readsAny(x.reads, changed)).map((x) => ({ param: x.def.code, kind: x.kind }));
}

/** Same as extractIndex, evaluating every expression with fhirpath.js (reference; slow). */
export function extractIndexReference(resource: { resourceType: string } & object): IndexEntry[] {
  extractorsOf(resource.resourceType, true);
  return run(resource as Record<string, unknown>, referenceCache.get(resource.resourceType)!);
}
