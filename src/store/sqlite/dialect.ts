// SQLite flavour of the neutral SQL (SQLite ≥ 3.35: RETURNING, math functions, json_each).
import type { Dialect } from '../sql/dialect.js';
import { haversineKm } from '../sql/dialect.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  types: { autoId: 'INTEGER PRIMARY KEY', int: 'INTEGER', real: 'REAL', text: 'TEXT', blob: 'BLOB', withoutRowid: ' WITHOUT ROWID' },
  placeholders: (sql) => sql,
  hasBit: (col, bit) => `(${col} & ${bit}) <> 0`,
  inList: (expr, ph) => `${expr} IN (SELECT value FROM json_each(${ph}))`,
  listValue: (values) => JSON.stringify(values),
  contains: (col, ph) => `instr(${col}, ${ph}) > 0`,
  startsWith: (hay, needle) => `substr(${hay}, 1, length(${needle})) = ${needle}`,
  distanceKm: (lat1, lng1, lat2, lng2) => haversineKm(lat1, lng1, lat2, lng2, 'min'),
  upsert: (conflict, update) =>
    `ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${update.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  unindexed: (expr) => `+${expr}`,
  intersectSets: true,
  limit: () => 'LIMIT ?',
  // a database in UTF-8 stores TEXT as UTF-8: the cast copies the bytes, better-sqlite3 returns a Buffer
  utf8Bytes: (expr) => `CAST(${expr} AS BLOB)`,
};
