// The minimal driver surface the shared SQL code needs. SQL text is neutral (`?` placeholders); the
// adapter translates it with its Dialect and caches the prepared statement by text.

export interface Queryable {
  all<T = Record<string, unknown>>(sql: string, args: readonly unknown[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, args: readonly unknown[]): Promise<T | undefined>;
  run(sql: string, args: readonly unknown[]): Promise<void>;
}
