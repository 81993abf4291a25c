// Build step: V8's code caches for dist/tspmap.js and for each lazy file
// the pmap modes load (-X's table, -x's rows), written beside each as
// FILE.cache for bin/tspmap.js to hand to vm.Script.
//
// Node 20 has no compile cache of its own (module.enableCompileCache came
// in Node 22), so every run parses the 95 KB bundle and compiles each
// function it calls: about 3.5 ms of a 30 ms run, measured with
// performance.now() around the require and the run. Cached data made
// after the pmap modes have run holds the bytecode of what they call.
//
// V8 checks no more than the source's length before trusting cached
// bytecode, so each cached file gets a last line `//# tspmap-build HASH`
// (the SHA-256 of the rest) and its cache file starts with the same line:
// bin/tspmap.js uses a cache only when the two match, without hashing
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
const plainRequire = Module.createRequire(cli);

/** Each file compiled here: its script and build line. */
const compiled = new Map();
/** The exports of each lazy file compiled here. */
const lazyExports = new Map();

/** Give `file` its build line, then compile and run it as bin/tspmap.js does. */
function load(file) {
  const body = readFileSync(file, 'utf8').replace(/\/\/# tspmap-build [0-9a-f]{64}\n$/, '');
  const idLine = `${ID_PREFIX}${createHash('sha256').update(body).digest('hex')}\n`;
  const source = body + idLine;
  writeFileSync(file, source);
  const script = new vm.Script(Module.wrap(source), { filename: file });
  compiled.set(file, { script, idLine });
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, requireFromDist, loaded, file, dist);
  return loaded.exports;
}

/** As bin/tspmap.js's: a lazy file loaded here gets a cache, so bin compiles it with one. */
function requireFromDist(id) {
  if (!id.startsWith('./')) return plainRequire(id);
  const file = join(dist, id);
  if (!lazyExports.has(file)) lazyExports.set(file, load(file));
  return lazyExports.get(file);
}

// Every pmap mode over this very process; output goes to /dev/null (opened
// by the caller write-only, so it is not taken for a closed stdout).
const MODES = [[], ['-x'], ['-d'], ['-X'], ['-XX'], ['-q'], ['-p'], ['-x', '-q']];

/** Write `file`'s cache from its script as it stands now. */
function writeCache(file) {
  const { script, idLine } = compiled.get(file);
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(idLine, 'latin1'), script.createCachedData()]));
  compiled.delete(file);
}

/**
 * The bundle's cache is taken after the default mode alone, the lazy
 * files' after every mode. Taken after every mode, the bundle's cache made
 * a default run about 0.4 ms slower (load and run timed in-process, 100
 * alternating runs, repeated three times) and -d too, for a reason not
 * pinned down yet; -x and -X keep their own code in lazy files of their
 * own, so they lose little.
 */
async function warm() {
  const bundle = load(cli);
  for (const flags of MODES) {
    await bundle.main(['node', 'tspmap', ...flags, String(process.pid)], {});
    if (compiled.has(cli)) writeCache(cli);
  }
  for (const file of [...compiled.keys()]) writeCache(file);
}

warm().catch((error) => {
  process.stderr.write(`code-cache: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
