// ROR profile checks (generated/ror-profiles.json, compiled from the IG differentials): cardinalities,
// required extensions, CodeableConcept slices by coding.system, fixed values, extension value[x] types,
// codes of the value sets we hold. Every deviation is a warning (policy-decisions §4c: stored anyway).

import type { Issue } from '../errors.js';
import profilesJson from './generated/ror-profiles.json' with { type: 'json' };

type SliceSystems = { systems: string[] } | { systemName: string };
interface ResourceRules {
  min: [string, number][];
  max: [string, number][];
  extensions: [parent: string, element: string, url: string, min: number, max: number | null][];
  slices: [path: string, slice: string, min: number, max: number | null, systems: SliceSystems][];
  bindings: [string, string][];
  fixed: [string, string | number | boolean][];
}
interface SubExtension { url?: string; min?: number; max?: number; value?: string[]; vs?: string }
interface ExtensionRules { value?: string[]; vs?: string; sub?: Record<string, SubExtension>; subMin?: number }
const PROFILES = profilesJson as unknown as {
  profiles: Record<string, ResourceRules>;
  extensions: Record<string, ExtensionRules>;
  valueSets: Record<string, Record<string, string[]>>;
};

export type ProfileCheck = (resource: Record<string, unknown>, issues: Issue[]) => void;

const warn = (issues: Issue[], code: Issue['code'], path: string, diagnostics: string) =>
  issues.push({ severity: 'warning', code, diagnostics: `${path}: ${diagnostics}`, expression: [path] });

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const shortName = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** Nodes at a dotted path, with their FHIRPath-ish locations. */
type Located = { node: unknown; path: string };
function compilePath(segments: string[]): (root: unknown, rootPath: string) => Located[] {
  return (root, rootPath) => {
    let current: Located[] = [{ node: root, path: rootPath }];
    for (const seg of segments) {
      const next: Located[] = [];
      for (const { node, path } of current) {
        if (node === null || typeof node !== 'object') continue;
        const child = (node as Record<string, unknown>)[seg];
        if (Array.isArray(child)) child.forEach((c, i) => next.push({ node: c, path: `${path}.${seg}[${i}]` }));
        else if (child !== undefined) next.push({ node: child, path: `${path}.${seg}` });
      }
      current = next;
    }
    return current;
  };
}

/** Codings of a CodeableConcept or Coding value. */
const codingsOf = (v: unknown): { system?: unknown; code?: unknown }[] => {
  if (v === null || typeof v !== 'object') return [];
  const o = v as Record<string, unknown>;
  return Array.isArray(o.coding) ? (o.coding as { system?: unknown }[]) : 'system' in o || 'code' in o ? [o] : [];
};

/** A value-set test: true when some coding is in the set. */
function compileValueSet(url: string): (value: unknown) => boolean {
  const vs = PROFILES.valueSets[url];
  const bySystem = new Map(Object.entries(vs).map(([s, codes]) => [s, codes.length ? new Set(codes) : null]));
  return (value) => codingsOf(value).some((c) => {
    if (typeof c.system !== 'string' || !bySystem.has(c.system)) return false;
    const codes = bySystem.get(c.system);
    return codes === null || codes === undefined || codes.has(String(c.code));
  });
}

function compileSliceMatcher(s: SliceSystems): (value: unknown) => boolean {
  if ('systems' in s) {
    const systems = new Set(s.systems);
    return (v) => codingsOf(v).some((c) => typeof c.system === 'string' && systems.has(c.system));
  }
  // NOS naming convention: JDV-Jnn-<Name>-ROR draws its codes from TRE-Rnnn-<Name>.
  const re = new RegExp(`TRE[-_]R\\d+-${s.systemName.replace(/[^A-Za-z0-9]/g, '')}$`);
  return (v) => codingsOf(v).some((c) => typeof c.system === 'string' && re.test(c.system));
}

const parentAndLast = (path: string): [string[], string] => {
  const segs = path ? path.split('.') : [];
  return [segs.slice(0, -1), segs[segs.length - 1]];
};

