// The `ror` command line.

import { Command, InvalidArgumentError } from 'commander';
import { packageVersion } from '../server/version.js';
import { registerServe } from './serve.js';
import { registerClient } from './client.js';
import { registerImport } from './import.js';
import { registerDemo } from './demo.js';
import { registerPolicy } from './policy.js';
import { registerAudit } from './audit.js';
import { registerMigrate } from './migrate.js';
import { registerRerender } from './rerender.js';

export const defaultDb = () => process.env.DATABASE_URL ?? process.env.ROR_DB ?? './ror.db';

export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer between ${min} and ${max}`);
    return n;
  };
}

const program = new Command()
  .name('ror')
  .description('ROR directory: a FHIR R4 server with the ANS data-access policy')
  .version(packageVersion())
  .showHelpAfterError();

registerServe(program);
registerImport(program);
registerClient(program);
registerDemo(program);
registerPolicy(program);
registerAudit(program);
registerMigrate(program);
registerRerender(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`ror: ${message}\n`);
  process.exit(1);
});
