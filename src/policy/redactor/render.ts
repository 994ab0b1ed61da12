// The redactor: walks a resource once against its compiled spec, computing a 6-bit visibility mask per
// node, then projects the six views (profiles whose masks agree on every node share one view object).
import { carriesNrbc } from '../catalogue/conditions.js';
import { INHERIT_SPEC, UNKNOWN_SPEC, propSpec, specOf, type NodeSpec, type RowClass } from '../catalogue/compile.js';
import { GROUPS, type GroupDef } from '../catalogue/groups.js';
import { DATA_ABSENT_REASON, SECURITY_SYSTEM, ror } from '../catalogue/urls.js';
import { levelIn, sectorBits, sectorsOfBits, visibilityMask } from '../profiles.js';
import { ALL_PROFILES, PROFILES, type HiddenPath, type Level, type PolicyContext, type Profile, type RenderedViews, type Resource } from '../types.js';

/** Annotation of a subtree: a number = every node of the subtree has that mask; else per-child. */
type Ann = number | AnnNode;
/** `p`: the node's projection per profile, kept on the annotations of remembered items only (see memo). */
interface AnnNode { m: number; s: NodeSpec; c: Ann[] | Record<string, Ann>; p?: unknown[] }

interface Removal { path: string; removed: number; group: GroupDef; level: Level; bits: number; rule: string }

const SENSITIVE_URL = ror('ror-healthcareservice-sensitive-unit');
const CREATION_DATE_URL = ror('ror-meta-creation-date');
const REF_RE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(\/_history\/[^/]+)?$/;
const SHELL_KEYS = new Set(['resourceType', 'id', 'meta', 'implicitRules', 'language']);

// Masks per (group, own level or none, sector bits) are computed once.
const MASK_CACHE = new Map<GroupDef, Int8Array>();
function maskOfGroup(group: GroupDef, bits: number, level?: Level): number {
  let table = MASK_CACHE.get(group);
  if (!table) {
    table = new Int8Array(4 * 8).fill(-1);
    MASK_CACHE.set(group, table);
  }
  const i = (level ?? 0) * 8 + bits;
  let m = table[i];
  if (m === -1) table[i] = m = visibilityMask(group, bits, level);
  return m;
}

const strictestLevel = (group: GroupDef, bits: number, level?: Level): Level =>
  sectorsOfBits(bits).reduce<Level>((acc, s) => Math.max(acc, levelIn(group, s, level)) as Level, 1);

/**
 * The walks of the items of a resource's top-level lists, remembered by identity (off unless a thread asks
 * for it: the server's writes). A capacity update replaces one indicator among dozens: the new version keeps
 * the others as the same objects (patches copy only what they change, parsed stored bodies are reused), and
 * each was walked in the same way at the previous render. An item's walk depends only on the item, its spec,
 * the mask it inherits and the sector bits, unless it holds a reference (the policy context says which
 * references exist): such walks are never remembered. Sound because those objects are never mutated
 * (parsed-bodies.ts freezes them under the test runner). Its projections are kept with its annotation, so a
 * kept item's projected view is the same object from one render to the next (its text is then remembered
 * by identity too: stringifyShared in fhir/views/render.ts).
 */
interface Walked {
  spec: NodeSpec;
  parent: number;
  bits: number;
  ann: Ann;
  /** Masks the walk saw (Walker.seen0/1 bits). */
  seen0: number;
  seen1: number;
  /** Removals, their paths relative to the item's. */
  removals: Removal[];
}
let walks: WeakMap<object, Walked[]> | null = null;
/** Walks remembered per item: one per (spec, inherited mask, sector bits) seen, the latest few. */
const WALKS_PER_ITEM = 4;

/** Remember the walks of top-level list items on this thread from now on (see Walked). */
export function rememberRedactions(): void {
  walks ??= new WeakMap();
}

/** Kinds of the segments of a node's path: `.key`, `[i]`, `[i](last segment of the extension url)`. */
const PROPERTY = 0;
const ITEM = 1;
const EXTENSION = 2;

