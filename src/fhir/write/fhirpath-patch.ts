// FHIRPath Patch (FHIR R4 §2.40, a `Parameters` of `operation`s: add, insert, delete, replace, move) over a
// copy of a resource. fhirpath.js selects the nodes; each selected node carries its parent, property name
// and index, so the change is made in place in the copy. Compiled expressions are cached by text.
//
// Values: a `value[x]` part, or a `value` part whose `part`s name the fields of a complex value. The ROR
// national capacity contract also sends `value.part[0] = { extension: [ … ] }` (an element whose
// extensions are the value): with `add` and no `name`, its arrays are appended to the target; with
// `replace`, its single extension replaces the target.

import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4/index.js';
import structure from '../validate/generated/structure.json' with { type: 'json' };
import { FhirError } from '../errors.js';
import { cloneJson } from './clone-json.js';

type Json = Record<string, unknown>;
const STRUCTURE = (structure as unknown as { types: Record<string, Record<string, [string, number]>> }).types;

export interface PatchOperation {
  type: 'add' | 'insert' | 'delete' | 'replace' | 'move';
  path: string;
  name?: string;
  value?: unknown;
  /** True when the value came in the national `part: [{ extension: [...] }]` shape. */
  wrapped?: boolean;
  index?: number;
  source?: number;
  destination?: number;
}

interface Node {
  data: unknown;
  parentResNode: Node | null;
  propName: string | null;
  index: number | null;
  path: string | null;
  fhirNodeDataType?: string;
}

const invalid = (msg: string, expression?: string[]) => new FhirError(400, 'invalid', `FHIRPath Patch: ${msg}`, expression);
const MAX_CACHED = 500;
const compiled = new Map<string, (resource: unknown) => Node[]>();

function select(resource: Json, path: string): Node[] {
  let fn = compiled.get(path);
  if (!fn) {
    try {
      fn = fhirpath.compile(path, r4model, { resolveInternalTypes: false }) as unknown as (r: unknown) => Node[];
    } catch (e) {
      throw invalid(`'${path}' is not a valid FHIRPath expression (${(e as Error).message.split('\n')[0]})`, [path]);
    }
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(path, fn);
  }
  try {
    return fn(resource).filter((n) => n && typeof n === 'object' && 'data' in n);
  } catch (e) {
    throw invalid(`'${path}' cannot be evaluated (${(e as Error).message.split('\n')[0]})`, [path]);
  }
}

const partValue = (part: Json): [boolean, unknown] => {
  for (const [k, v] of Object.entries(part)) if (k.startsWith('value')) return [true, v];
  return [false, undefined];
};

/** The value of a `value` part: value[x], named sub-parts, or the national `{ extension: [...] }` element. */
function valueOf(part: Json): { value: unknown; wrapped: boolean } {
  const [has, v] = partValue(part);
  if (has) return { value: v, wrapped: false };
  const parts = part.part;
  if (!Array.isArray(parts) || parts.length === 0) throw invalid(`the value of an operation is missing`);
  if (parts.every((p) => typeof (p as Json)?.name === 'string')) {
    const out: Json = {};
    for (const p of parts as Json[]) {
      const name = p.name as string;
      const { value } = valueOf(p);
      if (out[name] === undefined) out[name] = value;
      else out[name] = [...(Array.isArray(out[name]) ? (out[name] as unknown[]) : [out[name]]), value];
    }
    return { value: out, wrapped: false };
  }
  if (parts.length === 1 && typeof parts[0] === 'object' && parts[0] !== null) return { value: parts[0], wrapped: true };
  throw invalid('the value of an operation is malformed');
}

/** Parses a `Parameters` body into operations; 400 on any malformed one. */
export function parseFhirPathPatch(body: unknown): PatchOperation[] {
  const p = body as Json;
  if (!p || p.resourceType !== 'Parameters' || !Array.isArray(p.parameter)) throw invalid('the body must be a Parameters resource');
  const ops: PatchOperation[] = [];
  for (const [n, param] of (p.parameter as Json[]).entries()) {
    if (param?.name !== 'operation' || !Array.isArray(param.part)) throw invalid(`parameter ${n} is not an 'operation'`);
    const parts = new Map<string, Json>();
    for (const part of param.part as Json[]) if (typeof part?.name === 'string') parts.set(part.name, part);
    const str = (name: string): string | undefined => {
      const part = parts.get(name);
      if (!part) return undefined;
      const [, v] = partValue(part);
      return typeof v === 'string' ? v : undefined;
    };
    const int = (name: string): number | undefined => {
      const part = parts.get(name);
      if (!part) return undefined;
      const [, v] = partValue(part);
      return Number.isInteger(v) ? (v as number) : undefined;
    };
    const type = str('type');
    const path = str('path');
    if (!type || !['add', 'insert', 'delete', 'replace', 'move'].includes(type)) throw invalid(`operation ${n}: unknown type '${type ?? ''}'`);
    if (!path) throw invalid(`operation ${n}: 'path' is required`);
    const op: PatchOperation = { type: type as PatchOperation['type'], path };
    if (type === 'add' || type === 'insert' || type === 'replace') {
      const valuePart = parts.get('value');
      if (!valuePart) throw invalid(`operation ${n} (${type}): 'value' is required`, [path]);
      const { value, wrapped } = valueOf(valuePart);
      op.value = value;
      op.wrapped = wrapped;
    }
    if (type === 'add') {
      op.name = str('name');
      if (!op.name && !op.wrapped) throw invalid(`operation ${n} (add): 'name' is required`, [path]);
    }
    if (type === 'insert') {
      op.index = int('index');
      if (op.index === undefined || op.index < 0) throw invalid(`operation ${n} (insert): 'index' must be a non-negative integer`, [path]);
    }
    if (type === 'move') {
      op.source = int('source');
      op.destination = int('destination');
      if (op.source === undefined || op.destination === undefined) throw invalid(`operation ${n} (move): 'source' and 'destination' are required`, [path]);
    }
    ops.push(op);
  }
  if (ops.length === 0) throw invalid('no operation');
  return ops;
}

