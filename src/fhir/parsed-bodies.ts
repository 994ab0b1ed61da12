// Parsed stored bodies shared between write transactions. A capacity PATCH reads the same Location, its
// offers and their organizations at every update; parsing their JSON text again each time was a tenth of
// the PATCH's cost. An object is reused only for the very text it was parsed from (compared character for
// character), so whatever happened since (a write by another process, a rolled back transaction) the
// answer is what JSON.parse would give. The objects are shared: nobody may mutate them (they are frozen
// under the test runner, so that a mutation fails loudly there).

import type { Resource } from '../policy/types.js';
import { SizedLru } from '../sized-lru.js';

/** Characters of cached text at most (the parsed objects take a few times more). */
const MAX_CHARS = 16 * 1024 * 1024;
const FREEZE = Boolean(process.env.VITEST);

interface Entry {
  text: string;
  value: Resource;
}

const entries = new SizedLru<string, Entry>(MAX_CHARS);

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

function put(key: string, text: string, value: Resource): void {
  if (text.length > MAX_CHARS / 4) return;
  if (FREEZE) deepFreeze(value);
  entries.set(key, { text, value }, text.length);
}

/** The parsed stored body of type/id: the cached object when `text` is the text it was parsed from. */
export function parseStored(type: string, id: string, text: string): Resource {
  const key = `${type}/${id}`;
  const hit = entries.get(key);
  if (hit && hit.text === text) return hit.value;
  const value = JSON.parse(text) as Resource;
  put(key, text, value);
  return value;
}

/** Records the object a new version was written from, with its stored text (never mutated afterwards). */
export function rememberParsed(type: string, id: string, text: string, value: Resource): void {
  put(`${type}/${id}`, text, value);
}
