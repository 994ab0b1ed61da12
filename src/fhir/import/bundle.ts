// FHIR Bundle (collection, batch, transaction), streamed: stream-json's tokenizer feeds a small path
// tracker that assembles one `entry` element at a time (stream-json's Assembler), so memory holds one
// entry, never the Bundle. A custom tracker rather than Pick + StreamArray because the Bundle's own
// `resourceType` and `type` must be checked too, wherever they sit relative to `entry`.

import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { Assembler } from 'stream-json/core/assembler.js';
import { none, isMany, getManyValues } from 'stream-chain/defs.js';
import { ImportError } from './errors.js';
import { checkResource } from './check.js';
import { DIRECTORY_TYPES, ImportDeletion } from './items.js';
import type { Located } from './ndjson.js';
import type { Resource } from '../../policy/types.js';

const BUNDLE_TYPES = new Set(['collection', 'batch', 'transaction']);
/** `Type/id` at the end of a request url (relative or absolute), no query. */
const TYPE_ID = /(?:^|\/)([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;
const TYPE_ONLY = /(?:^|\/)([A-Za-z]+)\/?$/;
const SLICE = 256;

export async function* readBundle(file: string, stream: Readable): AsyncGenerator<Located> {
  const parse = jsonParser({ packValues: true, streamValues: false });
  const decoder = new StringDecoder('utf8');
  let depth = 0;
  let topKey: string | null = null;
  let inEntries = false;
  let asm: Assembler | null = null;
  let entryIndex = 0;
  let resourceType: string | undefined;
  let bundleType: string | undefined;
  let first = true;
  let started = false;

  const tokensOf = (text: string, where: string): Token[] => {
    try {
      const out = parse(text as never) as unknown;
      return out === none ? [] : isMany(out) ? (getManyValues(out) as Token[]) : [out as Token];
    } catch (e) {
      const near = inEntries ? { entry: entryIndex } : {};
      throw new ImportError({ file, ...near }, `not JSON (${(e as Error).message}${where})`);
    }
  };

  function* consume(tokens: Token[]): Generator<Located> {
    for (const t of tokens) {
      if (!started) {
        if (t.name !== 'startObject') throw new ImportError({ file }, 'not a FHIR Bundle (the file is not a JSON object)');
        started = true;
      }
      if (asm) {
        asm.consume(t);
        if (asm.done) {
          const entry = asm.current;
          asm = null;
          yield* entryItems(file, entry, entryIndex++);
        }
        continue;
      }
      switch (t.name) {
        case 'startObject':
        case 'startArray':
          if (inEntries && depth === 2) {
            if (t.name === 'startArray') throw new ImportError({ file, entry: entryIndex }, 'not a Bundle entry (an array, not an object)');
            asm = new Assembler();
            asm.consume(t);
            continue;
          }
          if (depth === 1 && topKey === 'entry') {
            if (t.name !== 'startArray') throw new ImportError({ file }, 'Bundle.entry is not an array');
            inEntries = true;
          }
          depth++;
          break;
        case 'endObject':
        case 'endArray':
          depth--;
          if (inEntries && depth === 1) inEntries = false;
          break;
        case 'keyValue':
          if (depth === 1) topKey = t.value;
          break;
        default:
          if (inEntries && depth === 2) throw new ImportError({ file, entry: entryIndex }, 'not a Bundle entry (not an object)');
          if (depth === 1) {
            if (topKey === 'resourceType') {
              resourceType = String(t.name === 'stringValue' ? t.value : '');
              checkBundleType(file, resourceType);
            } else if (topKey === 'type') {
              bundleType = t.name === 'stringValue' ? t.value : String((t as { value?: unknown }).value);
              if (!BUNDLE_TYPES.has(bundleType)) {
                throw new ImportError({ file }, `Bundle.type ${JSON.stringify(bundleType)} is not supported (expected collection, batch or transaction)`);
              }
            }
          }
      }
    }
  }

  try {
    for await (const chunk of stream) {
      let text = decoder.write(chunk as Buffer);
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      // Small slices keep the parser's error position close to the entry being read: the tokens of a
      // slice are lost when the parser throws inside it.
      for (let at = 0; at < text.length; at += SLICE) yield* consume(tokensOf(text.slice(at, at + SLICE), ''));
    }
    const tail = decoder.end();
    if (tail) yield* consume(tokensOf(tail, ''));
    if (!started) throw new ImportError({ file }, 'not a FHIR Bundle (the file is empty)');
    yield* consume(tokensOf(none as never, ', the file ends too early'));
  } finally {
    stream.destroy();
  }
  if (resourceType === undefined) throw new ImportError({ file }, 'not a FHIR Bundle (no resourceType)');
  if (bundleType === undefined) throw new ImportError({ file }, 'Bundle.type is missing (expected collection, batch or transaction)');
}

function checkBundleType(file: string, resourceType: string): void {
  if (resourceType === 'Bundle') return;
  const hint = DIRECTORY_TYPES.has(resourceType) ? ': a single resource; use NDJSON for bare resources' : '';
  throw new ImportError({ file }, `not a FHIR Bundle (resourceType ${JSON.stringify(resourceType)}${hint})`);
}

function* entryItems(file: string, entry: unknown, index: number): Generator<Located> {
  const where = { file, entry: index };
  const e = entry as { resource?: unknown; request?: unknown };
  const request = e.request as { method?: unknown; url?: unknown } | undefined;
  if (request === undefined) {
    if (e.resource === undefined) throw new ImportError(where, 'entry has no resource');
    yield { item: checkResource(e.resource, where), entry: index };
    return;
  }
  if (request === null || typeof request !== 'object' || typeof request.method !== 'string' || typeof request.url !== 'string') {
    throw new ImportError(where, 'entry.request needs a method and a url');
  }
  const { method, url } = request as { method: string; url: string };
  const typeId = TYPE_ID.exec(url);
  switch (method) {
    case 'DELETE': {
      if (!typeId || url.includes('?')) throw new ImportError(where, `DELETE url ${JSON.stringify(url)} is not Type/id (conditional deletes are not supported)`);
      if (!DIRECTORY_TYPES.has(typeId[1])) throw new ImportError(where, `DELETE of ${typeId[1]}, not a directory resource type`);
      yield { item: new ImportDeletion(typeId[1], typeId[2]), entry: index };
      return;
    }
    case 'PUT': {
      if (!typeId || url.includes('?')) throw new ImportError(where, `PUT url ${JSON.stringify(url)} is not Type/id (conditional updates are not supported)`);
      yield { item: checkTarget(where, e.resource, typeId[1], typeId[2]), entry: index };
      return;
    }
    case 'POST': {
      const typeOnly = TYPE_ONLY.exec(url.split('?', 1)[0]);
      if (!typeOnly) throw new ImportError(where, `POST url ${JSON.stringify(url)} is not a resource type`);
      yield { item: checkTarget(where, e.resource, typeOnly[1]), entry: index };
      return;
    }
    default:
      throw new ImportError(where, `request method ${JSON.stringify(method)} is not supported in an import (PUT, POST or DELETE)`);
  }
}

function checkTarget(where: { file: string; entry: number }, resource: unknown, urlType: string, urlId?: string): Resource {
  if (resource === undefined) throw new ImportError(where, 'entry has no resource');
  const r = checkResource(resource, where, urlId);
  if (r.resourceType !== urlType) throw new ImportError(where, `resourceType ${r.resourceType} does not match the request url type ${urlType}`);
  return r;
}
