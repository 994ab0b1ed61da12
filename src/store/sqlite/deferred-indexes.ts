// A bulk load into an empty search index (the first import of a directory) builds the index's value
// lookups once, before its COMMIT, instead of inserting each row into them as it comes. A national import
// writes about 20 M index rows; inserted one by one, each lands on a random page of B-trees of gigabytes
// (cache misses, pages spilled to the WAL and rewritten), while CREATE INDEX sorts the rows and writes each
// page once. Everything happens inside the load's transaction (DDL is transactional in SQLite): other
// connections see the indexes throughout, and a rollback restores them.
//
// Only the value indexes are deferred: the load itself reads the index through the references' targets
// (referrers) and by resource (rid); those stay. A search inside the transaction still answers exactly.
import type Database from 'better-sqlite3';

interface Deferred {
  name: string;
  sql: string;
  /** Its planner statistics (DROP INDEX removes them). */
  stats: { tbl: string; stat: string }[];
}

const VALUE_INDEXES = "SELECT name, tbl_name AS tbl, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name LIKE 'idx\\_%' ESCAPE '\\' AND name LIKE '%\\_value' ESCAPE '\\' AND sql IS NOT NULL";

/**
 * Drops the value indexes of the search index tables when all of these tables are empty (inside the
 * caller's write transaction); returns what rebuilds them, or null when nothing was deferred (a load into
 * a non-empty index would rebuild all of it: slower than maintaining it).
 */
export function deferValueIndexes(db: Database.Database): (() => void) | null {
  const indexes = db.prepare(VALUE_INDEXES).all() as { name: string; tbl: string; sql: string }[];
  if (indexes.length === 0) return null;
  for (const table of new Set(indexes.map((i) => i.tbl))) {
    if (db.prepare(`SELECT 1 FROM "${table}" LIMIT 1`).get()) return null;
  }
  const hasStats = !!db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get();
  const statsOf = hasStats ? db.prepare('SELECT tbl, stat FROM sqlite_stat1 WHERE idx = ?') : null;
  const deferred: Deferred[] = indexes.map((i) => ({ name: i.name, sql: i.sql, stats: (statsOf?.all(i.name) ?? []) as Deferred['stats'] }));
  for (const d of deferred) db.exec(`DROP INDEX "${d.name}"`);
  return () => {
    const restoreStat = hasStats ? db.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)') : null;
    for (const d of deferred) {
      db.exec(d.sql);
      for (const s of d.stats) restoreStat!.run(s.tbl, d.name, s.stat);
    }
  };
}
