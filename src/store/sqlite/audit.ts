// Audit events appended in bulk on one connection, inside a write transaction: the events, their entities,
// and one span per entity of the batch (see migration 4). Used by write transactions (a write's own event)
// and by the audit writer thread (the batched events of reads, audit-writer.ts), which receives a batch in
// its wire form (audit-wire.ts): the bodies joined by newlines, so the thread never parses them, and the
// columns as the JSON text of one flat array. Rows go in by multi-row INSERTs: binding one statement per
// 64 events costs far less than running one per event.
import type { AuditRecord } from '../contract.js';
import { AuditWireBuilder } from './audit-wire.js';
import type { SqliteConnection } from './connection.js';

/** The queried columns of a batch, flat, event after event: recorded, client, action, interaction, outcome,
 * the number n of entities, then n × (type, id). One flat array: cheaper to serialise and parse than one
 * array per event. */
export type AuditColumns = (string | number | null)[];

/** A batch as the writer thread receives it (audit-wire.ts writes it): the columns as the JSON text of
 * one AuditColumns array, the bodies (JSON texts, which never hold a raw newline) joined by newlines. */
export interface AuditBatchWire {
  columns: string;
  bodies: string;
}

// Sequence numbers are given explicitly, in the batch's order, after the largest one: the caller holds
// the write lock (a write transaction), so nobody else appends meanwhile and the batch's range is its own.
const LAST_SEQ = 'SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_events';
const EVENT_TUPLE = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
const ENTITY_TUPLE = '(?, ?, ?)';
const INSERT_SPAN = 'INSERT INTO audit_entity_spans (entity_type, entity_id, first_seq, last_seq) VALUES (?, ?, ?, ?)';
/** Rows per multi-row INSERT (9 × 64 bindings: well under SQLite's limit). */
const ROWS_PER_INSERT = 64;

const insertSql = (head: string, tuple: string, rows: number) => `${head} VALUES ${Array(rows).fill(tuple).join(', ')}`;
const EVENTS_HEAD = 'INSERT INTO audit_events (seq, recorded, client, action, interaction, outcome, body, entity_type, entity_id)';
const ENTITIES_HEAD = 'INSERT INTO audit_entities (seq, entity_type, entity_id)';
const FULL_EVENTS = insertSql(EVENTS_HEAD, EVENT_TUPLE, ROWS_PER_INSERT);
const FULL_ENTITIES = insertSql(ENTITIES_HEAD, ENTITY_TUPLE, ROWS_PER_INSERT);

/** Appends a batch in wire form (the caller holds a write transaction on conn). */
export function appendAuditWire(conn: SqliteConnection, wire: AuditBatchWire): void {
  if (wire.columns === '[]') return;
  appendAuditRows(conn, JSON.parse(wire.columns) as AuditColumns, wire.bodies.split('\n'));
}

/** Appends events given as flat columns and their body texts, in order. */
export function appendAuditRows(conn: SqliteConnection, columns: AuditColumns, bodies: readonly string[]): void {
  if (columns.length === 0) return;
  let seq = Number(conn.getSync<{ seq: number }>(LAST_SEQ, [])!.seq);
  const spans = new Map<string, [string, string, number, number]>();
  const events = new RowBuffer(conn, EVENTS_HEAD, EVENT_TUPLE, FULL_EVENTS);
  const entityRows = new RowBuffer(conn, ENTITIES_HEAD, ENTITY_TUPLE, FULL_ENTITIES);
  let c = 0;
  let i = 0;
  for (; c < columns.length; i++) {
    const n = columns[c + 5] as number;
    if (i >= bodies.length) throw new Error(`audit batch: more events than the ${bodies.length} bodies`);
    seq++;
    // recorded, client, action, interaction, outcome; the first entity is kept on the event's row
    // (migration 5), the others in audit_entities
    events.add(seq, columns[c], columns[c + 1], columns[c + 2], columns[c + 3], columns[c + 4], bodies[i], n > 0 ? columns[c + 6] : null, n > 0 ? columns[c + 7] : null);
    c += 6;
    for (let k = 0; k < n; k++, c += 2) {
      const type = columns[c] as string;
      const id = columns[c + 1] as string | null;
      if (k > 0) entityRows.add(seq, type, id);
      if (id === null) continue;
      const key = `${type}/${id}`;
      const span = spans.get(key);
      if (span) span[3] = seq;
      else spans.set(key, [type, id, seq, seq]);
    }
  }
  if (i !== bodies.length) throw new Error(`audit batch: ${i} events but ${bodies.length} bodies`);
  events.flush();
  entityRows.flush();
  for (const span of spans.values()) conn.runSync(INSERT_SPAN, span);
}

/** Rows bound into multi-row INSERTs of ROWS_PER_INSERT rows (the last one shorter). */
class RowBuffer {
  private args: unknown[] = [];
  private rows = 0;

  constructor(private readonly conn: SqliteConnection, private readonly head: string, private readonly tuple: string, private readonly full: string) {}

  add(...values: unknown[]): void {
    for (const v of values) this.args.push(v);
    if (++this.rows === ROWS_PER_INSERT) this.flush();
  }

  flush(): void {
    if (this.rows === 0) return;
    this.conn.runSync(this.rows === ROWS_PER_INSERT ? this.full : insertSql(this.head, this.tuple, this.rows), this.args);
    this.args = [];
    this.rows = 0;
  }
}

const decoder = new TextDecoder();

/** Appends records (a write's own events), through the same wire form as the batches of reads. */
export function appendAuditRecords(conn: SqliteConnection, records: readonly AuditRecord[]): void {
  const builder = new AuditWireBuilder();
  for (const r of records) builder.add(r);
  const batch = builder.take();
  appendAuditWire(conn, { columns: decoder.decode(batch.columns), bodies: decoder.decode(batch.bodies) });
}
