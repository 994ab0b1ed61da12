// readResources: the one entry point of the import readers. Streams a Bundle or NDJSON file (gzip or
// not) in batches, exposing the bytes read from disk for progress reporting.

import { ImportError, describePosition, type ImportPosition } from './errors.js';
import type { ImportItem } from './items.js';
import { detectFormat, openSource, type ImportFormat } from './source.js';
import { readNdjson, type Located } from './ndjson.js';
import { readBundle } from './bundle.js';
import { statSync } from 'node:fs';

export interface ReadOptions {
  /** Items per yielded batch (default 1,000). */
  batchSize?: number;
  /** Skip detection (by name, then content). */
  format?: ImportFormat;
}

export interface ResourceReader extends AsyncIterable<ImportItem[]> {
  readonly file: string;
  /** Size of the file on disk. */
  readonly totalBytes: number;
  /** Bytes of the file read from disk so far (compressed bytes for gzip), for progress against totalBytes. */
  readonly bytesRead: number;
  /** Items yielded so far. */
  readonly itemsRead: number;
  /** Where an item yielded by this reader came from ("file line 12", "file entry 3"), for messages. */
  positionOf(item: ImportItem): string | undefined;
}

/**
 * Streams the resources of `file` in batches. Malformed input throws an ImportError naming the file and
 * the line (NDJSON) or entry index (Bundle). Memory holds one batch, not the file.
 */
export function readResources(file: string, options: ReadOptions = {}): ResourceReader {
  const batchSize = options.batchSize ?? 1000;
  const positions = new WeakMap<object, ImportPosition>();
  let bytesRead = () => 0;
  let itemsRead = 0;
  let totalBytes: number;
  try {
    totalBytes = statSync(file).size;
  } catch (e) {
    throw new ImportError({ file }, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }

  async function* batches(): AsyncGenerator<ImportItem[]> {
    const format = options.format ?? (await detectFormat(file)).format;
    const source = openSource(file);
    bytesRead = source.bytesRead;
    const items: AsyncGenerator<Located> = format === 'ndjson' ? readNdjson(file, source.stream) : readBundle(file, source.stream);
    let batch: ImportItem[] = [];
    try {
      for await (const located of items) {
        positions.set(located.item, { file, line: located.line, entry: located.entry });
        batch.push(located.item);
        if (batch.length >= batchSize) {
          itemsRead += batch.length;
          yield batch;
          batch = [];
        }
      }
    } catch (e) {
      if (e instanceof ImportError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      const problem = code?.startsWith('Z_') ? 'not a valid gzip file' : 'cannot read the file';
      throw new ImportError({ file }, `${problem} (${(e as Error).message})`);
    }
    if (batch.length > 0) {
      itemsRead += batch.length;
      yield batch;
    }
  }

  return {
    file,
    totalBytes,
    get bytesRead() {
      return bytesRead();
    },
    get itemsRead() {
      return itemsRead;
    },
    positionOf(item) {
      const p = positions.get(item);
      return p && describePosition(p);
    },
    [Symbol.asyncIterator]: () => batches(),
  };
}
