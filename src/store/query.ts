// A dialect-neutral search query over the per-profile search index. The fhir layer builds it from a
// FHIR search; each store adapter compiles it to its SQL. Every predicate is evaluated only over index
// rows visible to `profile` (mask bit set) and only over resources whose view exists for `profile`:
// a hidden value never matches, never sorts, never counts.

export type IndexKind = 'token' | 'string' | 'number' | 'date' | 'quantity' | 'reference' | 'uri' | 'geo';

/** One row of the search index, extracted from one or more profile views of a resource. */
export type IndexEntry =
  | { kind: 'token'; param: string; system: string | null; code: string | null; text?: string | null; mask: number }
  | { kind: 'string'; param: string; value: string; mask: number } // value normalised: lower case, no accents
  | { kind: 'uri'; param: string; value: string; mask: number }
  | { kind: 'number'; param: string; value: number; mask: number }
  | { kind: 'date'; param: string; low: number; high: number; mask: number } // epoch ms, inclusive range
  | { kind: 'quantity'; param: string; value: number; system: string | null; code: string | null; mask: number }
  | { kind: 'reference'; param: string; targetType: string | null; targetId: string | null; url?: string | null; mask: number }
  | { kind: 'geo'; param: string; lat: number; lng: number; mask: number };

export type Comparator = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** A condition on index rows of one parameter of the searched resource. */
export type Predicate =
  | { op: 'token'; param: string; system?: string | null; code?: string; textContains?: string; not?: boolean }
  | { op: 'string'; param: string; mode: 'prefix' | 'exact' | 'contains'; value: string }
  | { op: 'uri'; param: string; value: string; mode: 'exact' | 'above' | 'below' }
  | { op: 'number'; param: string; cmp: Comparator; low: number; high: number } // [low, high) for eq/ne/ap
  | { op: 'date'; param: string; cmp: Comparator; low: number; high: number } // search range, inclusive ms
  | { op: 'quantity'; param: string; cmp: Comparator; low: number; high: number; system?: string | null; code?: string | null }
  | { op: 'reference'; param: string; targetType?: string; targetId: string }
  /** The resource has (missing=false) or has not (missing=true) a visible row for param. */
  | { op: 'missing'; param: string; missing: boolean }
  | { op: 'geo-near'; param: string; lat: number; lng: number; km: number }
  /** Resource ids. */
  | { op: 'id'; ids: string[]; not?: boolean }
  /** meta.lastUpdated of the caller's view of the resource. */
  | { op: 'lastUpdated'; cmp: Comparator; low: number; high: number }
  /** param references a resource of targetType that satisfies `where` (chained search). */
  | { op: 'chain'; param: string; targetType: string; where: Predicate[] }
  /** Some resource of `type` references this one through `param` and satisfies `where` (_has). */
  | { op: 'has'; type: string; param: string; where: Predicate[] }
  /** Ids reachable from `ids` by repeatedly following `param` (partof:above / :below hierarchy). */
  | { op: 'hierarchy'; param: string; ids: string[]; direction: 'above' | 'below' }
  | { op: 'or'; any: Predicate[] }
  | { op: 'not'; predicate: Predicate };

export interface SortKey {
  /** A search parameter, or '_id' / '_lastUpdated'. */
  param: string;
  descending: boolean;
}

export interface SearchQuery {
  type: string;
  profile: number;
  where: Predicate[];
  sort: SortKey[];
  count: number;
  /** Keyset cursor: the sort values and id of the last resource of the previous page. */
  after?: { values: (string | number | null)[]; id: string };
  /** Compute the total number of matches (visible to the profile). */
  total: boolean;
  /** Only resources whose view of the profile was last updated at or before this instant (paging snapshot). */
  asOf?: number;
}

export interface SearchResult {
  /** Ids in order, at most `count`, plus the sort values of each (for the next page's cursor). */
  rows: { id: string; sortValues: (string | number | null)[] }[];
  /** Whether another page exists. */
  more: boolean;
  total?: number;
}
