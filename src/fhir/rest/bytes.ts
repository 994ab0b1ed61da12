// Response bodies assembled as bytes: stored view bodies arrive as UTF-8 Buffers and are copied once into
// the response, between small JSON fragments, instead of being decoded, joined into one giant string and
// encoded again on the way to the socket.

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

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.parts, this.length);
  }

  private flush(): void {
    if (!this.pending) return;
    const b = Buffer.from(this.pending, 'utf8');
    this.parts.push(b);
    this.length += b.length;
    this.pending = '';
  }
}
