// NDJSON: one resource per line, blank lines ignored. readline keeps one line in memory at a time.

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ImportError } from './errors.js';
import { checkResource } from './check.js';
import type { ImportItem } from './items.js';

export interface Located {
  item: ImportItem;
  line?: number;
  entry?: number;
}

export async function* readNdjson(file: string, stream: Readable): AsyncGenerator<Located> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new ImportError({ file, line }, `not JSON (${(e as Error).message})`);
      }
      yield { item: checkResource(value, { file, line }), line };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
