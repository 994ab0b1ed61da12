// Audit events appended in bulk on one connection, inside a write transaction: the events, their entities,
// and one span per entity of the batch (see migration 4). Used by write transactions (a write's own event)
// and by the audit writer thread (the batched events of reads, audit-writer.ts), which receives a batch in
// its wire form (encodeAuditBatch): the bodies joined by newlines, so the thread never parses them, and the
// columns as one small JSON text. Rows go in by multi-row INSERTs: per event, the bindings of one statement
// cost far less than one statement each.
import type { AuditRecord } from '../contract.js';
import type { SqliteConnection } from './connection.js';

/** The queried columns of one event: [recorded, client, action, interaction, outcome, entities]. */
export type AuditColumns = [number, string | null, string, string, number, [string, string | null][]];

/** A batch as sent to the writer thread. Bodies are JSON texts, which never hold a raw newline. */
export interface AuditBatchWire {
  columns: string;
  bodies: string;
}

// Sequence numbers are given explicitly, in the batch's order, after the largest one: the caller holds
// the write lock (a write transaction), so nobody else appends meanwhile and the batch's range is its own.
const LAST_SEQ = 'SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_events';
const EVENT_TUPLE = '(?, ?, ?, ?, ?, ?, ?)';
const ENTITY_TUPLE = '(?, ?, ?)';
const INSERT_SPAN = 'INSERT INTO audit_entity_spans (entity_type, entity_id, first_seq, last_seq) VALUES (?, ?, ?, ?)';
/** Rows per multi-row INSERT (7 × 64 bindings: well under SQLite's limit). */
const ROWS_PER_INSERT = 64;

const insertSql = (head: string, tuple: string, rows: number) => `${head} VALUES ${Array(rows).fill(tuple).join(', ')}`;
const EVENTS_HEAD = 'INSERT INTO audit_events (seq, recorded, client, action, interaction, outcome, body)';
const ENTITIES_HEAD = 'INSERT INTO audit_entities (seq, entity_type, entity_id)';
const FULL_EVENTS = insertSql(EVENTS_HEAD, EVENT_TUPLE, ROWS_PER_INSERT);
const FULL_ENTITIES = insertSql(ENTITIES_HEAD, ENTITY_TUPLE, ROWS_PER_INSERT);

const columnsOf = (r: AuditRecord): AuditColumns => {
  const entities: [string, string | null][] = new Array(r.entities.length);
  for (let k = 0; k < r.entities.length; k++) entities[k] = [r.entities[k].type, r.entities[k].id];
  return [r.recorded, r.clientId, r.action, r.interaction, r.outcome, entities];
};
const bodyOf = (r: AuditRecord): string => (typeof r.body === 'string' ? r.body : JSON.stringify(r.body));

/** The wire form of a batch (audit-writer.ts). */
export function encodeAuditBatch(records: readonly AuditRecord[]): AuditBatchWire {
  const columns: AuditColumns[] = new Array(records.length);
  let bodies = '';
  for (let i = 0; i < records.length; i++) {
    columns[i] = columnsOf(records[i]);
    let body = bodyOf(records[i]);
    // a raw newline in JSON text can only be whitespace: the same value re-serialised has none
    if (body.includes('\n')) body = JSON.stringify(JSON.parse(body));
    bodies += i === 0 ? body : `\n${body}`;
  }
  return { columns: JSON.stringify(columns), bodies };
}

/** Appends a batch in wire form (the caller holds a write transaction on conn). */
export function appendAuditWire(conn: SqliteConnection, wire: AuditBatchWire): void {
  const columns = JSON.parse(wire.columns) as AuditColumns[];
  if (columns.length === 0) return;
  const bodies = wire.bodies.split('\n');
  if (bodies.length !== columns.length) throw new Error(`audit batch: ${columns.length} events but ${bodies.length} bodies`);
  appendAuditRows(conn, columns, bodies);
}

/** Appends events given as columns and body texts, index for index. */
export function appendAuditRows(conn: SqliteConnection, columns: readonly AuditColumns[], bodies: readonly string[]): void {
  if (columns.length === 0) return;
  let seq = Number(conn.getSync<{ seq: number }>(LAST_SEQ, [])!.seq);
  const spans = new Map<string, [string, string, number, number]>();
  const events = new RowBuffer(conn, EVENTS_HEAD, EVENT_TUPLE, FULL_EVENTS);
  const entityRows = new RowBuffer(conn, ENTITIES_HEAD, ENTITY_TUPLE, FULL_ENTITIES);
  for (let i = 0; i < columns.length; i++) {
    const [recorded, client, action, interaction, outcome, entities] = columns[i];
    seq++;
    events.add(seq, recorded, client, action, interaction, outcome, bodies[i]);
    for (const [type, id] of entities) {
      entityRows.add(seq, type, id);
      if (id === null) continue;
      const key = `${type}/${id}`;
      const span = spans.get(key);
      if (span) span[3] = seq;
      else spans.set(key, [type, id, seq, seq]);
    }
  }
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

export function appendAuditRecords(conn: SqliteConnection, records: readonly AuditRecord[]): void {
  appendAuditRows(conn, records.map(columnsOf), records.map(bodyOf));
}
