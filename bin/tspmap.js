#!/bin/sh
':' //; c=; { true 9<&0; } 2>/dev/null || c=0; { true 9>&1; } 2>/dev/null || c=${c}1; true 9>&2 || c=${c}2; export TSPMAP_CLOSED_STDIO=$c; v=$(ulimit -v); case $v in unlimited) ;; *) export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"; [ "$v" -ge 204800 ] && [ "$v" -lt 819200 ] && exec node --jitless --no-expose-wasm "$0" "$@";; esac; exec node "$0" "$@"
// The line above is sh and a no-op for JavaScript. First it notes which
// standard descriptors are closed (a dup of each to fd 9 fails): Node puts
// /dev/null on them before any JavaScript runs, and a read-write /dev/null
// of the caller's own looks the same from inside (src/proc/stdio.ts).
// Under `ulimit -v` below ~800 MiB Node aborts before any JavaScript runs
// (its JIT's code range reservation fails); without the JIT it runs from
// ~200 MiB (below that --jitless can hang, so plain node is left to
// abort). Under any limit it also sets MALLOC_ARENA_MAX=1 (unless set):
// glibc reserves 64 MiB of address space per thread's malloc arena, six of
// them here, and a 61,000-mapping -X, --json or --summary then ran out
// (V8's "Committing semi space failed", or libuv's abort when its thread
// pool could not start).
//
// A thin entry over the bundled CLI. It is CommonJS (bin/package.json), as
// is dist/tspmap.js: Node starts a CommonJS program with less of its loader
// than an ES module graph, which is most of tspmap's start-up above bare
// node (scripts/build.mjs). A checkout installed without building (npm
// install --ignore-scripts, or no npm run build yet) has no dist/: say so
// in one line instead of a module-loader stack trace.
const { closeSync, existsSync, openSync, readFileSync, readSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');

/**
 * Module.wrap()'s text, which the code cache was made for (test/code-cache
 * checks the two agree): node:module itself, with the ES module loader it
 * pulls in, took about 1.3 ms of every start (hyperfine, 200 runs).
 */
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';

/** The exports of each lazy file loaded so far through its code cache. */
const cachedLazy = new Map();

const cli = join(dist, 'tspmap.js');
let source;
try {
  source = readFileSync(cli, 'utf8');
} catch {
  process.stderr.write('tspmap: dist/tspmap.js is missing: run `npm run build` in the package directory first\n');
  process.exit(1);
}
load(cli, source).run();

/**
 * The bundle (or a lazy file), compiled with V8's code cache that the
 * build made for it (scripts/code-cache.cjs): about 3.5 ms less per run on
 * Node 20, which has no compile cache of its own. The cache is used only
 * when its first line is the file's own last line (the build's hash),
 * since V8 checks no more than the source's length; V8 drops it by itself
 * under another Node version or other V8 flags. (A hand edit of a file
 * that keeps the build line and the length would still run cached code:
 * rebuild instead.)
 */
function load(file, text) {
  const idAt = text.lastIndexOf('//# tspmap-build ');
  let cachedData;
  if (idAt >= 0) {
    try {
      const cache = readWhole(`${file}.cache`);
      const id = text.slice(idAt);
      if (cache.toString('latin1', 0, id.length) === id) cachedData = cache.subarray(id.length);
    } catch {
      cachedData = undefined;
    }
  }
  const { Script } = require('node:vm');
  const script = new Script(WRAP_HEAD + text + WRAP_TAIL, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, requireFromDist, module, file, dist);
  return module.exports;
}

/**
 * The bundle's require: its lazy files (./lazy-NAME.js) sit beside it in
 * dist/. One with a code cache beside it (the build makes one for each
 * lazy file a pmap mode loads: -X's table, -x's rows) is compiled as the
 * bundle is; the others (the extensions, chalk...) go through Node's
 * require.
 */
function requireFromDist(id) {
  if (!id.startsWith('./')) return require(id);
  const file = join(dist, id);
  let exports = cachedLazy.get(file);
  if (exports === undefined) {
    exports = existsSync(`${file}.cache`) ? load(file, readFileSync(file, 'utf8')) : require(file);
    cachedLazy.set(file, exports);
  }
  return exports;
}

/**
 * A file's bytes, read to its end: readFileSync's generic (non-UTF-8) path
 * costs ~0.4 ms on a first call, and a first fstatSync() ~0.1 ms. The
 * buffer's untouched pages cost nothing.
 */
function readWhole(path) {
  const fd = openSync(path, 'r');
  try {
    let bytes = Buffer.allocUnsafe(256 * 1024);
    let got = 0;
    for (;;) {
      if (got === bytes.length) {
        const larger = Buffer.allocUnsafe(bytes.length * 2);
        bytes.copy(larger, 0, 0, got);
        bytes = larger;
      }
      const n = readSync(fd, bytes, got, bytes.length - got, null);
      if (n === 0) break;
      got += n;
    }
    return bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
