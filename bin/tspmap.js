#!/usr/bin/env node
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
