// The operator's overrides of the habilitation table (policy-decisions §6): a JSON file mapping CU codes to
// a read profile (0–5) or to null (refused), named by ROR_HABILITATIONS or `--habilitations FILE`.

import { readFileSync } from 'node:fs';
import { createHabilitation, type Habilitation, type Profile } from '../policy/index.js';

export function loadHabilitation(file = process.env.ROR_HABILITATIONS): Habilitation {
  if (!file) return createHabilitation();
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`habilitations file ${file}: ${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`habilitations file ${file}: expected an object {"CUxx": profile | null}`);
  const overrides: Record<string, Profile | null> = {};
  for (const [cu, value] of Object.entries(data as Record<string, unknown>)) {
    if (!/^CU\d{2}$/.test(cu)) throw new Error(`habilitations file ${file}: '${cu}' is not a CU code`);
    if (value !== null && !(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 5)) {
      throw new Error(`habilitations file ${file}: ${cu} must map to a profile 0–5 or null, got ${JSON.stringify(value)}`);
    }
    overrides[cu] = value as Profile | null;
  }
  return createHabilitation(overrides);
}
