// Audit events appended in bulk on one connection, inside a write transaction. Two layouts:
// - the batched audit of reads (the audit writer thread, audit-worker.ts) appends chunks (sql/audit-chunk.ts,
//   migration 7): one row per CHUNK_EVENTS events (with a filter of the resources they are about), plus
//   per chunk one row per client, and one row per resource and epoch of 2^20 events;
// - a write transaction's own events (few, atomic with the change they record) are rows of audit_events:
//   the event, its first entity on its row, the others in audit_entities, one span per entity.
// Both draw their sequence numbers from one sequence: the events of both are one trail, paged by seq.
// Rows go in by multi-row INSERTs: binding one statement per 64 rows costs far less than one per row.
import type { AuditRecord } from '../contract.js';
import { CHUNK_EVENTS, ChunkSummary, encodeChunk, entityFilter, entityKey, epochOf, type AuditColumns } from '../sql/audit-chunk.js';
import { bodyText, TAB } from './audit-wire.js';
import type { SqliteConnection } from './connection.js';

export type { AuditColumns };

// Sequence numbers are given explicitly, in order, after the largest one of either layout: the caller holds
// the write lock (a write transaction), so nobody else appends meanwhile and the range is its own. The last
// chunk (by its key, first_seq) holds the largest last_seq: chunks never overlap.
const LAST_SEQ = `SELECT MAX((SELECT COALESCE(MAX(seq), 0) FROM audit_events),
  COALESCE((SELECT last_seq FROM audit_chunks ORDER BY first_seq DESC LIMIT 1), 0)) AS seq`;
const lastSeq = (conn: SqliteConnection) => Number(conn.getSync<{ seq: number }>(LAST_SEQ, [])!.seq);

const EVENT_TUPLE = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
const ENTITY_TUPLE = '(?, ?, ?)';
const SPAN_TUPLE = '(?, ?, ?, ?)';
/** Rows per multi-row INSERT (9 × 64 bindings: well under SQLite's limit). */
const ROWS_PER_INSERT = 64;

