// Streams resources to an NDJSON file (gzip when the name ends with .gz), honouring back-pressure.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Resource } from '../policy/types.js';

/** Writes one JSON resource per line; returns the number of resources written. */
export async function writeNdjson(resources: Iterable<Resource> | AsyncIterable<Resource>, file: string): Promise<number> {
  const fileStream = createWriteStream(file);
  const gzip = file.endsWith('.gz') ? createGzip() : undefined;
  if (gzip) gzip.pipe(fileStream);
  const out: Writable = gzip ?? fileStream;
  let n = 0;
  let buffer = '';
  try {
    for await (const r of resources as AsyncIterable<Resource>) {
      buffer += JSON.stringify(r) + '\n';
      n++;
      // batch small writes: one write call per ~64 KB
      if (buffer.length >= 65_536) {
        if (!out.write(buffer)) await once(out, 'drain');
        buffer = '';
      }
    }
    if (buffer) out.write(buffer);
    out.end();
    await finished(fileStream);
  } catch (err) {
    out.destroy();
    fileStream.destroy();
    throw err;
  }
  return n;
}