class Walker {
  readonly removals: Removal[] = [];
  seen0 = 0; // bitset of masks seen (masks 0..31)
  seen1 = 0; // masks 32..63
  /** References looked up in the policy context so far (a walk that looked one up is not remembered). */
  referenceLookups = 0;
  // The path of the node being visited, as segments: its text is built only when a removal records it
  // (a closure or a string per node was most of what a render allocated).
  private readonly kinds: number[] = [];
  private readonly keys: (string | number)[] = [];
  private readonly urls: string[] = [];

  constructor(readonly bits: number, readonly ctx: PolicyContext, private readonly root: string) {
    this.note(ALL_PROFILES);
  }

  private note(m: number): void {
    if (m < 32) this.seen0 |= 1 << m; else this.seen1 |= 1 << (m - 32);
  }

  private enter(kind: number, key: string | number, url = ''): void {
    this.kinds.push(kind);
    this.keys.push(key);
    this.urls.push(url);
  }

  private leave(): void {
    this.kinds.pop();
    this.keys.pop();
    this.urls.pop();
  }

  private path(): string {
    let out = this.root;
    for (let i = 0; i < this.kinds.length; i++) {
      const key = this.keys[i];
      if (this.kinds[i] === PROPERTY) out += `.${key}`;
      else if (this.kinds[i] === ITEM) out += `[${key}]`;
      else out += `[${key}](${this.urls[i].slice(this.urls[i].lastIndexOf('/') + 1)})`;
    }
    return out;
  }

  /** `rule`: the reason recorded when `next` removes profiles from `parent` (a function: only then built). */
  private narrow(parent: number, next: number, group: GroupDef, level: Level | undefined, rule: string | (() => string)): number {
    const m = parent & next;
    if (m !== parent) {
      this.removals.push({ path: this.path(), removed: parent & ~m, group, level: strictestLevel(group, this.bits, level), bits: this.bits, rule: typeof rule === 'string' ? rule : rule() });
      this.note(m);
    }
    return m;
  }

  private classMask(parent: number, cls: RowClass | undefined, value: unknown): number {
    if (!cls) return parent;
    const level = cls.levelFrom ? cls.levelFrom(value) : undefined;
    const next = maskOfGroup(cls.group, this.bits, level);
    if ((parent & next) === parent) return parent;
    const rule = cls.row === UNKNOWN_SPEC.own!.row ? 'unknown element or extension: profile 1 only' : `catalogue: ${cls.row.type}.${cls.row.path}${cls.row.when ? ` [${cls.row.when}]` : ''}${level ? ` (own level ${level})` : ''}`;
    return this.narrow(parent, next, cls.group, level, rule);
  }

  visit(value: unknown, spec: NodeSpec, parent: number): Ann {
    // An array is not a datum: each item is classified (contacts, slices and capacities differ per item).
    if (Array.isArray(value)) return this.visitArray(value, spec, parent);
    let m = this.classMask(parent, spec.own, value);
    if (spec.discriminate && m !== 0) {
      const which = spec.discriminate(value);
      const cls = which === null ? undefined : spec.cases?.get(which);
      m = this.classMask(m, cls ?? UNKNOWN_SPEC.own, value);
    }
    if (m === 0 || value === null || typeof value !== 'object') return m;
    const obj = value as Record<string, unknown>;
    const ref = obj.reference;
    if (typeof ref === 'string' && REF_RE.test(ref)) {
      this.referenceLookups++;
      m = this.narrow(m, this.ctx.referenceMask(ref) & ALL_PROFILES, GROUPS.identification, undefined, () => `reference ${ref} does not exist for the profile`);
    }
    if ((obj.coding !== undefined || obj.code !== undefined) && carriesNrbc(obj)) {
      m = this.narrow(m, maskOfGroup(GROUPS.nrbc, this.bits), GROUPS.nrbc, undefined, 'NRBC act code (TRE_R210 0006/0007/0008): très restreint wherever it appears');
    }
    if (m === 0) return 0;
    // the children's annotations are kept only once one differs from m (most subtrees are uniform)
    let children: Record<string, Ann> | null = null;
    for (const key in obj) {
      const child = obj[key];
      let ann: Ann;
      if (key === 'resourceType') ann = m;
      else {
        this.enter(PROPERTY, key);
        ann = key === 'extension' || key === 'modifierExtension' ? this.visitExtensions(child, spec, m) : this.visit(child, propSpec(spec, key), m);
        this.leave();
      }
      if (children) children[key] = ann;
      else if (ann !== m) {
        children = {};
        for (const k in obj) {
          if (k === key) break;
          children[k] = m;
        }
        children[key] = ann;
      }
    }
    return children ? { m, s: spec, c: children } : m;
  }

