// Audit events appended in bulk: one statement per batch instead of one per event and per entity (the
// server audits reads in batches of hundreds of events, each batch a write transaction). An event's first
// entity is kept on its own row, the others in audit_entities (migration 5).
import type { AuditRecord } from '../contract.js';
import type { Queryable } from '../sql/queryable.js';
import { rowsFrom } from './flush.js';

// Sequence numbers are drawn in the batch's order (rows come out of ROWS FROM in array order), so seq
// order is append order as with one INSERT per event.
const APPEND = `WITH given AS (SELECT row_number() OVER () AS ord, * FROM ${rowsFrom([['recorded', 'bigint'], ['client', 'text'], ['action', 'text'],
    ['interaction', 'text'], ['outcome', 'bigint'], ['body', 'text'], ['entities', 'text']])} s),
  numbered AS (SELECT nextval(pg_get_serial_sequence('audit_events', 'seq')) AS seq, * FROM given),
  events AS (INSERT INTO audit_events (seq, recorded, client, action, interaction, outcome, body, entity_type, entity_id)
    SELECT seq, recorded, client, action, interaction, outcome, body, entities::json->0->>0, entities::json->0->>1 FROM numbered),
  mentions AS (SELECT n.seq, e.value->>0 AS entity_type, e.value->>1 AS entity_id, e.ord
    FROM numbered n, json_array_elements(n.entities::json) WITH ORDINALITY e(value, ord)),
  entities AS (INSERT INTO audit_entities (seq, entity_type, entity_id) SELECT seq, entity_type, entity_id FROM mentions WHERE ord > 1)
  INSERT INTO audit_entity_spans (entity_type, entity_id, first_seq, last_seq)
    SELECT entity_type, entity_id, min(seq), max(seq) FROM mentions WHERE entity_id IS NOT NULL GROUP BY entity_type, entity_id`;

export async function appendAuditBulk(q: Queryable, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const cols: unknown[][] = [[], [], [], [], [], [], []];
  for (const r of records) {
    const row = [r.recorded, r.clientId, r.action, r.interaction, r.outcome, r.body, JSON.stringify(r.entities.map((e) => [e.type, e.id]))];
    row.forEach((v, i) => cols[i].push(v));
  }
  await q.run(APPEND, cols.map((c) => JSON.stringify(c)));
}
