// Applies the pending migrations in order, each in its own transaction; applied versions are recorded
// in schema_migrations, so running it again (or from two processes at once) is a no-op.
import type { Dialect } from './dialect.js';
import { migrations, SCHEMA_MIGRATIONS_DDL } from './migrations.js';
import type { Queryable } from './queryable.js';

/** `begin` must take the write lock (SQLite: BEGIN IMMEDIATE) so the applied check below is reliable. */
export async function applyMigrations(q: Queryable, d: Dialect, begin = 'BEGIN'): Promise<number[]> {
  await q.run(SCHEMA_MIGRATIONS_DDL(d), []);
  const done: number[] = [];
  for (const m of migrations(d)) {
    await q.run(begin, []);
    try {
      const applied = await q.get('SELECT version FROM schema_migrations WHERE version = ?', [m.version]);
      if (!applied) {
        for (const statement of m.statements) await q.run(statement, []);
        await q.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
        done.push(m.version);
      }
      await q.run('COMMIT', []);
    } catch (e) {
      await q.run('ROLLBACK', []);
      throw e;
    }
  }
  return done;
}