  /** visit() of a list item, remembered for the items of top-level lists (see Walked). */
  private visitItem(item: unknown, spec: NodeSpec, parent: number): Ann {
    if (!walks || this.kinds.length !== 2 || item === null || typeof item !== 'object') return this.visit(item, spec, parent);
    const known = walks.get(item);
    const hit = known?.find((w) => w.spec === spec && w.parent === parent && w.bits === this.bits);
    if (hit) {
      this.seen0 |= hit.seen0;
      this.seen1 |= hit.seen1;
      if (hit.removals.length) {
        const prefix = this.path();
        for (const r of hit.removals) this.removals.push({ ...r, path: prefix + r.path });
      }
      return hit.ann;
    }
    const { seen0, seen1, referenceLookups } = this;
    const firstRemoval = this.removals.length;
    this.seen0 = this.seen1 = 0;
    const ann = this.visit(item, spec, parent);
    const walked: Walked = { spec, parent, bits: this.bits, ann, seen0: this.seen0, seen1: this.seen1, removals: [] };
    this.seen0 |= seen0;
    this.seen1 |= seen1;
    if (this.referenceLookups !== referenceLookups) return ann;
    if (this.removals.length > firstRemoval) {
      const prefix = this.path().length;
      walked.removals = this.removals.slice(firstRemoval).map((r) => ({ ...r, path: r.path.slice(prefix) }));
    }
    if (typeof ann !== 'number') ann.p = [];
    walks.set(item, known ? [walked, ...known.slice(0, WALKS_PER_ITEM - 1)] : [walked]);
    return ann;
  }

  /** The annotations of a list's items, or null when they all have m. */
  private items(list: unknown[], m: number, visitItem: (item: unknown, i: number) => Ann): Ann[] | null {
    let children: Ann[] | null = null;
    for (let i = 0; i < list.length; i++) {
      const ann = visitItem(list[i], i);
      if (children) children[i] = ann;
      else if (ann !== m) {
        children = new Array(list.length).fill(m);
        children[i] = ann;
      }
    }
    return children;
  }

  private visitArray(list: unknown[], spec: NodeSpec, m: number): Ann {
    const ann = this.items(list, m, (item, i) => {
      this.enter(ITEM, i);
      const a = this.visitItem(item, spec, m);
      this.leave();
      return a;
    });
    return ann ? { m, s: spec, c: ann } : m;
  }

  private visitExtensions(list: unknown, spec: NodeSpec, m: number): Ann {
    if (!Array.isArray(list)) return this.visit(list, UNKNOWN_SPEC, m);
    const ann = this.items(list, m, (item, i) => {
      const url = typeof (item as { url?: unknown } | null)?.url === 'string' ? (item as { url: string }).url : '';
      this.enter(EXTENSION, i, url);
      const a = this.visitItem(item, spec.exts.get(url) ?? UNKNOWN_SPEC, m);
      this.leave();
      return a;
    });
    return ann ? { m, s: spec, c: ann } : m;
  }
}

const REMOVED = Symbol('removed');
const darExtension = () => ({ url: DATA_ABSENT_REASON, valueCode: 'masked' });
const darElement = () => ({ extension: [darExtension()] });

