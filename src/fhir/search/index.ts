// Public API of FHIR search: parameter registry, index extraction, search parsing.
export { extractIndex, extractIndexReference, extractorsOf, paramsReading, type ParamExtractor } from './extract.js';
export type { ElementRef } from './reads.js';
export {
  parseSearch, DEFAULT_COUNT, MAX_COUNT, HIERARCHY_DEPTH,
  type ParsedSearch, type IncludeSpec, type ParseOptions, type SummaryMode, type TotalMode,
} from './parse.js';
export {
  searchParamsForCapability, searchParamsOf, getSearchParam, isSearchableType, hasHierarchy, indexKindOf, isSortable,
  SEARCHABLE_TYPES, type SearchParamDef, type SearchParamType, type SearchableType, type CapabilitySearchParam,
} from './registry.js';
export { SEARCH_PARAMETER_OVERRIDES, type SearchParameterOverride } from './overrides.js';
export { communeCentroid } from './communes.js';
export { normalizeString } from './normalize.js';
export { parseDateRange } from './dates.js';
