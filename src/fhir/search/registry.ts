// The search parameters the server supports, per resource type: the generated R4 + ROR IG set with the
// override table applied. Built once at module load; lookups are map reads.

import raw from './generated/search-parameters.json' with { type: 'json' };
import { normalizeExpression, SEARCH_PARAMETER_OVERRIDES, type SearchParameterOverride } from './overrides.js';
import type { IndexKind } from '../../store/query.js';

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

export const SEARCHABLE_TYPES = ['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole', 'Task'] as const;
export type SearchableType = (typeof SEARCHABLE_TYPES)[number];

export interface SearchParamDef {
  code: string;
  base: string;
  type: SearchParamType;
  /** FHIRPath selecting the indexed values; null when served otherwise (chainVia). */
  expression: string | null;
  /** Canonical URL of the SearchParameter definition. */
  url: string;
  description: string;
  source: 'r4' | 'ror';
  /** Allowed target types of a reference parameter (absent = any). */
  target?: string[];
  /** Set when overrides.ts corrected this parameter: the reason. */
  correction?: string;
  chainVia?: SearchParameterOverride['chainVia'];
}

interface RawParam {
  code: string; base: string; type: string; expression: string | null; url: string; description: string;
  source: string; target?: string[];
}

/** Reference parameters whose links form a hierarchy (structuredefinition-hierarchy): :above / :below. */
const HIERARCHY_PARAMS = new Set(['Organization.partof', 'Location.partof']);

function build(): Map<string, Map<string, SearchParamDef>> {
  const byType = new Map<string, Map<string, SearchParamDef>>();
  for (const t of SEARCHABLE_TYPES) byType.set(t, new Map());
  for (const p of (raw as { params: RawParam[] }).params) {
    byType.get(p.base)?.set(p.code, {
      code: p.code, base: p.base, type: p.type as SearchParamType, expression: p.expression && normalizeExpression(p.expression), url: p.url,
      description: p.description, source: p.source as 'r4' | 'ror', ...(p.target ? { target: p.target } : {}),
    });
  }
  for (const o of SEARCH_PARAMETER_OVERRIDES) {
    const params = byType.get(o.base)!;
    const existing = params.get(o.code);
    if (!existing && !o.add) throw new Error(`override ${o.base}.${o.code} matches no parameter`);
    const base: SearchParamDef = existing ?? {
      code: o.code, base: o.base, type: o.add!.type as SearchParamType, expression: null, url: o.add!.url,
      description: o.add!.description, source: 'ror',
    };
    params.set(o.code, { ...base, expression: o.expression && normalizeExpression(o.expression), correction: o.why, ...(o.chainVia ? { chainVia: o.chainVia } : {}) });
  }
  return byType;
}

const REGISTRY = build();

export function isSearchableType(type: string): type is SearchableType {
  return REGISTRY.has(type);
}

export function getSearchParam(type: string, code: string): SearchParamDef | undefined {
  return REGISTRY.get(type)?.get(code);
}

export function searchParamsOf(type: string): SearchParamDef[] {
  return [...(REGISTRY.get(type)?.values() ?? [])];
}

/** Index kinds the store can order by. */
const SORTABLE = new Set<SearchParamType>(['string', 'token', 'number', 'date', 'quantity', 'uri']);
export function isSortable(def: SearchParamDef): boolean {
  return SORTABLE.has(def.type) && def.expression !== null;
}

export function hasHierarchy(def: SearchParamDef): boolean {
  return HIERARCHY_PARAMS.has(`${def.base}.${def.code}`);
}

/** The index row kind a parameter's values are stored as (null: not indexed). */
export function indexKindOf(def: SearchParamDef): IndexKind | null {
  switch (def.type) {
    case 'special': return def.code === 'near' || def.code === 'near-insee-code' ? 'geo' : null;
    case 'composite': return null;
    default: return def.type;
  }
}

export interface CapabilitySearchParam {
  name: string;
  type: SearchParamType;
  documentation: string;
  definition: string;
  /** Target resource types of a reference parameter (absent = any). */
  target?: string[];
}

/** The searchParam entries of the CapabilityStatement for one resource type. */
export function searchParamsForCapability(type: string): CapabilitySearchParam[] {
  return searchParamsOf(type)
    .filter((p) => p.expression !== null || p.chainVia)
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((p) => ({
      name: p.code,
      type: p.type,
      documentation: p.correction ? `${p.description} (served with a corrected expression: ${p.correction})` : p.description,
      definition: p.url,
      ...(p.target ? { target: p.target } : {}),
    }));
}
