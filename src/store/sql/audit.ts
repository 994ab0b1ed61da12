// The audit trail over any SQL engine: append-only events, queried newest first, on any connection
// (committed events only). Events are rows of audit_events (a write transaction's own events, and every
// event on PostgreSQL) or lie in chunks (the batched audit of reads on SQLite: audit-chunk.ts); both share
// one sequence, so a search reads both and merges them by sequence number. Each adapter appends in bulk
// inside its write transactions (sqlite/audit.ts, postgres/audit.ts); no statement updates or deletes an
// event.
import type { AuditQuery, AuditRow } from '../contract.js';
import { chunkEventMatches, chunkRow, decodeChunk, entityKey, EPOCH_EVENTS, epochOf, filterMayHold, headerMayMatch } from './audit-chunk.js';
import type { Dialect } from './dialect.js';
import type { Queryable } from './queryable.js';

/** Chunk headers read per statement when a search walks them (a header is a few bytes; its events, about
 * a megabyte inflated, are read apart). */
const HEADERS_PER_READ = 64;

/** Epochs of an entity read per statement (most entities are in few). */
const EPOCHS_PER_READ = 16;

type ChunkHeader = { first_seq: number; last_seq: number; kinds: string; entity_types: string; entity_filter?: Uint8Array };

export class SqlAudit {
  constructor(private readonly d: Dialect) {}

  async search(q: Queryable, query: AuditQuery): Promise<AuditRow[]> {
    const rows = await this.searchRows(q, query);
    // the chunks can only add events newer than the last row kept, if the rows filled the page
    const floor = rows.length >= query.count ? rows[rows.length - 1].seq : 0;
    const chunked = await this.searchChunks(q, query, floor);
    if (chunked.length === 0) return rows;
    return [...rows, ...chunked].sort((a, b) => b.seq - a.seq).slice(0, query.count);
  }

  /** The events stored as rows of audit_events. */
  private async searchRows(q: Queryable, query: AuditQuery): Promise<AuditRow[]> {
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

  /**
   * The events stored in chunks, newest first: the chunks that may hold a match (by client, by time range,
   * below the paging bound, by their kinds and entity types, and for an entity, in the epochs that mention
   * it and by their filter), newest first, until the page is full or the chunks left hold only events older
   * than `floor`. Their headers are read a page at a time, and a chunk's events only once its header may
   * match: a page of the newest events reads one chunk.
   */
  private async searchChunks(q: Queryable, query: AuditQuery, floor: number): Promise<AuditRow[]> {
    const found: AuditRow[] = [];
    const below = query.beforeSeq ?? Number.MAX_SAFE_INTEGER; // chunks whose first event is below this
    if (query.entityId === undefined) {
      await this.walkChunks(q, query, 0, below, floor, found);
      return found;
    }
    const key = entityKey(query.entityType!, query.entityId);
    for (let epochBelow = epochOf(below - 1) + 1; ;) {
      const epochs = await q.all<{ epoch: number }>(
        `SELECT epoch FROM audit_chunk_entities WHERE entity_type = ? AND entity_id = ? AND epoch < ? ORDER BY epoch DESC ${this.d.limit()}`,
        [query.entityType, query.entityId, epochBelow, EPOCHS_PER_READ]);
      for (const { epoch } of epochs) {
        const from = Number(epoch) * EPOCH_EVENTS;
        if (await this.walkChunks(q, query, from, Math.min(below, from + EPOCH_EVENTS), floor, found, key)) return found;
        epochBelow = Number(epoch);
      }
      if (epochs.length < EPOCHS_PER_READ) return found;
    }
  }

  /** Adds to `found` the matches of the chunks whose first event is in [from, below), newest first; true
   * once nothing more can be added (the page is full, or the chunks left are older than `floor`). */
  private async walkChunks(q: Queryable, query: AuditQuery, from: number, below: number, floor: number, found: AuditRow[], entity?: string): Promise<boolean> {
    for (;;) {
      const headers = await this.chunkHeaders(q, query, from, below, entity !== undefined);
      for (const header of headers) {
        const first = Number(header.first_seq);
        if (Number(header.last_seq) <= floor) return true;
        below = first;
        if (!headerMayMatch(header.kinds, header.entity_types, query)) continue;
        if (entity !== undefined && !filterMayHold(header.entity_filter!, entity)) continue;
        const chunk = await q.get<{ events: Uint8Array }>('SELECT events FROM audit_chunks WHERE first_seq = ?', [first]);
        if (!chunk) continue; // unreachable: chunks are never deleted
        const events = decodeChunk(first, chunk.events);
        for (let i = events.length - 1; i >= 0; i--) {
          if (!chunkEventMatches(events[i], query)) continue;
          found.push(chunkRow(events[i]));
          if (found.length === query.count) return true;
        }
      }
      if (headers.length < HEADERS_PER_READ) return false;
    }
  }

  /** A page of the headers of the chunks whose first event is in [from, below), newest first. */
  private chunkHeaders(q: Queryable, query: AuditQuery, from: number, below: number, withFilter: boolean): Promise<ChunkHeader[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.clientId !== undefined) {
      // driven by the key (client, first_seq), from where the last page ended
      where.push('k.client = ? AND k.first_seq >= ? AND k.first_seq < ?');
      args.push(query.clientId, from, below);
    } else {
      where.push('c.first_seq >= ? AND c.first_seq < ?');
      args.push(from, below);
    }
    if (query.since !== undefined) {
      where.push('c.recorded_max >= ?');
      args.push(query.since);
    }
    if (query.until !== undefined) {
      where.push('c.recorded_min <= ?');
      args.push(query.until);
    }
    const columns = `c.first_seq, c.last_seq, c.kinds, c.entity_types${withFilter ? ', c.entity_filter' : ''}`;
    const sql = query.clientId !== undefined
      ? `SELECT ${columns} FROM audit_chunk_clients k JOIN audit_chunks c ON c.first_seq = k.first_seq WHERE ${where.join(' AND ')} ORDER BY k.first_seq DESC`
      : `SELECT ${columns} FROM audit_chunks c WHERE ${where.join(' AND ')} ORDER BY c.first_seq DESC`;
    return q.all<ChunkHeader>(`${sql} ${this.d.limit()}`, [...args, HEADERS_PER_READ]);
  }
}

const rowsOf = (rows: { seq: number; recorded: number; body: string }[]): AuditRow[] =>
  rows.map((r) => ({ seq: Number(r.seq), recorded: Number(r.recorded), body: r.body }));
