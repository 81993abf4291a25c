#!/bin/sh
':' //; v=$(ulimit -v); case $v in unlimited) ;; *) [ "$v" -ge 204800 ] && [ "$v" -lt 819200 ] && exec node --jitless --no-expose-wasm "$0" "$@";; esac; exec node "$0" "$@"
// The line above is sh and a no-op for JavaScript. Under `ulimit -v` below
// ~800 MiB Node aborts before any JavaScript runs (its JIT's code range
// reservation fails); without the JIT it runs from ~200 MiB (below that
// --jitless can hang, so plain node is left to abort).
// A thin entry over the bundled CLI. A checkout installed without building
// (npm install --ignore-scripts, or no npm run build yet) has no dist/:
// say so in one line instead of a module-loader stack trace.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/tspmap.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('tspmap: dist/tspmap.js is missing: run `npm run build` in the package directory first\n');
  process.exit(1);
}
const { run } = await import(cli.href);
run();
