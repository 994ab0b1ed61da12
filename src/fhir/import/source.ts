// Opening an import file: gzip is recognised by its magic bytes (not its name), and the bytes consumed
// are counted on disk (compressed bytes for .gz), which is what a progress ETA against the file size needs.

import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';

export type ImportFormat = 'bundle' | 'ndjson';

export interface DetectedFormat {
  format: ImportFormat;
  gzip: boolean;
}

const CHUNK = 1 << 20;

export function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export interface OpenedSource {
  /** Decompressed bytes. */
  stream: Readable;
  /** Bytes read from disk so far. */
  bytesRead(): number;
  totalBytes: number;
  gzip: boolean;
}

export function openSource(file: string): OpenedSource {
  const totalBytes = statSync(file).size;
  const gzip = isGzip(file);
  const raw = createReadStream(file, { highWaterMark: CHUNK });
  const stream = gzip ? pipeline(raw, createGunzip({ chunkSize: CHUNK }), () => {}) : raw;
  return { stream, bytesRead: () => raw.bytesRead, totalBytes, gzip };
}

/**
 * The format of an import file. By name first (`.ndjson`/`.jsonl` → NDJSON, `.json` → Bundle, with or
 * without `.gz`); otherwise by content: a first line that is a whole JSON object other than a Bundle
 * means NDJSON, anything else is read as a Bundle.
 */
export async function detectFormat(file: string): Promise<DetectedFormat> {
  const gzip = isGzip(file);
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return { format: 'ndjson', gzip };
  if (name.endsWith('.json')) return { format: 'bundle', gzip };
  const head = await readHead(file, 64 * 1024);
  const firstLine = head.replace(/^\uFEFF/, '').trimStart().split('\n', 1)[0].trim();
  try {
    const value = JSON.parse(firstLine) as unknown;
    if (value && typeof value === 'object' && (value as { resourceType?: unknown }).resourceType !== 'Bundle') {
      return { format: 'ndjson', gzip };
    }
  } catch {
    // not a complete object on its first line: a (pretty-printed) Bundle
  }
  return { format: 'bundle', gzip };
}

async function readHead(file: string, max: number): Promise<string> {
  const { stream } = openSource(file);
  let text = '';
  try {
    for await (const chunk of stream) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length >= max) break;
    }
  } catch {
    // a truncated gzip or unreadable tail does not matter for sniffing
  } finally {
    stream.destroy();
  }
  return text;
}
