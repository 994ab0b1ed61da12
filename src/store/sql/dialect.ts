// What differs between SQL engines, and nothing else. Every statement of the store is written once in
// neutral SQL with `?` placeholders and the few engine-specific fragments come from a Dialect.

export interface ColumnTypes {
  /** Auto-increment integer primary key column definition (type and constraint). */
  autoId: string;
  /** 64-bit integer (epoch ms, versions, masks). */
  int: string;
  /** Double precision float. */
  real: string;
  /** Text compared byte-wise (prefix ranges rely on binary ordering: "C" collation on PostgreSQL). */
  text: string;
  /** Binary string. */
  blob: string;
  /** Suffix for small tables keyed by their primary key ('' where not supported). */
  withoutRowid: string;
}

export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  readonly types: ColumnTypes;
  /** Rewrites neutral `?` placeholders into the driver's syntax (identity for SQLite, $1… for pg). */
  placeholders(sql: string): string;
  /** SQL testing that bit `bit` (a SQL expression evaluating to 1 << profile) is set in `col`. */
  hasBit(col: string, bit: string): string;
  /** SQL testing that `expr` is one of the list bound at placeholder `ph` (bound with listValue). */
  inList(expr: string, ph: string): string;
  /** The bound value of a list placeholder used by inList. */
  listValue(values: readonly (string | number)[]): unknown;
  /** SQL testing that text `col` contains the text bound at `ph`. */
  contains(col: string, ph: string): string;
  /** SQL testing that text expression `hay` begins with text expression `needle`. */
  startsWith(hay: string, needle: string): string;
  /** Great-circle distance in km between two points given as SQL expressions in degrees. */
  distanceKm(lat1: string, lng1: string, lat2: string, lng2: string): string;
  /** `ON CONFLICT (...) DO UPDATE SET ...` tail of an INSERT. */
  upsert(conflict: readonly string[], update: readonly string[]): string;
  /** `expr` made unusable for index selection (SQLite: `+expr`), when the planner would pick a worse index. */
  unindexed(expr: string): string;
  /** Whether an AND of row sets (`rid IN (…) AND rid IN (…)`) is better written as one INTERSECT (SQLite
   * walks the first list whole and probes the others; PostgreSQL plans the semi-joins itself). */
  readonly intersectSets: boolean;
  /** `LIMIT ?` clause (the count is bound). */
  limit(): string;
  /** The UTF-8 bytes of text expression `expr`, read by the driver as a Buffer (optional: without it the
   * text is read and encoded in JavaScript). */
  utf8Bytes?(expr: string): string;
}

/** The smallest string greater than every string that starts with `prefix` under binary ordering. */
export const prefixUpperBound = (prefix: string): string => prefix + '\u{10FFFF}';

/** Earth radius used by distanceKm implementations. */
export const EARTH_RADIUS_KM = 6371.0088;

/** Haversine formula in SQL with the standard math functions (sin, cos, asin, sqrt, radians); `least` is the
 * engine's two-argument minimum (clamps rounding errors above 1 that would make asin NaN). */
export function haversineKm(lat1: string, lng1: string, lat2: string, lng2: string, least: 'min' | 'LEAST'): string {
  const dLat = `radians(${lat2} - ${lat1})`;
  const dLng = `radians(${lng2} - ${lng1})`;
  const a = `(sin(${dLat} / 2) * sin(${dLat} / 2) + cos(radians(${lat1})) * cos(radians(${lat2})) * sin(${dLng} / 2) * sin(${dLng} / 2))`;
  return `(${2 * EARTH_RADIUS_KM} * asin(sqrt(${least}(${a}, 1.0))))`;
}