function project(value: unknown, ann: Ann, bit: number): unknown {
  if (typeof ann === 'number') return ann & bit ? value : REMOVED;
  if (!(ann.m & bit)) return REMOVED;
  // a remembered item's annotation (Walked) is its item's alone: its projections are kept with it
  if (ann.p) return (ann.p[31 - Math.clz32(bit)] ??= projectNode(value, ann, bit));
  return projectNode(value, ann, bit);
}

function projectNode(value: unknown, ann: AnnNode, bit: number): unknown {
  if (Array.isArray(value)) {
    const c = ann.c as Ann[];
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const r = project(value[i], c[i], bit);
      if (r !== REMOVED) out.push(r);
    }
    return out;
  }
  const obj = value as Record<string, unknown>;
  const c = ann.c as Record<string, Ann>;
  const spec = ann.s;
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const key in obj) {
    const original = obj[key];
    const r = key === 'extension' || key === 'modifierExtension' ? projectExtensions(original, c[key], bit, spec) : project(original, c[key], bit);
    if (r === REMOVED || (Array.isArray(r) && r.length === 0)) {
      const name = key.charCodeAt(0) === 95 ? key.slice(1) : key;
      if (spec.mandatory.has(name) && key === name) {
        if (Array.isArray(original)) {
          if (original.some((v) => v !== null && typeof v === 'object')) out[key] = [darElement()];
          else out[`_${key}`] = [darElement()];
        } else if (original !== null && typeof original === 'object') out[key] = darElement();
        else out[`_${key}`] = darElement();
      }
      continue;
    }
    out[key] = r;
    kept++;
  }
  return kept === 0 && Object.keys(out).length === 0 ? REMOVED : out;
}

function projectExtensions(list: unknown, ann: Ann, bit: number, spec: NodeSpec): unknown {
  if (!Array.isArray(list)) return project(list, ann, bit);
  const r = project(list, ann, bit);
  if (r === REMOVED || typeof ann === 'number' || spec.mandatoryExt.size === 0) return r;
  const out = r as Record<string, unknown>[];
  for (const item of list as { url?: string }[]) {
    const url = item?.url;
    if (url && spec.mandatoryExt.has(url) && !out.some((e) => e?.url === url)) out.push({ url, extension: [darExtension()] });
  }
  return out;
}

const isDar = (v: unknown): boolean => {
  const ext = (v as { extension?: { url?: string }[] } | null)?.extension;
  return !!ext && ext.length === 1 && ext[0]?.url === DATA_ABSENT_REASON && Object.keys(v as object).length === 1;
};

/** `{ url, extension: [data-absent-reason] }`: a mandatory extension replaced by its mask. */
const isMaskedExtension = (e: { url?: string; extension?: unknown[] }): boolean =>
  Object.keys(e).length === 2 && Array.isArray(e.extension) && e.extension.length === 1 && (e.extension[0] as { url?: string }).url === DATA_ABSENT_REASON;

/** Nothing visible beyond id, meta (incl. ror-meta-creation-date), references and masks (§4b). */
function isEmptyShell(view: Record<string, unknown>, spec: NodeSpec): boolean {
  for (const key in view) {
    if (SHELL_KEYS.has(key) || key.charCodeAt(0) === 95) continue;
    const v = view[key];
    if (key === 'extension') {
      if ((v as { url?: string }[]).some((e) => e.url !== CREATION_DATE_URL && !isMaskedExtension(e))) return false;
      continue;
    }
    if (propSpec(spec, key).isReference) continue;
    if (Array.isArray(v) ? v.every(isDar) : isDar(v)) continue;
    return false;
  }
  return true;
}

function withRedactedTag(view: Record<string, unknown>): Record<string, unknown> {
  const meta = (view.meta ?? {}) as Record<string, unknown>;
  const security = Array.isArray(meta.security) ? meta.security : [];
  return { ...view, meta: { ...meta, security: [...security, { system: SECURITY_SYSTEM, code: 'REDACTED' }] } };
}

