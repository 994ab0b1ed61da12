// JSON Patch (RFC 6902) over a JSON document: add, remove, replace, move, copy, test. Operates on a deep
// copy; any failure is a 400 (malformed operation) or 422 (well-formed but inapplicable: RFC 5789 §2.2).

import { deepEqual } from '../changed-elements.js';
import { FhirError } from '../errors.js';
import { cloneJson } from './clone-json.js';


type Json = unknown;
interface Op {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

const invalid = (msg: string) => new FhirError(400, 'invalid', `JSON Patch: ${msg}`);
const unprocessable = (msg: string) => new FhirError(422, 'processing', `JSON Patch: ${msg}`);

/** RFC 6901 pointer → tokens. */
function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw invalid(`'${pointer}' is not a JSON Pointer`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isObject = (x: Json): x is Record<string, Json> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The container of the pointer's last token and that token. */
function parentOf(doc: Json, path: string): { parent: Json; key: string } {
  const t = tokens(path);
  if (t.length === 0) throw unprocessable('the document root cannot be the target of this operation');
  let node = doc;
  for (const k of t.slice(0, -1)) node = child(node, k, path);
  return { parent: node, key: t[t.length - 1] };
}

function child(node: Json, k: string, path: string): Json {
  if (Array.isArray(node)) {
    const i = index(k, node.length - 1, path);
    return node[i];
  }
  if (isObject(node) && Object.prototype.hasOwnProperty.call(node, k)) return node[k];
  throw unprocessable(`path '${path}' does not exist`);
}

function index(k: string, max: number, path: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(k)) throw unprocessable(`'${k}' is not an array index in '${path}'`);
  const i = Number(k);
  if (i > max) throw unprocessable(`index ${i} is out of bounds in '${path}'`);
  return i;
}

function get(doc: Json, path: string): Json {
  let node = doc;
  for (const k of tokens(path)) node = child(node, k, path);
  return node;
}

function add(doc: Json, path: string, value: Json): Json {
  if (path === '') return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    if (key === '-') parent.push(value);
    else parent.splice(index(key, parent.length, path), 0, value);
  } else if (isObject(parent)) parent[key] = value;
  else throw unprocessable(`path '${path}' has no container`);
  return doc;
}

function remove(doc: Json, path: string): { doc: Json; removed: Json } {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = index(key, parent.length - 1, path);
    return { doc, removed: parent.splice(i, 1)[0] };
  }
  if (isObject(parent) && Object.prototype.hasOwnProperty.call(parent, key)) {
    const removed = parent[key];
    delete parent[key];
    return { doc, removed };
  }
  throw unprocessable(`path '${path}' does not exist`);
}

/** Applies a JSON Patch document to a copy of `doc`. */
export function applyJsonPatch<T>(doc: T, patch: unknown): T {
  if (!Array.isArray(patch)) throw invalid('the body must be an array of operations');
  let out: Json = cloneJson(doc);
  for (const [n, raw] of patch.entries()) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw invalid(`operation ${n} needs 'op' and 'path'`);
    const op = raw as unknown as Op;
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw invalid(`operation ${n} (add) needs 'value'`);
        out = add(out, op.path, cloneJson(op.value));
        break;
      case 'remove':
        out = remove(out, op.path).doc;
        break;
      case 'replace':
        if (!('value' in op)) throw invalid(`operation ${n} (replace) needs 'value'`);
        if (op.path === '') out = cloneJson(op.value);
        else {
          get(out, op.path); // must exist
          out = remove(out, op.path).doc;
          out = add(out, op.path, cloneJson(op.value));
        }
        break;
      case 'move': {
        if (typeof op.from !== 'string') throw invalid(`operation ${n} (move) needs 'from'`);
        if (op.path.startsWith(`${op.from}/`)) throw unprocessable(`cannot move '${op.from}' into itself`);
        const r = remove(out, op.from);
        out = add(r.doc, op.path, r.removed);
        break;
      }
      case 'copy':
        if (typeof op.from !== 'string') throw invalid(`operation ${n} (copy) needs 'from'`);
        out = add(out, op.path, cloneJson(get(out, op.from)));
        break;
      case 'test':
        if (!deepEqual(get(out, op.path), op.value)) throw unprocessable(`test failed at '${op.path}'`);
        break;
      default:
        throw invalid(`unknown operation '${op.op}'`);
    }
  }
  return out as T;
}
