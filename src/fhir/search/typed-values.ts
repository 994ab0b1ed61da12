// Evaluation of a search parameter's FHIRPath to typed values: a fast compiled accessor for the common
// subset, fhirpath.js (compiled once per expression) for the rest. Both return the same TypedValue list,
// which values.ts turns into index entries.

import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4/index.js';

export interface TypedValue {
  /** FHIR type name: 'CodeableConcept', 'string', 'dateTime', … */
  type: string;
  value: unknown;
}

export type Evaluator = (resource: Record<string, unknown>) => TypedValue[];

const model = r4model as unknown as { path2Type: Record<string, string | { code: string } | null>; choiceTypePaths: Record<string, string[]> };
const PRIMITIVES = new Set([
  'base64Binary', 'boolean', 'canonical', 'code', 'date', 'dateTime', 'decimal', 'id', 'instant', 'integer', 'markdown',
  'oid', 'positiveInt', 'string', 'time', 'unsignedInt', 'uri', 'url', 'uuid',
]);
const ANY_RESOURCE = new Set(['Resource', 'DomainResource']);

/** FHIR type name of a choice suffix ("DateTime" → "dateTime", "CodeableConcept" stays). */
function choiceTypeName(suffix: string): string {
  const lower = suffix[0].toLowerCase() + suffix.slice(1);
  return PRIMITIVES.has(lower) ? lower : suffix;
}

function elementType(path: string): string | undefined {
  const t = model.path2Type[path];
  if (t == null) return undefined;
  if (typeof t === 'object') return t.code;
  if (t.startsWith('System.')) return 'string';
  return t;
}

type Step =
  | { kind: 'field'; name: string; key: string; type: string; path: string } // key = JSON property
  | { kind: 'choice'; name: string } // choice element without .as(): scan value[x] keys
  | { kind: 'where'; field: string; equals: string }
  | { kind: 'ofType'; type: string };

const WHERE_RE = /^where\(\s*([a-zA-Z]+)\s*=\s*'([^']*)'\s*\)$/;
const AS_RE = /^(?:as|ofType)\(\s*([A-Za-z]+)\s*\)$/;

/** Splits `text` on `separator` outside parentheses and quotes (null when they do not balance). */
export function splitOutside(text: string, separator: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of text) {
    if (ch === "'") quote = !quote;
    if (!quote && ch === '(') depth++;
    if (!quote && ch === ')') depth--;
    if (!quote && depth === 0 && ch === separator) { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur.trim());
  return depth === 0 && !quote ? out : null;
}

function splitUnion(expr: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of expr) {
    if (ch === "'") quote = !quote;
    if (!quote && ch === '(') depth++;
    if (!quote && ch === ')') depth--;
    if (!quote && depth === 0 && ch === '|') { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur.trim());
  return out.map((p) => (p.startsWith('(') && p.endsWith(')') ? p.slice(1, -1).trim() : p));
}

interface CompiledPath {
  root: string;
  steps: Step[];
  finalType: string | null; // null: dynamic (from a choice scan)
}

function compilePath(text: string, resourceType: string): CompiledPath | null {
  const parts = splitOutside(text, '.');
  if (!parts || parts.length < 2) return null;
  const root = parts[0];
  if (root !== resourceType && !ANY_RESOURCE.has(root)) return null;
  let typePath = ANY_RESOURCE.has(root) ? 'Resource' : resourceType; // path2Type key prefix
  let type: string | null = typePath;
  const steps: Step[] = [];
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    const w = WHERE_RE.exec(part);
    if (w) { steps.push({ kind: 'where', field: w[1], equals: w[2] }); continue; }
    const a = AS_RE.exec(part);
    if (a) {
      if (choiceTypeName(a[1]) !== type && a[1] !== type) steps.push({ kind: 'ofType', type: choiceTypeName(a[1]) });
      continue;
    }
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(part)) return null;
    if (type === null) return null; // cannot navigate below a dynamically typed choice
    const path = `${typePath}.${part}`;
    const choices = model.choiceTypePaths[path];
    if (choices) {
      const next = parts[i + 1] ? AS_RE.exec(parts[i + 1]) : null;
      if (next) {
        const suffix = next[1][0].toUpperCase() + next[1].slice(1);
        const t = choiceTypeName(suffix);
        steps.push({ kind: 'field', name: part, key: part + suffix, type: t, path });
        type = t;
        typePath = t;
        i++;
        continue;
      }
      steps.push({ kind: 'choice', name: part });
      type = null;
      continue;
    }
    const t = elementType(path);
    if (!t) return null;
    steps.push({ kind: 'field', name: part, key: part, type: t, path });
    type = t;
    typePath = t === 'BackboneElement' || t === 'Element' ? path : t;
  }
  return { root, steps, finalType: type };
}

