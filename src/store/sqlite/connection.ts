// One better-sqlite3 connection with its prepared statements cached by SQL text, seen as a Queryable.
import type Database from 'better-sqlite3';
import type { Queryable } from '../sql/queryable.js';

/** Bound on distinct cached statements (search SQL varies with the query's shape). */
const MAX_CACHED = 1000;

export class SqliteConnection implements Queryable {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  statement(sql: string): Database.Statement {
    let st = this.cache.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(sql, st);
    }
    return st;
  }

  allSync<T>(sql: string, args: readonly unknown[]): T[] {
    return this.statement(sql).all(...args) as T[];
  }

  getSync<T>(sql: string, args: readonly unknown[]): T | undefined {
    return this.statement(sql).get(...args) as T | undefined;
  }

  runSync(sql: string, args: readonly unknown[]): void {
    this.statement(sql).run(...args);
  }

  async all<T>(sql: string, args: readonly unknown[]): Promise<T[]> {
    return this.allSync<T>(sql, args);
  }

  async get<T>(sql: string, args: readonly unknown[]): Promise<T | undefined> {
    return this.getSync<T>(sql, args);
  }

  async run(sql: string, args: readonly unknown[]): Promise<void> {
    this.runSync(sql, args);
  }
}