/** The FHIR type of a selected node (resources: their resourceType). */
function nodeType(n: Node): string | undefined {
  const d = n.data as Json | null;
  if (d && typeof d === 'object' && typeof d.resourceType === 'string') return d.resourceType;
  return n.fhirNodeDataType;
}

function isArrayElement(ownerType: string | undefined, name: string): boolean {
  if (name === 'extension' || name === 'modifierExtension') return true;
  const def = ownerType ? STRUCTURE[ownerType]?.[name] : undefined;
  return def ? def[1] === 1 : false;
}

function single(resource: Json, op: PatchOperation): Node {
  const nodes = select(resource, op.path);
  if (nodes.length === 0) throw new FhirError(404, 'not-found', `FHIRPath Patch: '${op.path}' matches nothing`, [op.path]);
  if (nodes.length > 1) throw new FhirError(400, 'multiple-matches', `FHIRPath Patch: '${op.path}' matches ${nodes.length} elements, one expected`, [op.path]);
  return nodes[0];
}

/** The parent object and the place of a selected node in it. */
function place(n: Node, path: string): { owner: Json; prop: string; index: number | null } {
  const owner = n.parentResNode?.data as Json | undefined;
  if (!owner || typeof owner !== 'object' || !n.propName) throw invalid(`'${path}' does not select an element that can be changed`, [path]);
  return { owner, prop: n.propName, index: n.index };
}

function listAt(resource: Json, op: PatchOperation): unknown[] {
  const nodes = select(resource, op.path);
  if (nodes.length === 0) throw new FhirError(404, 'not-found', `FHIRPath Patch: '${op.path}' matches nothing`, [op.path]);
  const { owner, prop } = place(nodes[0], op.path);
  const list = owner[prop];
  if (!Array.isArray(list)) throw invalid(`'${op.path}' is not a list`, [op.path]);
  return list;
}

function applyOne(resource: Json, op: PatchOperation): void {
  switch (op.type) {
    case 'add': {
      const target = single(resource, op);
      const obj = target.data as Json;
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw invalid(`'${op.path}' is not an element that can hold '${op.name ?? 'extension'}'`, [op.path]);
      if (!op.name) {
        // national shape: append the element's arrays (its extensions) to the target's
        for (const [k, v] of Object.entries(op.value as Json)) {
          if (!Array.isArray(v)) throw invalid(`the value's '${k}' must be a list`, [op.path]);
          obj[k] = [...((obj[k] as unknown[]) ?? []), ...cloneJson(v)];
        }
        return;
      }
      const value = cloneJson(op.value);
      const existing = obj[op.name];
      if (Array.isArray(existing)) existing.push(value);
      else if (existing !== undefined) throw invalid(`'${op.path}.${op.name}' already has a value (use replace)`, [op.path]);
      else obj[op.name] = isArrayElement(nodeType(target), op.name) ? [value] : value;
      return;
    }
    case 'insert': {
      const list = listAt(resource, op);
      if (op.index! > list.length) throw invalid(`index ${op.index} is beyond the end of '${op.path}'`, [op.path]);
      list.splice(op.index!, 0, cloneJson(op.value));
      return;
    }
    case 'delete': {
      const nodes = select(resource, op.path);
      if (nodes.length > 1) throw new FhirError(400, 'multiple-matches', `FHIRPath Patch: '${op.path}' matches ${nodes.length} elements, one expected`, [op.path]);
      if (nodes.length === 0) return; // deleting nothing is not an error
      const { owner, prop, index } = place(nodes[0], op.path);
      const current = owner[prop];
      if (Array.isArray(current) && index !== null) {
        current.splice(index, 1);
        if (current.length === 0) delete owner[prop];
      } else delete owner[prop];
      return;
    }
    case 'replace': {
      const target = single(resource, op);
      const { owner, prop, index } = place(target, op.path);
      let value = cloneJson(op.value);
      if (op.wrapped) {
        const ext = (value as Json).extension;
        if (!Array.isArray(ext) || ext.length !== 1) throw invalid('a wrapped replacement value must hold exactly one extension', [op.path]);
        value = ext[0];
      }
      const current = owner[prop];
      if (Array.isArray(current) && index !== null) current[index] = value;
      else owner[prop] = value;
      return;
    }
    case 'move': {
      const list = listAt(resource, op);
      if (op.source! >= list.length || op.destination! >= list.length) throw invalid(`move indexes out of bounds in '${op.path}'`, [op.path]);
      const [item] = list.splice(op.source!, 1);
      list.splice(op.destination!, 0, item);
      return;
    }
  }
}

/** Applies the operations in order to a copy of `resource`. */
export function applyFhirPathPatch<T extends object>(resource: T, ops: PatchOperation[]): T {
  const copy = cloneJson(resource) as unknown as Json;
  for (const op of ops) applyOne(copy, op);
  return copy as unknown as T;
}
