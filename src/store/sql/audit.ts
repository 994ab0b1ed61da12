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
    // an event's first entity is on its row (migration 5), the others (all of them before) in audit_entities
    if (query.entityType !== undefined && query.entityId === undefined) {
      add('(e.entity_type = ? OR EXISTS (SELECT 1 FROM audit_entities x WHERE x.seq = e.seq AND x.entity_type = ?))', query.entityType, query.entityType);
    }
    if (query.entityId !== undefined) {
      // driven by the entity's spans, newest first: only the events of the batches that mention it are read
      if (query.entityType === undefined) throw new Error('an audit search by entity id needs its type');
      const sql = `SELECT e.seq, e.recorded, e.body FROM audit_entity_spans b JOIN audit_events e ON e.seq BETWEEN b.first_seq AND b.last_seq
        WHERE b.entity_type = ? AND b.entity_id = ?
          AND ((e.entity_type = ? AND e.entity_id = ?) OR EXISTS (SELECT 1 FROM audit_entities x WHERE x.seq = e.seq AND x.entity_type = ? AND x.entity_id = ?))
          ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY b.last_seq DESC, e.seq DESC ${this.d.limit()}`;
      const spanArgs = [query.entityType, query.entityId, query.entityType, query.entityId, query.entityType, query.entityId];
      return rowsOf(await q.all<{ seq: number; recorded: number; body: string }>(sql, [...spanArgs, ...args, query.count]));
    }
    const sql = `SELECT e.seq, e.recorded, e.body FROM audit_events e${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY e.seq DESC ${this.d.limit()}`;
    const rows = await q.all<{ seq: number; recorded: number; body: string }>(sql, [...args, query.count]);
    return rowsOf(rows);
  }
}

const rowsOf = (rows: { seq: number; recorded: number; body: string }[]): AuditRow[] =>
  rows.map((r) => ({ seq: Number(r.seq), recorded: Number(r.recorded), body: r.body }));
