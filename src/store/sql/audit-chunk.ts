// A chunk of audit events (migration 7): up to CHUNK_EVENTS consecutive events of the batched audit of
// reads stored as one row, their columns and bodies compressed together. A row per event cost the audit
// writer most of its time (three B-trees per event, then the pages of the text); a chunk costs one row and
// a few kilobytes. Its format, once inflated: the chunk's AuditColumns as one JSON text, then each event's
// body, every part on a line of its own (JSON texts hold no raw newline).
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AuditQuery, AuditRow } from '../contract.js';

/** The queried columns of events, flat, event after event: recorded, client, action, interaction,
 * outcome, the number n of entities, then n × (type, id). One flat array: cheaper to serialise and parse
 * than one array per event. */
export type AuditColumns = (string | number | null)[];

/** Events per chunk: a search reads (inflates and parses) whole chunks, so this bounds what it reads to
 * find one event (about a megabyte inflated) while keeping rows few. */
export const CHUNK_EVENTS = 4096;

const NEWLINE = Buffer.from('\n');

const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');

/** The stored bytes of a chunk: the UTF-8 bytes of its columns' JSON array (flat) without its brackets
 * (JSON whitespace between values allowed, but no newline: the columns are the chunk's first line), and
 * its bodies as the UTF-8 bytes of their lines. */
export function encodeChunk(columnsInside: Uint8Array, bodies: Uint8Array): Buffer {
  // level 1: these texts repeat themselves so much that the fastest level already shrinks them ~17× (the
  // national benchmark's reads: 12 bytes an event)
  return deflateRawSync(Buffer.concat([OPEN, columnsInside, CLOSE, NEWLINE, bodies]), { level: 1 });
}

/** One event of a chunk, its columns parsed. */
export interface ChunkEvent {
  seq: number;
  recorded: number;
  client: string | null;
  action: string;
  interaction: string;
  outcome: number;
  /** type, id, type, id... */
  entities: (string | null)[];
  body: string;
}

/** The events of a stored chunk whose first event is firstSeq, in sequence order. */
export function decodeChunk(firstSeq: number, bytes: Uint8Array): ChunkEvent[] {
  const lines = inflateRawSync(bytes).toString('utf8').split('\n');
  const columns = JSON.parse(lines[0]) as AuditColumns;
  const events: ChunkEvent[] = [];
  for (let c = 0, i = 1; c < columns.length; i++) {
    const n = columns[c + 5] as number;
    events.push({
      seq: firstSeq + i - 1,
      recorded: columns[c] as number,
      client: columns[c + 1] as string | null,
      action: columns[c + 2] as string,
      interaction: columns[c + 3] as string,
      outcome: columns[c + 4] as number,
      entities: columns.slice(c + 6, c + 6 + 2 * n) as (string | null)[],
      body: lines[i],
    });
    c += 6 + 2 * n;
  }
  if (events.length !== lines.length - 1) throw new Error(`audit chunk ${firstSeq}: ${events.length} events but ${lines.length - 1} bodies`);
  return events;
}

/** Whether a chunk's event answers the query (its paging bound included). */
export function chunkEventMatches(e: ChunkEvent, q: AuditQuery): boolean {
  if (q.beforeSeq !== undefined && e.seq >= q.beforeSeq) return false;
  if (q.since !== undefined && e.recorded < q.since) return false;
  if (q.until !== undefined && e.recorded > q.until) return false;
  if (q.clientId !== undefined && e.client !== q.clientId) return false;
  if (q.action !== undefined && e.action !== q.action) return false;
  if (q.interaction !== undefined && e.interaction !== q.interaction) return false;
  if (q.outcome !== undefined && e.outcome !== q.outcome) return false;
  if (q.entityType === undefined) return true;
  for (let k = 0; k < e.entities.length; k += 2) {
    if (e.entities[k] === q.entityType && (q.entityId === undefined || e.entities[k + 1] === q.entityId)) return true;
  }
  return false;
}

export const chunkRow = (e: ChunkEvent): AuditRow => ({ seq: e.seq, recorded: e.recorded, body: e.body });

