// Build step: V8's code cache for dist/tspmap.js, written to
// dist/tspmap.js.cache for bin/tspmap.js to hand to vm.Script.
//
// Node 20 has no compile cache of its own (module.enableCompileCache came
// in Node 22), so every run parses the 126 KB bundle and compiles each
// function it calls: about 3.5 ms of a 30 ms run, measured with
// performance.now() around the require and the run. Cached data made
// after the pmap modes have run holds the bytecode of what they call.
//
// V8 checks no more than the source's length before trusting cached
// bytecode, so the bundle gets a last line `//# tspmap-build HASH` (the
// SHA-256 of the rest) and the cache file starts with the same line:
// bin/tspmap.js uses the cache only when the two match, without hashing
// anything itself. V8 rejects the data on its own when the Node version or
// V8 flags differ (then the run compiles as if there were no cache).
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

const dist = join(__dirname, '..', 'dist');
const cli = join(dist, 'tspmap.js');
const ID_PREFIX = '//# tspmap-build ';
const body = readFileSync(cli, 'utf8').replace(/\/\/# tspmap-build [0-9a-f]{64}\n$/, '');
const idLine = `${ID_PREFIX}${createHash('sha256').update(body).digest('hex')}\n`;
const source = body + idLine;
writeFileSync(cli, source);
const script = new vm.Script(Module.wrap(source), { filename: cli });
const loaded = { exports: {} };
script.runInThisContext()(loaded.exports, Module.createRequire(cli), loaded, cli, dist);

// Every pmap mode over this very process; output goes to /dev/null (opened
// by the caller write-only, so it is not taken for a closed stdout).
const MODES = [[], ['-x'], ['-d'], ['-X'], ['-XX'], ['-q'], ['-p'], ['-x', '-q']];

async function warm() {
  for (const flags of MODES) {
    await loaded.exports.main(['node', 'tspmap', ...flags, String(process.pid)], {});
  }
  writeFileSync(`${cli}.cache`, Buffer.concat([Buffer.from(idLine, 'latin1'), script.createCachedData()]));
}

warm().catch((error) => {
  process.stderr.write(`code-cache: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
