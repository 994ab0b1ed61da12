// The young generation of ror's processes (server, import, benchmark). V8 caps a semi-space at 16 MiB by
// default; the server and the import allocate many short-lived objects (parsed requests and resources,
// rendered views) and fewer scavenges cost less (`ror import`, first half of the national file: 183 →
// 167 s). V8 reads the flag when it creates the main isolate (v8.setFlagsFromString afterwards changes
// nothing), so it is given on node's command line: bin/ror.js's shebang, npm's scripts and the processes
// ror starts itself. Worker threads get the same through their resourceLimits (threads.ts).

const SEMI_SPACE_MIB = 64;

/** The node option of a ror process. */
export const YOUNG_GENERATION_FLAG = `--max-semi-space-size=${SEMI_SPACE_MIB}`;

/** A worker thread's young generation, MiB: V8 makes it three semi-spaces. */
export const WORKER_YOUNG_GENERATION_MIB = 3 * SEMI_SPACE_MIB;

/** Whether this process was started with a semi-space size (the flag above, or one given by the user). */
export function youngGenerationSized(): boolean {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size'));
}
