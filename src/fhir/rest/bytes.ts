// Response bodies assembled as bytes: stored view bodies arrive as UTF-8 Buffers and go to the socket as
// they are, between small JSON fragments, instead of being decoded, joined into one giant string and
// encoded again. A large answer is not even joined into one buffer: a search of a few MiB allocated that
// much memory outside the heap at every request, and that memory made V8 run a full collection every few
// searches (the long tail of their latency).
import type { ChunkedBody } from './types.js';

/** Answers up to this size are joined into one buffer (one write, nothing to stream). */
const JOINED_MAX = 64 * 1024;

export class ByteBuilder {
  private readonly parts: Buffer[] = [];
  private pending = '';
  private length = 0;

  /** Appends JSON text. Consecutive texts are encoded together. */
  text(s: string): this {
    this.pending += s;
    return this;
  }

  /** Appends JSON text or UTF-8 bytes. */
  append(chunk: string | Buffer): this {
    if (typeof chunk === 'string') return this.text(chunk);
    this.flush();
    this.parts.push(chunk);
    this.length += chunk.length;
    return this;
  }

  finish(): Buffer | ChunkedBody {
    this.flush();
    return this.length <= JOINED_MAX ? Buffer.concat(this.parts, this.length) : { chunks: this.parts, length: this.length };
  }

  private flush(): void {
    if (!this.pending) return;
    const b = Buffer.from(this.pending, 'utf8');
    this.parts.push(b);
    this.length += b.length;
    this.pending = '';
  }
}
