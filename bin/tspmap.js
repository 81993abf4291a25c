#!/bin/sh
':' //; v=$(ulimit -v); case $v in unlimited) ;; *) [ "$v" -ge 204800 ] && [ "$v" -lt 819200 ] && exec node --jitless --no-expose-wasm "$0" "$@";; esac; exec node "$0" "$@"
// The line above is sh and a no-op for JavaScript. Under `ulimit -v` below
// ~800 MiB Node aborts before any JavaScript runs (its JIT's code range
// reservation fails); without the JIT it runs from ~200 MiB (below that
// --jitless can hang, so plain node is left to abort).
//
// A thin entry over the bundled CLI. It is CommonJS (bin/package.json), as
// is dist/tspmap.js: Node starts a CommonJS program with less of its loader
// than an ES module graph, which is most of tspmap's start-up above bare
// node (scripts/build.mjs). A checkout installed without building (npm
// install --ignore-scripts, or no npm run build yet) has no dist/: say so
// in one line instead of a module-loader stack trace.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'tspmap.js');
if (!existsSync(cli)) {
  process.stderr.write('tspmap: dist/tspmap.js is missing: run `npm run build` in the package directory first\n');
  process.exit(1);
}
require(cli).run();