function runPath(p: CompiledPath, resource: Record<string, unknown>, out: TypedValue[]): void {
  let nodes: unknown[] = [resource];
  let types: (string | null)[] | null = null; // per node, only after a choice scan
  let type: string | null = p.root;
  for (const step of p.steps) {
    const next: unknown[] = [];
    const nextTypes: string[] = [];
    if (step.kind === 'field') {
      for (const n of nodes) {
        const v = (n as Record<string, unknown>)[step.key];
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) { for (const x of v) if (x !== null) next.push(x); } else next.push(v);
      }
      type = step.type;
      types = null;
    } else if (step.kind === 'choice') {
      for (const n of nodes) {
        for (const k in n as object) {
          if (k.length > step.name.length && k.startsWith(step.name) && k.charCodeAt(step.name.length) < 91) {
            const v = (n as Record<string, unknown>)[k];
            if (v === undefined || v === null) continue;
            const t = choiceTypeName(k.slice(step.name.length));
            if (Array.isArray(v)) { for (const x of v) { next.push(x); nextTypes.push(t); } } else { next.push(v); nextTypes.push(t); }
          }
        }
      }
      types = nextTypes;
      type = null;
    } else if (step.kind === 'where') {
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i];
        if (typeof n === 'object' && (n as Record<string, unknown>)[step.field] === step.equals) {
          next.push(n);
          if (types) nextTypes.push(types[i]!);
        }
      }
      if (types) types = nextTypes;
    } else {
      for (let i = 0; i < nodes.length; i++) {
        const t = types ? types[i] : type;
        if (t === step.type) { next.push(nodes[i]); nextTypes.push(step.type); }
      }
      types = null;
      type = step.type;
    }
    nodes = next;
    if (nodes.length === 0) return;
  }
  for (let i = 0; i < nodes.length; i++) out.push({ type: (types ? types[i] : type) ?? 'unknown', value: nodes[i] });
}

/** A compiled accessor for `expression` on `resourceType`, or null when it is outside the fast subset. */
export function compileFast(expression: string, resourceType: string): Evaluator | null {
  const paths: CompiledPath[] = [];
  for (const member of splitUnion(expression)) {
    const p = compilePath(member, resourceType);
    if (!p) return null;
    paths.push(p);
  }
  return (resource) => {
    const out: TypedValue[] = [];
    for (const p of paths) if (p.root === resource.resourceType || ANY_RESOURCE.has(p.root)) runPath(p, resource, out);
    return out;
  };
}

const SYSTEM_TYPES: Record<string, string> = {
  String: 'string', Boolean: 'boolean', Integer: 'integer', Decimal: 'decimal', Date: 'date', DateTime: 'dateTime', Time: 'time', Quantity: 'Quantity',
};

interface FpNode {
  data: unknown;
  getTypeInfo(): { name: string; namespace: string };
  toJSON(): string;
}

/** The node's value as in the resource JSON (fhirpath.js wraps numbers and dates in its own classes). */
function rawValue(n: FpNode): unknown {
  const d = n.data;
  if (d !== null && typeof d === 'object' && !Array.isArray(d) && Object.getPrototypeOf(d) !== Object.prototype) return JSON.parse(n.toJSON());
  return d;
}

/** The reference evaluator: fhirpath.js with the R4 model, compiled once. */
export function compileFhirpath(expression: string): Evaluator {
  const fn = fhirpath.compile(expression, r4model, { resolveInternalTypes: false }) as unknown as (r: unknown) => FpNode[];
  return (resource) => {
    const out: TypedValue[] = [];
    for (const n of fn(resource)) {
      if (n === null || typeof n !== 'object' || !('getTypeInfo' in n)) continue;
      const info = n.getTypeInfo();
      const type = info.namespace === 'System' ? (SYSTEM_TYPES[info.name] ?? info.name) : info.name;
      out.push({ type, value: rawValue(n) });
    }
    return out;
  };
}

/** Fast accessor when possible, else fhirpath.js. */
export function compileEvaluator(expression: string, resourceType: string): { evaluate: Evaluator; fast: boolean } {
  const fast = compileFast(expression, resourceType);
  return fast ? { evaluate: fast, fast: true } : { evaluate: compileFhirpath(expression), fast: false };
}
