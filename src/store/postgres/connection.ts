// node-postgres seen as the shared Queryable: neutral SQL is translated once per text, and statements run
// often enough become named prepared statements (parsed and planned once per server connection).
import pg from 'pg';
import type { Queryable } from '../sql/queryable.js';
import { postgresDialect } from './dialect.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const asNumber = (v: string) => Number(v);

/** Type parsers: 64-bit integers (epoch ms, versions, rids, counts) are safe JS numbers here. */
export const pgTypes = {
  getTypeParser(oid: number, format?: string): unknown {
    if (oid === INT8_OID || oid === NUMERIC_OID) return asNumber;
    return (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format as 'text');
  },
};

/** Uses of one SQL text before it is prepared by name; bound on the number of names. */
const PREPARE_AFTER = 2;
const MAX_NAMED = 2000;

interface Translated {
  text: string;
  uses: number;
  name?: string;
}

const translated = new Map<string, Translated>();
let named = 0;

function translate(sql: string): Translated {
  let t = translated.get(sql);
  if (!t) {
    t = { text: postgresDialect.placeholders(sql), uses: 0 };
    if (translated.size < MAX_NAMED * 4) translated.set(sql, t);
  }
  if (!t.name && ++t.uses >= PREPARE_AFTER && named < MAX_NAMED) t.name = `ror_${++named}`;
  return t;
}

type PgTarget = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export async function pgQuery<T>(target: PgTarget, sql: string, args: readonly unknown[]): Promise<T[]> {
  const t = translate(sql);
  const res = await (target as pg.Pool).query({ text: t.text, values: args as unknown[], name: t.name });
  return res.rows as T[];
}

/** A pool (each call on any connection) or one client (a transaction). */
export class PgQueryable implements Queryable {
  constructor(readonly target: PgTarget) {}

  all<T>(sql: string, args: readonly unknown[]): Promise<T[]> {
    return pgQuery<T>(this.target, sql, args);
  }

  async get<T>(sql: string, args: readonly unknown[]): Promise<T | undefined> {
    return (await pgQuery<T>(this.target, sql, args))[0];
  }

  async run(sql: string, args: readonly unknown[]): Promise<void> {
    await pgQuery(this.target, sql, args);
  }
}