const insertSql = (head: string, tuple: string, rows: number) => `${head} VALUES ${Array(rows).fill(tuple).join(', ')}`;
const EVENTS_HEAD = 'INSERT INTO audit_events (seq, recorded, client, action, interaction, outcome, body, entity_type, entity_id)';
const ENTITIES_HEAD = 'INSERT INTO audit_entities (seq, entity_type, entity_id)';
const SPANS_HEAD = 'INSERT INTO audit_entity_spans (entity_type, entity_id, first_seq, last_seq)';
const FULL_EVENTS = insertSql(EVENTS_HEAD, EVENT_TUPLE, ROWS_PER_INSERT);
const FULL_ENTITIES = insertSql(ENTITIES_HEAD, ENTITY_TUPLE, ROWS_PER_INSERT);
const FULL_SPANS = insertSql(SPANS_HEAD, SPAN_TUPLE, ROWS_PER_INSERT);
const INSERT_CHUNK = `INSERT INTO audit_chunks (first_seq, last_seq, recorded_min, recorded_max, kinds, entity_types, entity_filter, events)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_CHUNK_CLIENT = 'INSERT INTO audit_chunk_clients (client, first_seq) VALUES (?, ?)';
// an entity's entry for an epoch may already be there (written before the thread restarted): kept as is
const INSERT_EPOCH_ENTITY = 'INSERT OR IGNORE INTO audit_chunk_entities (entity_type, entity_id, epoch) VALUES (?, ?, ?)';

/**
 * The entities that have their entry in the entity index for the current epoch, remembered by the audit
 * writer thread across its batches so that each gets one entry per epoch. Entries written by a transaction
 * are remembered once it commits (forgotten if it rolls back); a restarted thread writes them again,
 * ignored. At most one key per event of the epoch: a few tens of MB when an epoch's million reads are all
 * of different resources, far less when reads repeat them.
 */
export class EpochEntities {
  private epoch = -1;
  private committed = new Set<string>();
  /** Written by the transaction in progress: epoch, then key, by epoch in increasing order. */
  private staged = new Map<number, Set<string>>();

  /** Whether the entity needs its entry for the epoch (and note it as written, pending commit). */
  claim(epoch: number, key: string): boolean {
    if (epoch === this.epoch && this.committed.has(key)) return false;
    let keys = this.staged.get(epoch);
    if (!keys) this.staged.set(epoch, (keys = new Set()));
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  }

  commit(): void {
    for (const [epoch, keys] of this.staged) {
      if (epoch > this.epoch) {
        this.epoch = epoch;
        this.committed = new Set();
      }
      if (epoch === this.epoch) for (const key of keys) this.committed.add(key);
    }
    this.staged.clear();
  }

  rollback(): void {
    this.staged.clear();
  }
}

const NEWLINE = 10;

/**
 * Appends a batch of the audit of reads as chunks of at most maxEvents events (the caller holds a write
 * transaction on conn, and commits or rolls back `known` with it): its columns, parsed and as the bytes of
 * their JSON text (`[…]`, EVENT_SEPARATOR between two events), and its bodies as the UTF-8 bytes of their
 * newline-separated texts. Both texts are cut at event boundaries and stored as they came: a chunk's
 * columns are not serialised again, its bodies never decoded here.
 */
export function appendAuditChunks(conn: SqliteConnection, columns: AuditColumns, columnsText: Uint8Array, bodies: Uint8Array, known: EpochEntities, maxEvents = CHUNK_EVENTS): void {
  if (columns.length === 0) return;
  let seq = lastSeq(conn);
  let c = 0;
  let pos = 0; // the next body's first byte
  let at = 1; // the next event's first byte in columnsText (after `[`)
  while (c < columns.length) {
    const first = seq + 1;
    const fromByte = pos;
    const fromText = at;
    let bodyEnd = pos;
    let textEnd = at;
    let min = Infinity;
    let max = -Infinity;
    const clients = new Set<string>();
    const summary = new ChunkSummary();
    // ids by type: no key text per event, only per distinct resource
    const entities = new Map<string, Set<string>>();
    let count = 0;
    for (; c < columns.length && count < maxEvents; count++) {
      const recorded = columns[c] as number;
      if (recorded < min) min = recorded;
      if (recorded > max) max = recorded;
      const client = columns[c + 1] as string | null;
      if (client !== null) clients.add(client);
      summary.add(columns[c + 2] as string, columns[c + 3] as string, columns[c + 4] as number);
      const n = columns[c + 5] as number;
      c += 6;
      for (let k = 0; k < n; k++, c += 2) {
        const type = columns[c] as string;
        const id = columns[c + 1] as string | null;
        summary.addType(type);
        if (id === null) continue;
        let ids = entities.get(type);
        if (!ids) entities.set(type, (ids = new Set()));
        ids.add(id);
      }
      if (pos > bodies.length) throw new Error('audit batch: more events than bodies');
      const newline = bodies.indexOf(NEWLINE, pos);
      bodyEnd = newline < 0 ? bodies.length : newline;
      pos = bodyEnd + 1;
      if (at >= columnsText.length) throw new Error('audit batch: more events than column texts');
      const tab = columnsText.indexOf(TAB, at);
      textEnd = tab < 0 ? columnsText.length - 1 : tab - 1; // before `]`, or before the separator's comma
      at = tab < 0 ? columnsText.length : tab + 1;
    }
    const last = first + count - 1;
    const keys: [string, string, string][] = [];
    for (const [type, ids] of entities) for (const id of ids) keys.push([entityKey(type, id), type, id]);
    const filter = entityFilter(keys.map((k) => k[0]), keys.length);
    conn.runSync(INSERT_CHUNK, [first, last, min, max, summary.kindsText(), summary.typesText(), filter,
      encodeChunk(columnsText.subarray(fromText, textEnd), bodies.subarray(fromByte, bodyEnd))]);
    for (const client of clients) conn.runSync(INSERT_CHUNK_CLIENT, [client, first]);
    const epoch = epochOf(first);
    for (const [key, type, id] of keys) if (known.claim(epoch, key)) conn.runSync(INSERT_EPOCH_ENTITY, [type, id, epoch]);
    seq = last;
  }
  if (pos <= bodies.length) throw new Error('audit batch: more bodies than events');
  if (at < columnsText.length) throw new Error('audit batch: more column texts than events');
}

/** Appends events as rows, given as flat columns and their body texts, in order. */
export function appendAuditRows(conn: SqliteConnection, columns: AuditColumns, bodies: readonly string[]): void {
  if (columns.length === 0) return;
  let seq = lastSeq(conn);
  const spans = new Map<string, [string, string, number, number]>();
  const events = new RowBuffer(conn, EVENTS_HEAD, EVENT_TUPLE, FULL_EVENTS);
  const entityRows = new RowBuffer(conn, ENTITIES_HEAD, ENTITY_TUPLE, FULL_ENTITIES);
  const spanRows = new RowBuffer(conn, SPANS_HEAD, SPAN_TUPLE, FULL_SPANS);
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
  for (const span of spans.values()) spanRows.add(...span);
  spanRows.flush();
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

/** Appends records (a write's own events) as rows: the columns and body texts a batch of reads carries in
 * its wire form (audit-wire.ts), built directly (encoding a group's few events to bytes, then decoding and
 * parsing them, cost about as much as the rows' statements). */
export function appendAuditRecords(conn: SqliteConnection, records: readonly AuditRecord[]): void {
  if (records.length === 0) return;
  const columns: AuditColumns = [];
  const bodies: string[] = [];
  for (const r of records) {
    columns.push(r.recorded, r.clientId, r.action, r.interaction, r.outcome, r.entities.length);
    for (const e of r.entities) columns.push(e.type, e.id);
    bodies.push(bodyText(r));
  }
  appendAuditRows(conn, columns, bodies);
}
