// The audit trail over any SQL engine: append-only AuditEvent rows and their entities, queried newest
// first, on any connection (committed events only). Each adapter appends in bulk inside its write
// transactions (sqlite/audit.ts, postgres/audit.ts); no statement updates or deletes an event.
import type { AuditQuery, AuditRow } from '../contract.js';
import type { Dialect } from './dialect.js';
import type { Queryable } from './queryable.js';

export class SqlAudit {
  constructor(private readonly d: Dialect) {}

  async search(q: Queryable, query: AuditQuery): Promise<AuditRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      args.push(...values);
    };
    if (query.since !== undefined) add('e.recorded >= ?', query.since);
    if (query.until !== undefined) add('e.recorded <= ?', query.until);
    if (query.clientId !== undefined) add('e.client = ?', query.clientId);
    if (query.action !== undefined) add('e.action = ?', query.action);
    if (query.interaction !== undefined) add('e.interaction = ?', query.interaction);
    if (query.outcome !== undefined) add('e.outcome = ?', query.outcome);
    if (query.beforeSeq !== undefined) add('e.seq < ?', query.beforeSeq);
    if (query.entityType !== undefined || query.entityId !== undefined) {
      const cond = ['x.seq = e.seq'];
      const eargs: unknown[] = [];
      if (query.entityType !== undefined) {
        cond.push('x.entity_type = ?');
        eargs.push(query.entityType);
      }
      if (query.entityId !== undefined) {
        cond.push('x.entity_id = ?');
        eargs.push(query.entityId);
      }
      add(`EXISTS (SELECT 1 FROM audit_entities x WHERE ${cond.join(' AND ')})`, ...eargs);
    }
    const sql = `SELECT e.seq, e.recorded, e.body FROM audit_events e${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY e.seq DESC ${this.d.limit()}`;
    const rows = await q.all<{ seq: number; recorded: number; body: string }>(sql, [...args, query.count]);
    return rows.map((r) => ({ seq: Number(r.seq), recorded: Number(r.recorded), body: r.body }));
  }
}
