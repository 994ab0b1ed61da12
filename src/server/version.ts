import { readFileSync } from 'node:fs';

/** The version of the ror package (read once from its package.json). */
let cached: string | undefined;
export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
