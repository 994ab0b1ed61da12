// Structural validation against the FHIR R4 base definitions (generated/structure.json): element names
// exist for their type, arrays versus singletons, primitive JSON types and formats. Any violation is an
// error (policy-decisions §4c: structurally broken input is refused). Compiled once into closures.

import type { Issue } from '../errors.js';
import structureJson from './generated/structure.json' with { type: 'json' };
import { PRIMITIVE_CHECKS } from './primitives.js';

type ElementDef = [type: string, array: 0 | 1];
const STRUCTURE = structureJson as unknown as { primitives: string[]; types: Record<string, Record<string, ElementDef>> };

/** Validates one value of a type at `path`, appending issues. */
export type Validator = (value: unknown, path: string, issues: Issue[]) => void;
/** Called on every Extension after its structure is checked (the ROR extension definitions hook in here). */
export type ExtensionHook = (extension: Record<string, unknown>, path: string, issues: Issue[]) => void;

const error = (issues: Issue[], code: Issue['code'], path: string, diagnostics: string) =>
  issues.push({ severity: 'error', code, diagnostics: `${path}: ${diagnostics}`, expression: [path] });

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface StructureOptions {
  /** Remember the objects found valid, by identity, and skip them when met again. A PATCH keeps the
   * elements it does not touch as the same objects (stored bodies are parsed once and never mutated, a
   * patch copies only what it changes): its new version is then checked on its changed parts only, not on
   * the ~40 unchanged capacity indicators of a national Location. For validators whose result depends
   * on the value alone (no hook). Only the resource's own elements and list items are remembered (one
   * dot in their path): what a patch keeps whole; below them, the objects of a changed item are new, and
   * remembering each of them cost more than checking it (a WeakMap entry each, collected later). */
  rememberValid?: boolean;
}

/** Whether a path names an element or list item of the resource itself (`Location.extension[3]`). */
function isTopLevel(path: string): boolean {
  const dot = path.indexOf('.');
  return dot !== -1 && path.indexOf('.', dot + 1) === -1;
}

export function compileStructure(resourceTypes: readonly string[], onExtension?: ExtensionHook, options: StructureOptions = {}): Map<string, Validator> {
  if (onExtension && options.rememberValid) throw new Error('rememberValid is for validators without an extension hook');
  const primitives = new Set(STRUCTURE.primitives);
  // object → the validator that found it valid
  const valid = options.rememberValid ? new WeakMap<object, Validator>() : null;
  const compiled = new Map<string, Validator>();
  const resourceValidators = new Map<string, Validator>();

  const validatorFor = (type: string): Validator => {
    let v = compiled.get(type);
    if (v) return v;
    // A forwarding stub breaks recursion (Extension.extension, Identifier.assigner → Reference...).
    let impl: Validator = () => {};
    compiled.set(type, (value, path, issues) => impl(value, path, issues));
    impl = primitives.has(type) ? primitive(type) : type === 'Resource' ? contained : complex(type);
    v = compiled.get(type)!;
    return v;
  };

  const primitive = (type: string): Validator => {
    const check = PRIMITIVE_CHECKS[type] ?? PRIMITIVE_CHECKS.string;
    return (value, path, issues) => {
      const problem = check(value);
      if (problem) error(issues, 'value', path, `${type}: ${problem}`);
    };
  };

  const contained: Validator = (value, path, issues) => {
    if (!isObject(value) || typeof value.resourceType !== 'string') return error(issues, 'structure', path, 'not a FHIR resource');
    const v = resourceValidators.get(value.resourceType);
    if (v) v(value, path, issues);
    else error(issues, 'not-supported', path, `contained ${value.resourceType} is not a directory resource type`);
  };

  function complex(type: string): Validator {
    const table = STRUCTURE.types[type];
    if (!table) throw new Error(`no structure for ${type}`);
    const isResource = resourceTypes.includes(type);
    const isExtension = type === 'Extension';
    const children = new Map<string, { array: boolean; primitive: boolean; validate: Validator }>();
    for (const [name, [childType, array]] of Object.entries(table)) {
      children.set(name, { array: array === 1, primitive: primitives.has(childType), validate: validatorFor(childType) });
    }
    const elementValidator = validatorFor('Element');
    const self: Validator = (value, path, issues) => {
      if (!isObject(value)) return error(issues, 'structure', path, `expected a JSON object (${type})`);
      const remembered = valid !== null && isTopLevel(path);
      if (remembered && valid.get(value) === self) return;
      const before = issues.length;
      for (const key in value) {
        const child = value[key];
        if (isResource && key === 'resourceType') continue;
        const def = children.get(key);
        if (def === undefined) {
          const primitiveDef = key.charCodeAt(0) === 95 /* _ */ ? children.get(key.slice(1)) : undefined;
          if (primitiveDef?.primitive) {
            checkPrimitiveExtension(child, primitiveDef.array, `${path}.${key}`, elementValidator, issues);
          } else {
            error(issues, 'structure', `${path}.${key}`, `unknown element for ${type}`);
          }
          continue;
        }
        const childPath = `${path}.${key}`;
        if (def.array) {
          if (!Array.isArray(child)) { error(issues, 'structure', childPath, 'expected an array'); continue; }
          for (let i = 0; i < child.length; i++) {
            const item = child[i];
            if (item === null) {
              if (!(def.primitive && Array.isArray(value[`_${key}`]))) error(issues, 'structure', `${childPath}[${i}]`, 'null value');
              continue;
            }
            def.validate(item, `${childPath}[${i}]`, issues);
          }
        } else if (Array.isArray(child)) {
          error(issues, 'structure', childPath, 'expected a single value, not an array');
        } else if (child === null) {
          error(issues, 'structure', childPath, 'null value');
        } else {
          def.validate(child, childPath, issues);
        }
      }
      if (isExtension && onExtension) onExtension(value, path, issues);
      if (remembered && issues.length === before) valid.set(value, self);
    };
    return self;
  }

  function checkPrimitiveExtension(value: unknown, array: boolean, path: string, element: Validator, issues: Issue[]) {
    if (!array) return element(value, path, issues);
    if (!Array.isArray(value)) return error(issues, 'structure', path, 'expected an array');
    value.forEach((item, i) => item !== null && element(item, `${path}[${i}]`, issues));
  }

  for (const type of resourceTypes) resourceValidators.set(type, validatorFor(type));
  return resourceValidators;
}
