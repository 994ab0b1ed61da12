#!/usr/bin/env node
// Entry point of the `ror` command: sizes the heap (src/heap.ts), then runs the compiled CLI.
import { enlargeYoungGeneration } from '../dist/heap.js';

enlargeYoungGeneration();
await import('../dist/cli/main.js');
