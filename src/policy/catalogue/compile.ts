// Compiles the catalogue rows into one spec tree per resource type (done once per type, then cached):
// the redactor walks a resource against it. Also answers "does the catalogue classify this element?".
import structure from '../generated/ror-structure.json' with { type: 'json' };
import baseMandatory from '../generated/base-mandatory.json' with { type: 'json' };
import fhirElements from '../generated/fhir-elements.json' with { type: 'json' };
import { DISCRIMINATORS, LEVEL_READERS } from './conditions.js';
import { GROUPS, type GroupDef } from './groups.js';
import { CATALOGUE, DISCRIMINATED_PATHS, type CatalogueResourceType, type CatalogueRow } from './rows.js';
import { extensionUrls } from './urls.js';

/** A catalogue row turned into a classification of one node. */
export interface RowClass {
  group: GroupDef;
  row: CatalogueRow;
  levelFrom?: (value: unknown) => 1 | 2 | 3;
}

export interface NodeSpec {
  /** Catalogue path of this node (for explanations). */
  path: string;
  own?: RowClass;
  discriminate?: (value: unknown) => string | null;
  cases?: Map<string, RowClass>;
  props: Map<string, NodeSpec>;
  exts: Map<string, NodeSpec>;
  /** Resource root: an unlisted property is hors catalogue. Elsewhere unlisted properties inherit. */
  closed: boolean;
  isExtension: boolean;
  isReference: boolean;
  /** Property names with min >= 1 (ROR differential or FHIR base). */
  mandatory: Set<string>;
  /** Extension URLs with min >= 1. */
  mandatoryExt: Set<string>;
}

const newSpec = (path: string, closed = false, isExtension = false): NodeSpec => ({
  path, props: new Map(), exts: new Map(), closed, isExtension, isReference: false, mandatory: new Set(), mandatoryExt: new Set(),
});

/** Spec of anything the catalogue does not know: hors catalogue, profile 1 only. */
export const UNKNOWN_ROW: CatalogueRow = { type: 'Organization', path: '*', group: 'horsCatalogue', note: 'unknown element or extension' };
export const UNKNOWN_CLASS: RowClass = { group: GROUPS.horsCatalogue, row: UNKNOWN_ROW };
export const UNKNOWN_SPEC: NodeSpec = { ...newSpec('(hors catalogue)'), own: UNKNOWN_CLASS };
/** Spec of a standard child of a classified element (e.g. CodeableConcept.coding): inherits. */
export const INHERIT_SPEC: NodeSpec = newSpec('(inherited)');

interface Segment { kind: 'prop' | 'ext'; name: string }

export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  const re = /extension\(([^)]+)\)|([A-Za-z_][A-Za-z0-9_]*)/g;
  for (const m of path.matchAll(re)) segments.push(m[1] ? { kind: 'ext', name: m[1] } : { kind: 'prop', name: m[2] });
  return segments;
}

function classOf(row: CatalogueRow): RowClass | undefined {
  if (row.group === 'inherit') return undefined;
  return { group: GROUPS[row.group], row, levelFrom: row.levelFrom ? LEVEL_READERS[row.levelFrom] : undefined };
}

/** Walk (creating) the specs a path names; an extension segment may fan out to several URL variants. */
function specsAt(root: NodeSpec, type: string, path: string, create: boolean): NodeSpec[] {
  let current: NodeSpec[] = [root];
  let display = type;
  for (const seg of parsePath(path)) {
    const next: NodeSpec[] = [];
    for (const spec of current) {
      if (seg.kind === 'prop') {
        display += `.${seg.name}`;
        let child = spec.props.get(seg.name);
        if (!child && create) spec.props.set(seg.name, (child = newSpec(display)));
        if (child) next.push(child);
      } else {
        display += `.extension(${seg.name})`;
        for (const url of extensionUrls(seg.name, spec.isExtension)) {
          let child = spec.exts.get(url);
          if (!child && create) spec.exts.set(url, (child = newSpec(display, false, true)));
          if (child) next.push(child);
        }
      }
    }
    current = next;
  }
  return current;
}

