// Errors of the import readers: a FhirError that also says where in the input the problem is.

import { FhirError } from '../errors.js';

/** Where a problem sits: the file and either an NDJSON line (1-based) or a Bundle entry index (0-based). */
export interface ImportPosition {
  file: string;
  line?: number;
  entry?: number;
}

export function describePosition(p: ImportPosition): string {
  if (p.line !== undefined) return `${p.file} line ${p.line}`;
  if (p.entry !== undefined) return `${p.file} entry ${p.entry}`;
  return p.file;
}

/** Malformed import input. The message starts with the position, then the problem. */
export class ImportError extends FhirError {
  readonly file: string;
  readonly line?: number;
  readonly entry?: number;

  constructor(position: ImportPosition, problem: string) {
    super(400, 'structure', `${describePosition(position)}: ${problem}`);
    this.name = 'ImportError';
    this.file = position.file;
    if (position.line !== undefined) this.line = position.line;
    if (position.entry !== undefined) this.entry = position.entry;
  }
}
