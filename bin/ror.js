#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the `ror` command. The node option sizes the young generation (src/heap.ts); `node
// bin/ror.js` without it runs too, with V8's default.
await import('../dist/cli/main.js');