function compileType(type: CatalogueResourceType): NodeSpec {
  const root = newSpec(type, true);
  for (const row of CATALOGUE) {
    if (row.type !== type) continue;
    for (const spec of specsAt(root, type, row.path, true)) {
      const cls = classOf(row);
      if (row.reference) spec.isReference = true;
      const discriminator = DISCRIMINATED_PATHS[`${type}.${row.path}`];
      if (discriminator && row.when !== undefined) {
        spec.discriminate = DISCRIMINATORS[discriminator];
        spec.cases ??= new Map();
        if (cls) spec.cases.set(row.when, cls);
      } else if (cls) {
        spec.own = cls;
      }
    }
  }
  addMandatory(root, type);
  return root;
}

type StructureJson = {
  profiles: Record<string, { type: string; elements: { id: string; min?: number; extensionUrl?: string }[] }>;
  extensions: Record<string, { subExtensions: { url: string; min: number }[] }>;
};
const STRUCTURE = structure as StructureJson;

/** min >= 1 of the ROR differential (elements and extension slices) and the FHIR base. */
function addMandatory(root: NodeSpec, type: string): void {
  for (const name of (baseMandatory as Record<string, string[]>)[type] ?? []) root.mandatory.add(name);
  const profile = Object.values(STRUCTURE.profiles).find((p) => p.type === type);
  if (!profile) return;
  const sliceUrl = new Map<string, string>();
  for (const e of profile.elements) if (e.extensionUrl) sliceUrl.set(e.id, e.extensionUrl);
  for (const e of profile.elements) {
    if (!e.min || e.min < 1) continue;
    const parts = e.id.split('.').slice(1);
    if (parts.length === 0) continue;
    // Walk to the parent node; skip mins under non-extension slices (they bind one slice, not the element).
    let specs: NodeSpec[] = [root];
    let prefix = type;
    let valid = true;
    for (let i = 0; i < parts.length - 1 && valid; i++) {
      prefix += `.${parts[i]}`;
      const [name, slice] = parts[i].split(':');
      if (slice && name !== 'extension') valid = false;
      else if (name === 'extension' && slice) specs = specs.flatMap((s) => { const url = sliceUrl.get(prefix); const c = url ? s.exts.get(url) : undefined; return c ? [c] : []; });
      else specs = specs.flatMap((s) => { const c = s.props.get(name); return c ? [c] : []; });
    }
    if (!valid) continue;
    const last = parts[parts.length - 1];
    const [name, slice] = last.split(':');
    for (const spec of specs) {
      if (name === 'extension' && slice && e.extensionUrl) spec.mandatoryExt.add(e.extensionUrl);
      else if (!slice && name !== 'extension') spec.mandatory.add(name.replace('[x]', ''));
    }
  }
  // Mandatory sub-extensions of ROR complex extensions, wherever they are used.
  const visit = (spec: NodeSpec) => {
    for (const [url, child] of spec.exts) {
      for (const sub of STRUCTURE.extensions[url]?.subExtensions ?? []) if (sub.min >= 1) child.mandatoryExt.add(sub.url);
      visit(child);
    }
    for (const child of spec.props.values()) visit(child);
  };
  visit(root);
}

const COMPILED = new Map<string, NodeSpec | null>();

/** The compiled spec of a resource type, or null when the catalogue does not cover the type. */
export function specOf(type: string): NodeSpec | null {
  let spec = COMPILED.get(type);
  if (spec === undefined) {
    spec = (CATALOGUE.some((r) => r.type === type) ? compileType(type as CatalogueResourceType) : null);
    COMPILED.set(type, spec);
  }
  return spec;
}

/** Names of FHIR R4 elements (data types, covered resources) and the type suffixes of choice elements. */
const FHIR_NAMES = new Set<string>(fhirElements.names);
const CHOICE_TYPES = new Map<string, Set<string>>(Object.entries(fhirElements.choices as Record<string, string[]>).map(([base, types]) => [base, new Set(types)]));