/** What a chunk's header says of its events, as stored: the distinct (action, interaction, outcome) of its
 * events (`kinds`, the JSON text of one flat array) and the distinct types of the resources they are about
 * (`entity_types`, a JSON array). Nearly every chunk of reads holds a handful of each. */
export class ChunkSummary {
  private readonly seen = new Set<string>();
  private readonly kinds: (string | number)[] = [];
  private readonly types = new Set<string>();
  // consecutive events are mostly of one kind and type: those are not looked up again
  private last: [string, string, number] | null = null;
  private lastType: string | null = null;

  add(action: string, interaction: string, outcome: number): void {
    const last = this.last;
    if (last && last[0] === action && last[1] === interaction && last[2] === outcome) return;
    this.last = [action, interaction, outcome];
    const key = `${action} ${interaction} ${outcome}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.kinds.push(action, interaction, outcome);
  }

  addType(type: string): void {
    if (type === this.lastType) return;
    this.lastType = type;
    this.types.add(type);
  }

  kindsText(): string {
    return JSON.stringify(this.kinds);
  }

  typesText(): string {
    return JSON.stringify([...this.types]);
  }
}

/** Whether a chunk with this header may hold an event of the query's action, interaction, outcome and entity
 * type (the other criteria are the header's columns or its indexes). */
export function headerMayMatch(kinds: string, entityTypes: string, q: AuditQuery): boolean {
  if (q.entityType !== undefined && !(JSON.parse(entityTypes) as string[]).includes(q.entityType)) return false;
  if (q.action === undefined && q.interaction === undefined && q.outcome === undefined) return true;
  const flat = JSON.parse(kinds) as (string | number)[];
  for (let k = 0; k < flat.length; k += 3) {
    if ((q.action === undefined || flat[k] === q.action) && (q.interaction === undefined || flat[k + 1] === q.interaction)
      && (q.outcome === undefined || flat[k + 2] === q.outcome)) return true;
  }
  return false;
}

/** Events per epoch of the entity index (`audit_chunk_entities`): an entity read in an epoch has one entry
 * for it, whatever the number of its reads and chunks there, and the filters of the epoch's chunk headers
 * tell which chunks may mention it. An entry per entity and chunk was a random insert into a large index
 * for nearly every read of a resource not read in the same second: most of the audit writer's work when
 * reads spread over the directory. */
export const EPOCH_EVENTS = 1 << 20;

export const epochOf = (seq: number): number => Math.floor(seq / EPOCH_EVENTS);

/** The key of an entity in a chunk's filter. */
export const entityKey = (type: string, id: string): string => `${type}/${id}`;

// A chunk's filter of its entities: a Bloom filter, 10 bits and 7 probes per entity (about 1 % of chunks
// read for nothing), probes by double hashing of two FNV-1a hashes of the key's UTF-16 code units.
const BITS_PER_ENTITY = 10;
const PROBES = 7;

function hashPair(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return [a >>> 0, (b | 1) >>> 0];
}

/** The filter of a chunk mentioning these `count` entities (keys by entityKey). */
export function entityFilter(keys: Iterable<string>, count: number): Uint8Array {
  const filter = new Uint8Array(Math.ceil(Math.max(64, count * BITS_PER_ENTITY) / 8));
  const bits = filter.length * 8;
  for (const key of keys) {
    const [h1, h2] = hashPair(key);
    for (let i = 0; i < PROBES; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) % bits;
      filter[bit >> 3] |= 1 << (bit & 7);
    }
  }
  return filter;
}

/** Whether a chunk with this filter may mention the entity (false: it surely does not). */
export function filterMayHold(filter: Uint8Array, key: string): boolean {
  const bits = filter.length * 8;
  if (bits === 0) return false;
  const [h1, h2] = hashPair(key);
  for (let i = 0; i < PROBES; i++) {
    const bit = ((h1 + Math.imul(i, h2)) >>> 0) % bits;
    if ((filter[bit >> 3] & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}
