// The young generation of ror's processes (server, import, benchmark). V8 caps a semi-space at 16 MiB by
// default; the server and the import allocate many short-lived objects (parsed requests and resources,
// rendered views) and fewer scavenges cost less (`ror import` of the région dataset: about 10 % faster).
// Called first thing, before the process allocates much; a value given to node (a flag or NODE_OPTIONS)
// is kept.
import v8 from 'node:v8';

const SEMI_SPACE_MIB = 64;

export function enlargeYoungGeneration(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size'));
  if (!given) v8.setFlagsFromString(`--max-semi-space-size=${SEMI_SPACE_MIB}`);
}