/** Answers of choiceBase by key (keys are element names: a few hundred at most in practice). */
const CHOICE_BASES = new Map<string, string | null>();

/** The choice element a key names (`valueString` → `value`), when it is one with that type. */
function choiceBase(name: string): string | null {
  let base = CHOICE_BASES.get(name);
  if (base === undefined) {
    base = null;
    for (let i = 1; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c < 65 || c > 90) continue; // the type suffix starts at the first capital
      if (CHOICE_TYPES.get(name.slice(0, i))?.has(name.slice(i))) base = name.slice(0, i);
      break;
    }
    if (CHOICE_BASES.size < 10_000) CHOICE_BASES.set(name, base);
  }
  return base;
}

/**
 * Child spec of a property name, `_name` (primitive extensions) and choice types (`valueString` → `value`).
 * An unlisted child inherits its parent's class only when FHIR knows such an element (a standard child of
 * the datatype, say `telecom.value`); any other name is hors catalogue, like an unlisted root property
 * (deny by default: a made-up `nameSecret` or `telecom.secretNote` is never read as `name` or `telecom`).
 */
export function propSpec(spec: NodeSpec, key: string): NodeSpec {
  const name = key.charCodeAt(0) === 95 ? key.slice(1) : key;
  const direct = spec.props.get(name);
  if (direct) return direct;
  const base = choiceBase(name);
  if (base !== null) {
    const c = spec.props.get(base);
    if (c) return c;
  }
  if (spec.closed) return UNKNOWN_SPEC;
  return FHIR_NAMES.has(name) || base !== null ? INHERIT_SPEC : UNKNOWN_SPEC;
}

/**
 * Whether two versions of an extension of a resource are classified alike: the same row (discriminated
 * case) and the same own level. The visibility of an extension's parts is its own AND its parts' (whose
 * rows depend on their url only), so where this holds, the parts that did not change keep their
 * visibility: what a change of a few sub-extensions can alter in a resource's index is their rows alone.
 */
export function sameExtensionClass(type: string, url: string, before: unknown, after: unknown): boolean {
  const spec = specOf(type)?.exts.get(url);
  if (!spec) return true; // unknown or uncovered: hors catalogue whatever its content
  if (spec.discriminate && spec.discriminate(before) !== spec.discriminate(after)) return false;
  const classes = [spec.own, ...(spec.cases?.values() ?? [])];
  return classes.every((c) => !c?.levelFrom || c.levelFrom(before) === c.levelFrom(after));
}

/**
 * Whether the catalogue classifies a StructureDefinition element id (e.g.
 * `HealthcareService.characteristic:specificAct`, `Organization.extension:usePeriod.value[x].end`),
 * given the URL of each extension slice on the path. Used by the coverage test.
 */
export function classifiesElement(type: string, elementId: string, sliceUrls: ReadonlyMap<string, string>): boolean {
  const root = specOf(type);
  if (!root) return false;
  const parts = elementId.split('.').slice(1);
  let spec: NodeSpec = root;
  let prefix = type;
  for (const part of parts) {
    prefix += `.${part}`;
    const [rawName, slice] = part.split(':');
    const name = rawName.replace('[x]', '');
    if (name === 'extension' || name === 'modifierExtension') {
      if (!slice) continue; // the slicing element itself
      const url = sliceUrls.get(prefix) ?? extensionUrls(slice, spec.isExtension)[0];
      const child = spec.exts.get(url);
      if (!child) return false;
      spec = child;
      continue;
    }
    if (name === 'url' && spec.isExtension) continue;
    const child = propSpec(spec, name);
    if (child === UNKNOWN_SPEC) return false;
    if (slice && child.discriminate && !child.cases?.has(slice)) return false;
    spec = child;
  }
  return true;
}

/** Whether an extension URL (optionally nested under a parent extension path) is known at a path. */
export function classifiesExtension(type: string, catalogueParentPath: string, url: string): boolean {
  const root = specOf(type);
  if (!root) return false;
  const specs = catalogueParentPath ? specsAt(root, type, catalogueParentPath, false) : [root];
  return specs.some((s) => s.exts.has(url));
}