export function compileProfile(type: string): ProfileCheck {
  const rules = PROFILES.profiles[type];
  const checks: ((root: Record<string, unknown>, issues: Issue[]) => void)[] = [];

  for (const [path, min] of rules.min) {
    const [parent, last] = parentAndLast(path);
    const parents = compilePath(parent);
    const what = path === 'type' && type === 'HealthcareService' ? ' (champ d\'activité)' : '';
    checks.push((root, issues) => {
      for (const p of parents(root, type)) {
        const n = asList((p.node as Record<string, unknown>)[last]).length;
        if (n < min) warn(issues, 'required', `${p.path}.${last}`, `expected at least ${min}, found ${n}${what}`);
      }
    });
  }
  for (const [path, max] of rules.max) {
    const [parent, last] = parentAndLast(path);
    const parents = compilePath(parent);
    checks.push((root, issues) => {
      for (const p of parents(root, type)) {
        const n = asList((p.node as Record<string, unknown>)[last]).length;
        if (n > max) warn(issues, 'structure', `${p.path}.${last}`, `expected at most ${max}, found ${n}`);
      }
    });
  }
  for (const [parentPath, element, url, min, max] of rules.extensions) {
    const parents = compilePath(parentPath ? parentPath.split('.') : []);
    const name = shortName(url);
    checks.push((root, issues) => {
      for (const p of parents(root, type)) {
        const n = asList((p.node as Record<string, unknown>)[element]).filter((e) => (e as { url?: unknown })?.url === url).length;
        if (n < min) warn(issues, 'required', `${p.path}.${element}`, `missing mandatory extension ${name}`);
        if (max !== null && n > max) warn(issues, 'structure', `${p.path}.${element}`, `extension ${name} at most ${max} time(s), found ${n}`);
      }
    });
  }
  for (const [path, slice, min, max, systems] of rules.slices) {
    const [parent, last] = parentAndLast(path);
    const parents = compilePath(parent);
    const matches = compileSliceMatcher(systems);
    checks.push((root, issues) => {
      for (const p of parents(root, type)) {
        const n = asList((p.node as Record<string, unknown>)[last]).filter(matches).length;
        if (n < min) warn(issues, 'required', `${p.path}.${last}`, `missing ${slice} (expected at least ${min})`);
        if (max !== null && n > max) warn(issues, 'structure', `${p.path}.${last}`, `${slice} at most ${max} time(s), found ${n}`);
      }
    });
  }
  for (const [path, vsUrl] of rules.bindings) {
    const nodes = compilePath(path.split('.'));
    const inSet = compileValueSet(vsUrl);
    checks.push((root, issues) => {
      for (const n of nodes(root, type)) {
        if (typeof n.node === 'object' && !inSet(n.node)) warn(issues, 'value', n.path, `code outside value set ${shortName(vsUrl)}`);
      }
    });
  }
  for (const [path, value] of rules.fixed) {
    const nodes = compilePath(path.split('.'));
    checks.push((root, issues) => {
      for (const n of nodes(root, type)) if (n.node !== value) warn(issues, 'value', n.path, `expected ${JSON.stringify(value)}`);
    });
  }
  return (resource, issues) => {
    for (const check of checks) check(resource, issues);
  };
}

const EXTENSIONS = new Map<string, (ext: Record<string, unknown>, path: string, issues: Issue[]) => void>();

/** The value[x] key of an extension and its type name, if any. */
function valueOf(ext: Record<string, unknown>): [string, string] | undefined {
  for (const key in ext) if (key.startsWith('value')) return [key, key.slice(5)];
  return undefined;
}
const typeMatches = (allowed: string[], name: string) => allowed.some((t) => t.toLowerCase() === name.toLowerCase());

function checkValue(ext: Record<string, unknown>, path: string, issues: Issue[], value: string[] | undefined, vs: ((v: unknown) => boolean) | undefined, vsName: string) {
  const v = valueOf(ext);
  if (value && value.length === 0 && v) warn(issues, 'structure', `${path}.${v[0]}`, 'this extension takes no value');
  else if (value && value.length && v && !typeMatches(value, v[1])) {
    warn(issues, 'value', `${path}.${v[0]}`, `value type ${v[1]} not allowed (expected ${value.join(' or ')})`);
  }
  if (vs && v && typeof ext[v[0]] === 'object' && !vs(ext[v[0]])) warn(issues, 'value', `${path}.${v[0]}`, `code outside value set ${vsName}`);
}

function compileExtension(url: string): ((ext: Record<string, unknown>, path: string, issues: Issue[]) => void) | undefined {
  const rules = PROFILES.extensions[url];
  if (!rules) return undefined;
  const vs = rules.vs ? compileValueSet(rules.vs) : undefined;
  const subs = Object.entries(rules.sub ?? {}).map(([name, s]) => ({
    name, ...s, inSet: s.vs ? compileValueSet(s.vs) : undefined,
  }));
  return (ext, path, issues) => {
    checkValue(ext, path, issues, rules.value, vs, rules.vs ? shortName(rules.vs) : '');
    if (!subs.length) return;
    const children = asList(ext.extension) as Record<string, unknown>[];
    for (const s of subs) {
      let n = 0;
      children.forEach((c, i) => {
        if (c?.url !== (s.url ?? s.name)) return;
        n++;
        checkValue(c, `${path}.extension[${i}]`, issues, s.value, s.inSet, s.vs ? shortName(s.vs) : '');
      });
      if (s.min && n < s.min) warn(issues, 'required', `${path}.extension`, `missing ${s.name} in ${shortName(url)}`);
      if (s.max !== undefined && n > s.max) warn(issues, 'structure', `${path}.extension`, `${s.name} at most ${s.max} time(s) in ${shortName(url)}`);
    }
  };
}

/** Checks an extension against its ROR definition, if it is a ROR extension. */
export function checkRorExtension(ext: Record<string, unknown>, path: string, issues: Issue[]): void {
  const url = ext.url;
  if (typeof url !== 'string' || !(url in PROFILES.extensions)) return;
  let check = EXTENSIONS.get(url);
  if (!check) {
    check = compileExtension(url)!;
    EXTENSIONS.set(url, check);
  }
  check(ext, path, issues);
}

export const PROFILED_TYPES: readonly string[] = Object.keys(PROFILES.profiles);