function isSensitiveUnit(resource: Resource): boolean {
  if (resource.resourceType !== 'HealthcareService' || !Array.isArray(resource.extension)) return false;
  return (resource.extension as { url?: string; valueBoolean?: boolean }[]).some((e) => e?.url === SENSITIVE_URL && e.valueBoolean === true);
}

function existenceMask(resource: Resource, bits: number, ctx: PolicyContext): { mask: number; reasons: [number, GroupDef, string][] } {
  let mask = ALL_PROFILES;
  const reasons: [number, GroupDef, string][] = [];
  if (ctx.sensitive || isSensitiveUnit(resource)) {
    const m = maskOfGroup(GROUPS.unitesSensibles, bits);
    reasons.push([mask & ~m, GROUPS.unitesSensibles, 'sensitive unit or its cascade (policy-decisions §4): very restricted as a whole']);
    mask &= m;
  }
  if (resource.resourceType === 'Practitioner' || resource.resourceType === 'PractitionerRole') {
    const m = maskOfGroup(GROUPS.exercicePs, bits);
    reasons.push([mask & ~m, GROUPS.exercicePs, 'a professional exists only for profiles that may see its exercise data (policy-decisions §4b)']);
    mask &= m;
  }
  return { mask, reasons };
}

/** Render the six views of a resource (policy-decisions §2-§4b). Pure; the input is never modified. */
export function renderViews(resource: Resource, ctx: PolicyContext): RenderedViews {
  const type = resource.resourceType;
  const bits = sectorBits(ctx.sectors);
  const spec = specOf(type) ?? { ...INHERIT_SPEC, path: type, own: UNKNOWN_SPEC.own, closed: true };
  const walker = new Walker(bits, ctx, type);
  const ann = walker.visit(resource, spec, ALL_PROFILES);
  const { mask: exists, reasons } = existenceMask(resource, bits, ctx);
  const hidden: HiddenPath[][] = PROFILES.map(() => []);
  const views: (Resource | null)[] = new Array(6).fill(null);
  const level = (g: GroupDef) => strictestLevel(g, bits);
  const sectors = sectorsOfBits(bits);
  const byKey = new Map<string, Resource | null>();
  for (const p of PROFILES) {
    const bit = 1 << p;
    if (!(exists & bit)) {
      const [, group, rule] = reasons.find(([removed]) => removed & bit)!;
      hidden[p].push({ path: type, group: group.name, level: level(group), sectors, rule });
      continue;
    }
    for (const r of walker.removals) if (r.removed & bit) hidden[p].push({ path: r.path, group: r.group.name, level: r.level, sectors, rule: r.rule });
    // Profiles whose bit agrees on every mask seen render identically: share the view.
    let key = '';
    for (let m = 0; m < 64; m++) {
      const seen = m < 32 ? walker.seen0 & (1 << m) : walker.seen1 & (1 << (m - 32));
      if (seen) key += m & bit ? '1' : '0';
    }
    if (byKey.has(key)) {
      views[p] = byKey.get(key)!;
      if (views[p] === null) hidden[p].push({ path: type, group: GROUPS.identification.name, level: 1, sectors, rule: 'empty shell: nothing visible beyond id, meta and references (policy-decisions §4b)' });
      continue;
    }
    let view = project(resource, ann, bit) as Record<string, unknown> | typeof REMOVED;
    let result: Resource | null;
    if (view === REMOVED || isEmptyShell(view as Record<string, unknown>, spec)) {
      result = null;
      hidden[p].push({ path: type, group: GROUPS.identification.name, level: 1, sectors, rule: 'empty shell: nothing visible beyond id, meta and references (policy-decisions §4b)' });
    } else {
      if (hidden[p].length > 0) view = withRedactedTag(view as Record<string, unknown>);
      result = view as Resource;
    }
    byKey.set(key, result);
    views[p] = result;
  }
  return { views, hidden };
}

/** The view of one profile (for tools serving narrower users, per the seed's preamble). */
export function redact(resource: Resource, profile: Profile, ctx: PolicyContext): Resource | null {
  return renderViews(resource, ctx).views[profile];
}

