// Planner statistics for a database that has none yet. Without sqlite_stat1, SQLite assumes any equality
// on an index is selective and drives searches from `res (type = ?)`, scanning every resource of the type
// instead of starting from the matching index rows. These figures describe a national-scale directory
// (1.5 M resources, ~15 index rows each); `PRAGMA optimize` replaces them with measured ones over time.
import type Database from 'better-sqlite3';

/** [table, index, stat]: stat = rows, then average rows per distinct value of each index column prefix. */
const SEED: [string, string, string][] = [
  ['res', 'sqlite_autoindex_res_1', '1500000 100000 1'],
  ['resource_history', 'resource_history', '2000000 2 1'],
  ['bodies', 'sqlite_autoindex_bodies_1', '3000000 1'],
  ['views', 'views', '9000000 6 1'],
  ['view_history', 'view_history', '10000000 7 2 1'],
  ['search_params', 'sqlite_autoindex_search_params_1', '300 30 1'],
  ['idx_token', 'idx_token_value', '20000000 100000 50 40 40 1'],
  ['idx_token', 'idx_token_rid', '20000000 15 3'],
  ['idx_string', 'idx_string_value', '5000000 50000 3 3 1'],
  ['idx_string', 'idx_string_rid', '5000000 4 2'],
  ['idx_uri', 'idx_uri_value', '1000000 20000 5 5 1'],
  ['idx_uri', 'idx_uri_rid', '1000000 2 1'],
  ['idx_number', 'idx_number_value', '1000000 20000 5 5 1'],
  ['idx_number', 'idx_number_rid', '1000000 2 1'],
  ['idx_date', 'idx_date_value', '2000000 40000 5 5 5 1'],
  ['idx_date', 'idx_date_rid', '2000000 2 1'],
  ['idx_quantity', 'idx_quantity_value', '500000 10000 5 5 1'],
  ['idx_quantity', 'idx_quantity_rid', '500000 2 1'],
  ['idx_reference', 'idx_reference_target', '5000000 5 5 3 3 1'],
  ['idx_reference', 'idx_reference_rid', '5000000 4 2'],
  ['idx_geo', 'idx_geo_value', '500000 10000 5 2 2 1'],
  ['idx_geo', 'idx_geo_rid', '500000 1 1'],
];

/** Seeds sqlite_stat1 when it is empty (or missing); returns whether it did. */
export function seedPlannerStats(db: Database.Database): boolean {
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get();
  if (exists && db.prepare('SELECT 1 FROM sqlite_stat1 LIMIT 1').get()) return false;
  db.transaction(() => {
    // ANALYZE of an empty table creates sqlite_stat1 without measuring anything worth keeping
    if (!exists) db.exec('ANALYZE search_params');
    db.exec('DELETE FROM sqlite_stat1');
    const insert = db.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)');
    for (const row of SEED) insert.run(...row);
  })();
  db.exec('ANALYZE sqlite_schema');
  return true;
}
