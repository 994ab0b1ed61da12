#!/usr/bin/env node
// Entry point of the `ror` command: runs the compiled CLI.
import '../dist/cli/main.js';
