// Audit events appended in bulk: the whole batch is bound once as JSON and unpacked by SQLite's json_each,
// two statements per batch instead of two per event. Used inside write transactions (a write's own event)
// and by the audit writer thread (the batched events of reads, audit-writer.ts).
import type { AuditRecord } from '../contract.js';
import type { Queryable } from '../sql/queryable.js';

// Sequence numbers are given explicitly, in the batch's order, after the largest one: the caller holds
// the write lock (a write transaction), so nobody else appends meanwhile.
const LAST_SEQ = 'SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_events';
const APPEND_EVENTS = `INSERT INTO audit_events (seq, recorded, client, action, interaction, outcome, body)
  SELECT ? + e.key + 1, e.value->>0, e.value->>1, e.value->>2, e.value->>3, e.value->>4, e.value->>5 FROM json_each(?) e`;
const APPEND_ENTITIES = `INSERT INTO audit_entities (seq, entity_type, entity_id)
  SELECT ? + e.key + 1, x.value->>0, x.value->>1 FROM json_each(?) e, json_each(e.value, '$[6]') x`;

// one span per entity of the batch: the batch's sequence numbers are a range nobody else uses
const APPEND_SPANS = `INSERT INTO audit_entity_spans (entity_type, entity_id, first_seq, last_seq)
  SELECT x.value->>0, x.value->>1, MIN(? + e.key + 1), MAX(? + e.key + 1) FROM json_each(?) e, json_each(e.value, '$[6]') x
  WHERE x.value->>1 IS NOT NULL GROUP BY 1, 2`;

/** A batch as one JSON array of rows [recorded, client, action, interaction, outcome, body, entities]. */
export function auditBatchJson(records: readonly AuditRecord[]): string {
  return JSON.stringify(records.map((r) => [r.recorded, r.clientId, r.action, r.interaction, r.outcome, r.body, r.entities.map((e) => [e.type, e.id])]));
}

/** Appends a batch made by auditBatchJson (the caller holds a write transaction). */
export async function appendAuditBatch(q: Queryable, json: string): Promise<void> {
  const last = Number((await q.get<{ seq: number }>(LAST_SEQ, []))!.seq);
  await q.run(APPEND_EVENTS, [last, json]);
  await q.run(APPEND_ENTITIES, [last, json]);
  await q.run(APPEND_SPANS, [last, last, json]);
}

export async function appendAuditJson(q: Queryable, records: readonly AuditRecord[]): Promise<void> {
  if (records.length > 0) await appendAuditBatch(q, auditBatchJson(records));
}
