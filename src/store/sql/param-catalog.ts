// Interned (resource type, search parameter) → pid and index kind. Index rows carry the pid; a query
// resolves the pids it needs before compiling. Cached in memory; entries created inside a transaction stay
// private to it until commit (a rolled back pid may be reused by another parameter).
import type { IndexKind } from '../query.js';
import type { Queryable } from './queryable.js';

export interface ParamInfo {
  pid: number;
  kind: IndexKind;
}

export type ParamLookup = (type: string, param: string) => ParamInfo | undefined;

const keyOf = (type: string, param: string): string => `${type}\u0000${param}`;

const SELECT_PARAM = 'SELECT pid, kind FROM search_params WHERE type = ? AND param = ?';
const INSERT_PARAM = 'INSERT INTO search_params (type, param, kind) VALUES (?, ?, ?) RETURNING pid';

export class ParamCatalog {
  private readonly committed = new Map<string, ParamInfo>();
  private pending: Map<string, ParamInfo> | null = null;

  begin(): void {
    this.pending = new Map();
  }

  commit(): void {
    if (this.pending) for (const [k, v] of this.pending) this.committed.set(k, v);
    this.pending = null;
  }

  rollback(): void {
    this.pending = null;
  }

  private cached(key: string): ParamInfo | undefined {
    return this.committed.get(key) ?? this.pending?.get(key);
  }

  /** Resolves params for a read. `inTx`: q is the transaction's connection (may see uncommitted pids). */
  async resolve(q: Queryable, refs: Iterable<{ type: string; param: string }>, inTx: boolean): Promise<ParamLookup> {
    const found = new Map<string, ParamInfo>();
    for (const { type, param } of refs) {
      const key = keyOf(type, param);
      if (found.has(key)) continue;
      // outside a transaction only committed pids are trusted (a pending one may be rolled back)
      let info = inTx ? this.cached(key) : this.committed.get(key);
      if (!info) {
        const row = await q.get<{ pid: number; kind: IndexKind }>(SELECT_PARAM, [type, param]);
        if (row) {
          info = { pid: Number(row.pid), kind: row.kind };
          (inTx ? this.pending ?? this.committed : this.committed).set(key, info);
        }
      }
      if (info) found.set(key, info);
    }
    return (type, param) => found.get(keyOf(type, param));
  }

  /** The pid of (type, param) when already cached with this kind (no I/O, no promise), else undefined. */
  cachedPid(type: string, param: string, kind: IndexKind): number | undefined {
    const info = this.cached(keyOf(type, param));
    return info && info.kind === kind ? info.pid : undefined;
  }

  /** The pid of (type, param), created if needed; must run inside a write transaction. */
  async ensure(q: Queryable, type: string, param: string, kind: IndexKind): Promise<number> {
    const key = keyOf(type, param);
    let info = this.cached(key);
    if (!info) {
      const row = await q.get<{ pid: number; kind: IndexKind }>(SELECT_PARAM, [type, param]);
      if (row) info = { pid: Number(row.pid), kind: row.kind };
      else {
        const ins = await q.get<{ pid: number }>(INSERT_PARAM, [type, param, kind]);
        info = { pid: Number(ins!.pid), kind };
      }
      (this.pending ?? this.committed).set(key, info);
    }
    if (info.kind !== kind) {
      throw new Error(`search parameter ${type}.${param} is indexed as ${info.kind}, not ${kind}`);
    }
    return info.pid;
  }
}
