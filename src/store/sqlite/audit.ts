// Audit events appended in bulk on one connection, inside a write transaction: the events, their entities,
// and one span per entity of the batch (see migration 4). Used by write transactions (a write's own event)
// and by the audit writer thread (the batched events of reads, audit-writer.ts), which receives a batch
// as JSON bytes (auditBatchJson) and parses it there.
import type { AuditRecord } from '../contract.js';
import type { SqliteConnection } from './connection.js';

/** One event as sent to the writer: [recorded, client, action, interaction, outcome, body, entities]. */
export type AuditRowTuple = [number, string | null, string, string, number, string | Record<string, unknown>, [string, string | null][]];

// Sequence numbers are given explicitly, in the batch's order, after the largest one: the caller holds
// the write lock (a write transaction), so nobody else appends meanwhile and the batch's range is its own.
const LAST_SEQ = 'SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_events';
const INSERT_EVENT = 'INSERT INTO audit_events (seq, recorded, client, action, interaction, outcome, body) VALUES (?, ?, ?, ?, ?, ?, ?)';
const INSERT_ENTITY = 'INSERT INTO audit_entities (seq, entity_type, entity_id) VALUES (?, ?, ?)';
const INSERT_SPAN = 'INSERT INTO audit_entity_spans (entity_type, entity_id, first_seq, last_seq) VALUES (?, ?, ?, ?)';

export const auditRowTuple = (r: AuditRecord): AuditRowTuple =>
  [r.recorded, r.clientId, r.action, r.interaction, r.outcome, r.body, r.entities.map((e) => [e.type, e.id])];

/** A batch as JSON text (the body values nested, serialised once with the rest). */
export function auditBatchJson(records: readonly AuditRecord[]): string {
  return JSON.stringify(records.map(auditRowTuple));
}

/** Appends the events (the caller holds a write transaction on conn). */
export function appendAuditRows(conn: SqliteConnection, rows: readonly AuditRowTuple[]): void {
  if (rows.length === 0) return;
  let seq = Number(conn.getSync<{ seq: number }>(LAST_SEQ, [])!.seq);
  const spans = new Map<string, [string, string, number, number]>();
  for (const [recorded, client, action, interaction, outcome, body, entities] of rows) {
    seq++;
    conn.runSync(INSERT_EVENT, [seq, recorded, client, action, interaction, outcome, typeof body === 'string' ? body : JSON.stringify(body)]);
    for (const [type, id] of entities) {
      conn.runSync(INSERT_ENTITY, [seq, type, id]);
      if (id === null) continue;
      const key = `${type}/${id}`;
      const span = spans.get(key);
      if (span) span[3] = seq;
      else spans.set(key, [type, id, seq, seq]);
    }
  }
  for (const span of spans.values()) conn.runSync(INSERT_SPAN, span);
}

export function appendAuditRecords(conn: SqliteConnection, records: readonly AuditRecord[]): void {
  appendAuditRows(conn, records.map(auditRowTuple));
}
