// Audit events written into their wire form (their columns' JSON array, a tab between two events, and
// their newline-joined bodies, as UTF-8 bytes) as they are added: the batched audit of reads then keeps no
// object per event while its batch waits (about a second). Kept objects would be promoted to the old
// generation, and collecting it cost the server more than recording the events. The buffers are reused
// from batch to batch: they grow once to a batch's size.
import type { AuditBatch, AuditRecord } from '../contract.js';
import { jsonOfFrequent, jsonOfId } from '../../json-literal.js';

/** A batch in wire form: the columns' JSON array (EVENT_SEPARATOR between events) and the newline-joined
 * bodies, as UTF-8 bytes. */
export interface AuditWireBatch extends AuditBatch {
  columns: Uint8Array;
  bodies: Uint8Array;
}

/** A record's body text, with no raw newline (JSON.stringify writes none; in given text a raw newline can
 * only be whitespace, and the same value re-serialised has none). */
export function bodyText(record: AuditRecord): string {
  const body = record.body;
  if (typeof body !== 'string') return JSON.stringify(body);
  return record.bodyIsLine || !body.includes('\n') ? body : JSON.stringify(JSON.parse(body));
}

/** Between two events' columns in a batch's columns text: a tab, JSON whitespace that a JSON text holds
 * nowhere else (raw in a string it is escaped), so that a chunk's columns are cut from the bytes at event
 * boundaries instead of parsed and serialised again (audit.ts). */
export const EVENT_SEPARATOR = ',\t';
/** The separator's byte that marks the boundary. */
export const TAB = EVENT_SEPARATOR.charCodeAt(1);

/** Characters gathered as text before they are encoded: one encoding call per few kilobytes instead of
 * two per event (the call itself cost more than the bytes it wrote), and the text dies young. */
const PENDING_CHARS = 16 * 1024;

/** A growable UTF-8 byte buffer: small at first (a write's own event), doubled as a batch needs. */
class Bytes {
  private buf = Buffer.alloc(0);
  private length = 0;
  private pending = '';

  append(text: string): void {
    this.pending += text;
    if (this.pending.length >= PENDING_CHARS) this.encode();
  }

  private encode(): void {
    const text = this.pending;
    if (text === '') return;
    this.pending = '';
    // a UTF-8 character takes at most 3 bytes per UTF-16 code unit
    const room = this.length + text.length * 3;
    if (room > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(room, this.buf.length * 2, 1024));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(text, this.length, 'utf8');
  }

  /** A copy of the bytes written, then empties the buffer. */
  take(tail = ''): Uint8Array {
    this.pending += tail;
    this.encode();
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}

export class AuditWireBuilder {
  private readonly columns = new Bytes();
  private readonly bodies = new Bytes();
  size = 0;

  /** Writes the event's columns (AuditColumns order) and body. */
  add(r: AuditRecord): void {
    const entities = r.entities;
    let text = `${this.size ? EVENT_SEPARATOR : '['}${r.recorded},${r.clientId === null ? 'null' : jsonOfFrequent(r.clientId)},${jsonOfFrequent(r.action)},${jsonOfFrequent(r.interaction)},${r.outcome},${entities.length}`;
    for (let k = 0; k < entities.length; k++) {
      const id = entities[k].id;
      text += `,${jsonOfFrequent(entities[k].type)},${id === null ? 'null' : jsonOfId(id)}`;
    }
    this.columns.append(text);
    this.bodies.append(this.size ? `\n${bodyText(r)}` : bodyText(r));
    this.size++;
  }

  /** The events added since the last take. */
  take(): AuditWireBatch {
    const count = this.size;
    this.size = 0;
    return { count, columns: this.columns.take(count ? ']' : '[]'), bodies: this.bodies.take() };
  }
}
