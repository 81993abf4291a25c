#!/usr/bin/env node
// tspmap vs procps-ng pmap: an informational benchmark (`npm run bench`).
//
// Uses public tools only: node, python3, /usr/bin/pmap and, when present,
// /usr/bin/time (hyperfine is not needed). It
//   1. starts a process with >= 60,000 mappings (scripts/bench/bigproc.py)
//      and a small one (`sleep`), freezes both with SIGSTOP and always kills
//      them on exit (errors, Ctrl-C, SIGTERM; the helpers also die with us);
//   2. runs tspmap (a copy of bin/ and dist/ taken at start, so a concurrent
//      rebuild cannot change it mid-run) and pmap in alternating pairs (order
//      flipped every pair, output to /dev/null) for the default, -x, -d, -X
//      and -XX modes, after one untimed pair whose outputs are compared; a
//      mode is given fewer pairs when --runs would exceed --budget seconds,
//      and a run over --timeout seconds makes the mode "n/a (error)";
//   3. prints per mode the median of the pair-by-pair ratios tspmap/pmap and
//      the median time of each side;
//   4. prints tspmap's (and, for reference, pmap's) peak RSS per mode;
//   5. prints tspmap's start-up on the small process against bare `node -e ''`;
//   6. prints each target next to its result with PASS or MISS.
// A mode tspmap fails on is reported as "n/a (error)". The exit status is 0
// whatever the results; it is non-zero only when the benchmark could not run.
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canCompareCopies, copyProcess, removeCopy, sameOverCopy } from './bench/frozen-copy.mjs';

// A clean environment: Node 20 parses this certificate bundle at every
// start (~70 ms), before any JavaScript runs, so it is kept away from every
// timed run; the start-up with it is reported on its own.
const callerCA = process.env.NODE_EXTRA_CA_CERTS;
delete process.env.NODE_EXTRA_CA_CERTS;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HELPER = join(ROOT, 'scripts/bench/bigproc.py');
let TSPMAP = join(ROOT, 'bin/tspmap.js');
const PMAP = '/usr/bin/pmap';
const TIME = '/usr/bin/time';
const NODE = process.execPath;

// Targets of issue 12. --json is timed against pmap -XX (the same data) and
// --summary against pmap -X; their output is not compared.
const MODES = [
  { name: 'default', flags: [], target: 1.0 },
  { name: '-d', flags: ['-d'], target: 0.9 },
  { name: '-x', flags: ['-x'], target: 0.6 },
  { name: '-X', flags: ['-X'], target: 0.25 },
  { name: '-XX', flags: ['-XX'], target: 0.25 },
  { name: '--json', flags: ['--json'], ref: ['-XX'], target: 1.0 },
  { name: '--summary', flags: ['--summary'], ref: ['-X'], target: 0.5 },
];
const ALL_TARGET = 1.0;
const STARTUP_TARGET = 1.15;
const RSS_TARGET_MIB = 100;
const MIN_MAPPINGS = 60_000;
const SCALE_SIZES = [1_000, 10_000, 60_000, 200_000];
const MAX_MAP_COUNT = '/proc/sys/vm/max_map_count';

const USAGE = `usage: node scripts/bench.mjs [options]
  --runs N           pairs per mode (default 9)
  --startup-runs N   pairs for the start-up comparison (default 2 x runs)
  --rss-runs N       peak-RSS samples per mode, the median is shown (default 1)
  --budget S         seconds of timed pairs per mode before --runs is cut (default 12)
  --timeout S        kill a single run after S seconds: "n/a (error)" (default 30)
  --maps N           mappings in the big process (default 61000, min ${MIN_MAPPINGS})
  --modes LIST       comma-separated subset of: ${MODES.map((m) => m.name).join(',')}
  --no-check         skip the one-off output comparison with pmap
  --no-scale         skip the scaling table (N = ${SCALE_SIZES.join(', ')} mappings)
  --no-all           skip -X over every other process of the machine
  -h, --help         this text
`;

class BenchError extends Error {}

function parseArgs(argv) {
  const opts = { runs: 9, startupRuns: null, rssRuns: 1, budget: 12, timeout: 30, maps: 61_000, modes: MODES, check: true, scale: true, all: true };
  const int = (flag, value, min) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new BenchError(`${flag} wants an integer >= ${min}, got '${value}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) [arg, value] = [arg.slice(0, eq), arg.slice(eq + 1)];
    const next = () => value ?? argv[++i];
    switch (arg) {
      case '--runs': opts.runs = int(arg, next(), 1); break;
      case '--startup-runs': opts.startupRuns = int(arg, next(), 1); break;
      case '--rss-runs': opts.rssRuns = int(arg, next(), 0); break;
      case '--budget': opts.budget = int(arg, next(), 1); break;
      case '--timeout': opts.timeout = int(arg, next(), 1); break;
      case '--maps': opts.maps = int(arg, next(), MIN_MAPPINGS); break;
      case '--no-check': opts.check = false; break;
      case '--no-scale': opts.scale = false; break;
      case '--no-all': opts.all = false; break;
      case '--modes': {
        const names = String(next() ?? '').split(',').filter(Boolean);
        opts.modes = names.map((name) => {
          const mode = MODES.find((m) => m.name === name || m.name === `-${name}`);
          if (!mode) throw new BenchError(`unknown mode '${name}'`);
          return mode;
        });
        break;
      }
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: throw new BenchError(`unknown argument '${argv[i]}'\n${USAGE}`);
    }
  }
  opts.startupRuns ??= opts.runs * 2;
  return opts;
}

// ---------------------------------------------------------------- cleanup

/** Helper processes (pids) to kill on exit, and the run being timed. */
const children = new Set();
let current = null;

function killChildren() {
  if (current) {
    try { current.kill('SIGKILL'); } catch { /* gone */ }
    current = null;
  }
  for (const pid of children) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  children.clear();
}

process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killChildren();
    process.stderr.write(`\nbench: interrupted by ${signal}\n`);
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

// ---------------------------------------------------------------- targets

function stateOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2)[0];
}

async function freeze(pid) {
  process.kill(pid, 'SIGSTOP');
  for (let i = 0; i < 200; i++) {
    if (stateOf(pid) === 'T') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new BenchError(`pid ${pid} did not stop`);
}

function mappingCount(pid) {
  const text = readFileSync(`/proc/${pid}/maps`, 'latin1');
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Start the helper; resolve with its pid once it prints its READY line. */
function startHelper(args, { waitReady }) {
  return new Promise((resolveStart, rejectStart) => {
    // detached: its own process group, so a terminal's Ctrl-C reaches only
    // us and we kill it ourselves (it is stopped and would not react anyway).
    const child = spawn('python3', [HELPER, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child.pid);
    let out = '';
    let err = '';
    child.stdout.setEncoding('latin1');
    child.stderr.setEncoding('latin1');
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => rejectStart(new BenchError(`cannot start python3: ${e.message}`)));
    child.on('exit', (code, signal) => {
      children.delete(child.pid);
      rejectStart(new BenchError(`helper ${args[0]} exited early (${signal ?? code}): ${err.trim()}`));
    });
    if (!waitReady) {
      child.stdout.resume();
      // The exec of sleep happens right after start; wait for it.
      const poll = (tries) => {
        let comm = '';
        try { comm = readFileSync(`/proc/${child.pid}/comm`, 'latin1').trim(); } catch { /* not yet */ }
        if (comm === 'sleep') resolveStart({ pid: child.pid, child });
        else if (tries > 500) rejectStart(new BenchError('small helper did not exec sleep'));
        else setTimeout(() => poll(tries + 1), 10);
      };
      poll(0);
      return;
    }
    child.stdout.on('data', (d) => {
      out += d;
      const match = /^READY (\d+) (\d+)\n/m.exec(out);
      if (match) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolveStart({ pid: Number(match[1]), child });
      }
    });
  });
}

// ---------------------------------------------------------------- running

let devNull;
let timeoutMs;
/**
 * Exit statuses accepted besides 0 for the run over every process of the
 * machine: a process may exit between listing and reading (42) or be
 * unreadable (1), or both (43), for pmap and tspmap alike. Empty for every other run.
 */
let okStatuses = new Set();
let allNote = '';

/**
 * One run, asynchronously so that signals are handled at once and a hung
 * run can be killed. Wall time is measured from spawn to exit. stdout goes
 * to /dev/null unless `capture` is set.
 */
function run(command, args, { capture = false, env = undefined } = {}) {
  return new Promise((resolveRun) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', capture ? 'pipe' : devNull, 'pipe'], env });
    current = child;
    const out = [];
    const err = [];
    let ms = 0;
    let timedOut = false;
    let spawnError = null;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    if (capture) child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => { spawnError = e; });
    child.on('exit', () => { ms = Number(process.hrtime.bigint() - t0) / 1e6; });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (current === child) current = null;
      const stderr = Buffer.concat(err);
      resolveRun({
        ms, status, signal, timedOut, error: spawnError, stderr,
        stdout: capture ? Buffer.concat(out) : null,
        ok: (status === 0 || okStatuses.has(status)) && !spawnError && !timedOut,
      });
    });
  });
}

function describeFailure(r) {
  if (r.timedOut) return `timeout (> ${timeoutMs / 1000} s)`;
  if (r.error) return r.error.message;
  const line = r.stderr.toString('latin1').split('\n').find(Boolean) ?? '';
  return `${r.signal ? `signal ${r.signal}` : `exit ${r.status}`}${line ? `: ${line}` : ''}`;
}

/** Run `a` and `b` in alternating order, `count` times; medians of each side and of the ratios. */
async function pairs(count, a, b) {
  const as = [];
  const bs = [];
  const ratios = [];
  for (let i = 0; i < count; i++) {
    let ra;
    let rb;
    if (i % 2 === 0) { ra = await run(...a); rb = await run(...b); } else { rb = await run(...b); ra = await run(...a); }
    if (!ra.ok) return { error: describeFailure(ra) };
    if (!rb.ok) return { error: `reference failed: ${describeFailure(rb)}` };
    as.push(ra.ms);
    bs.push(rb.ms);
    ratios.push(ra.ms / rb.ms);
  }
  return { count, a: median(as), b: median(bs), ratio: median(ratios), spread: [Math.min(...ratios), Math.max(...ratios)] };
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Where two outputs first differ, or null when they are byte-identical. */
function firstDifference(ours, theirs) {
  if (ours.stdout.equals(theirs.stdout)) return ours.stderr.equals(theirs.stderr) ? null : 'stderr';
  const a = ours.stdout.toString('latin1').split('\n');
  const b = theirs.stdout.toString('latin1').split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  return `stdout line ${line + 1}`;
}

/**
 * Compare tspmap's output with pmap's. Pss of shared libraries changes
 * whenever any process on the machine maps or unmaps them, so a mismatch
 * is retried a few times, and reported as noise when pmap disagrees with
 * itself in the same way.
 */
async function checkOutput(first, ref, ours, theirs) {
  let diff = firstDifference(first, ref);
  if (diff === null) return 'identical';
  let pmapVaries = false;
  for (let attempt = 0; attempt < 2; attempt++) {
    const again = await run(...ours, { capture: true });
    const ref2 = await run(...theirs, { capture: true });
    if (!again.ok || !ref2.ok) break;
    if (!ref2.stdout.equals(ref.stdout)) pmapVaries = true;
    const d = firstDifference(again, ref2);
    if (d === null) return 'identical';
    diff = d;
  }
  if (canCompareCopies()) {
    // Live Pss depends on the reader; a frozen copy of the process's files does not.
    const args = ours[1].slice(1);
    const dir = copyProcess(args.at(-1));
    try {
      if (sameOverCopy(dir, ours[0], ours[1][0], theirs[0], args)) return `identical over a frozen copy (live: ${diff}, Pss)`;
    } finally {
      removeCopy(dir);
    }
  }
  return pmapVaries ? `differs (${diff}), but so do pmap's own runs (live Pss?)` : `DIFFERS (${diff})`;
}

// ---------------------------------------------------------------- peak RSS

let rssDir;
let rssTool;

async function pickRssTool() {
  if (existsSync(TIME)) {
    const probe = await run(TIME, ['-f', '%M', '-o', join(rssDir, 'probe'), 'true']);
    const last = probe.ok ? readFileSync(join(rssDir, 'probe'), 'latin1').trim().split('\n').pop() : '';
    if (/^\d+$/.test(last)) return 'time';
  }
  return 'python';
}

const MAXRSS_PY =
  'import resource,subprocess,sys\n' +
  'r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\n' +
  'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n' +
  'sys.exit(r.returncode)\n';

/** Peak RSS of one run in KiB, or null if the command failed. */
async function peakRssKiB(command, args) {
  let text;
  if (rssTool === 'time') {
    const file = join(rssDir, 'rss');
    const r = await run(TIME, ['-f', '%M', '-o', file, command, ...args]);
    if (!r.ok) return null;
    text = readFileSync(file, 'latin1').trim().split('\n').pop();
  } else {
    const r = await run('python3', ['-c', MAXRSS_PY, command, ...args], { capture: true });
    if (!r.ok) return null;
    text = r.stdout.toString('latin1').trim();
  }
  const kib = Number(text);
  return Number.isFinite(kib) ? kib : null;
}

async function peakRss(command, args, samples) {
  const values = [];
  for (let i = 0; i < samples; i++) {
    const kib = await peakRssKiB(command, args);
    if (kib === null) return null;
    values.push(kib);
  }
  return median(values);
}

// ---------------------------------------------------------------- report

const fmtMs = (ms) => `${ms.toFixed(1)} ms`;
const fmtMiB = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
const mark = (ok) => (ok ? 'PASS' : 'MISS');
const pad = (text, width) => String(text).padEnd(width);
const padL = (text, width) => String(text).padStart(width);
const write = (text) => process.stdout.write(text);

function writeRow(name, r, targetValue, note) {
  const target = `<= ${targetValue.toFixed(2)}`;
  if (r.error) {
    write(`${pad(name, 10)} ${padL('n/a (error)', 20)} ${padL('', 25)}  ${pad(target, 7)} MISS    ${r.error}\n`);
    return;
  }
  const spread = `${r.spread[0].toFixed(2)}-${r.spread[1].toFixed(2)}`;
  write(
    `${pad(name, 10)} ${padL(fmtMs(r.a), 10)} ${padL(fmtMs(r.b), 9)} ${padL(r.ratio.toFixed(2), 7)} ${padL(spread, 11)} ` +
      `${padL(r.count, 5)}  ${pad(target, 7)} ${pad(mark(r.ratio <= targetValue), 7)} ${note}\n`,
  );
}

/** -X over every process of the machine except the benchmark's own, in one call each. */
async function everyProcess(exclude, opts) {
  const { readdirSync } = await import('node:fs');
  // pmap takes at most 255 PIDs per call ("library failed pids statistics" beyond).
  const others = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && !exclude.includes(name));
  const pidList = others.slice(0, 255);
  allNote = others.length > pidList.length ? `${pidList.length} of the ${others.length} others: pmap's limit per call` : `all ${pidList.length} others`;
  okStatuses = new Set([1, 42, 43]);
  try {
    const ours = [NODE, [TSPMAP, '-X', ...pidList]];
    const theirs = [PMAP, ['-X', ...pidList]];
    await run(...ours);
    const first = await run(...theirs);
    if (!first.ok) return { error: `pmap failed: ${describeFailure(first)}` };
    const count = Math.max(3, Math.min(opts.runs, Math.floor(opts.budget / Math.max(0.05, (first.ms * 2) / 1000))));
    const r = await pairs(count, ours, theirs);
    // The row's floor on this machine: a Node program that only starts,
    // against the same pmap call. Where it is above the target, so is tspmap.
    const floor = await pairs(count, [NODE, ['-e', '']], theirs);
    return { ...r, pids: pidList.length, pidList, floor: floor.error ? null : floor.ratio };
  } finally {
    okStatuses = new Set();
  }
}

/**
 * Wall time and peak RSS for N mappings per mode, tspmap and pmap, with the
 * cost per 10k mappings (the time above the 1k-mapping run, per 10k). N above
 * vm.max_map_count needs it raised: done only when we may write it, and
 * restored at exit.
 */
async function scalingTable(opts) {
  const modes = opts.modes;
  write(
    `\nScaling (median wall time of alternating pairs / peak RSS; cost per 10k mappings above the 1k run)\n` +
      `${pad('mode', 10)} ${padL('N', 7)} ${padL('tspmap', 10)} ${padL('pmap', 9)} ${padL('ratio', 6)} ${padL('ts RSS', 10)} ${padL('pmap RSS', 9)} ` +
      `${padL('ts/10k', 9)} ${padL('pmap/10k', 9)}\n`,
  );
  const base = new Map();
  for (const n of SCALE_SIZES) {
    const limit = Number(readFileSync(MAX_MAP_COUNT, 'latin1'));
    if (n + 1000 > limit) {
      try {
        writeFileSync(MAX_MAP_COUNT, String(n + 5000));
        process.on('exit', () => { try { writeFileSync(MAX_MAP_COUNT, String(limit)); } catch { /* gone */ } });
        write(`(vm.max_map_count raised from ${limit} to ${n + 5000} for this size; restored at exit)\n`);
      } catch {
        write(`${pad('all', 10)} ${padL(n, 7)} n/a: vm.max_map_count is ${limit} and cannot be raised here\n`);
        continue;
      }
    }
    let helper;
    try {
      helper = await startHelper(['big', String(n)], { waitReady: true });
      await freeze(helper.pid);
    } catch (error) {
      write(`${pad('all', 10)} ${padL(n, 7)} n/a: ${error.message}\n`);
      continue;
    }
    const pid = String(helper.pid);
    const actual = mappingCount(helper.pid);
    const count = n >= 60_000 ? 1 : 2;
    for (const mode of modes) {
      const ours = [NODE, [TSPMAP, ...mode.flags, pid]];
      const theirs = [PMAP, [...(mode.ref ?? mode.flags), pid]];
      const r = await pairs(count, ours, theirs);
      const rssOurs = r.error ? null : await peakRssKiB(NODE, [TSPMAP, ...mode.flags, pid]);
      const rssTheirs = await peakRssKiB(PMAP, [...(mode.ref ?? mode.flags), pid]);
      if (r.error) {
        write(`${pad(mode.name, 10)} ${padL(actual, 7)} n/a (error) ${r.error}\n`);
        continue;
      }
      if (n === SCALE_SIZES[0]) base.set(mode.name, { a: r.a, b: r.b, n: actual });
      const b0 = base.get(mode.name);
      const per = (ms, ms0) => (b0 && actual > b0.n ? `${(((ms - ms0) * 10_000) / (actual - b0.n)).toFixed(1)} ms` : '-');
      write(
        `${pad(mode.name, 10)} ${padL(actual, 7)} ${padL(fmtMs(r.a), 10)} ${padL(fmtMs(r.b), 9)} ${padL(r.ratio.toFixed(2), 6)} ` +
          `${padL(rssOurs === null ? 'n/a' : fmtMiB(rssOurs), 10)} ${padL(rssTheirs === null ? 'n/a' : fmtMiB(rssTheirs), 9)} ` +
          `${padL(b0 ? per(r.a, b0.a) : '-', 9)} ${padL(b0 ? per(r.b, b0.b) : '-', 9)}\n`,
      );
    }
    try { process.kill(helper.pid, 'SIGKILL'); } catch { /* gone */ }
    children.delete(helper.pid);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (callerCA !== undefined) {
    write(`NODE_EXTRA_CA_CERTS=${callerCA} is set in this environment: unset for every timed run (a clean environment); the start-up with it is reported separately.\n`);
  } else {
    write('NODE_EXTRA_CA_CERTS is not set: every run is in a clean environment.\n');
  }
  for (const [path, what] of [[PMAP, 'procps-ng pmap'], [TSPMAP, 'bin/tspmap.js'], [HELPER, 'the helper']]) {
    if (!existsSync(path)) throw new BenchError(`${what} not found at ${path}`);
  }
  if (!existsSync(join(ROOT, 'dist/tspmap.js'))) throw new BenchError('dist/tspmap.js is missing: run `npm run build`');
  timeoutMs = opts.timeout * 1000;
  devNull = openSync('/dev/null', 'w');
  rssDir = mkdtempSync(join(tmpdir(), 'tspmap-bench-'));
  process.on('exit', () => rmSync(rssDir, { recursive: true, force: true }));
  // Others may rebuild dist/ while this runs: time one consistent copy.
  const snap = join(rssDir, 'snap');
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(snap, part), { recursive: true });
  if (existsSync(join(ROOT, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(snap, 'node_modules'));
  TSPMAP = join(snap, 'bin/tspmap.js');
  const py = await run('python3', ['-c', 'pass']);
  if (!py.ok) throw new BenchError(`python3 is required (${describeFailure(py)})`);
  rssTool = await pickRssTool();

  const started = Date.now();
  write('Starting target processes...\n');
  const big = await startHelper(['big', String(opts.maps)], { waitReady: true });
  const small = await startHelper(['small'], { waitReady: false });
  await freeze(big.pid);
  await freeze(small.pid);
  const count = mappingCount(big.pid);
  if (count < MIN_MAPPINGS) {
    throw new BenchError(`the big process has only ${count} mappings (need ${MIN_MAPPINGS}; vm.max_map_count is ${readFileSync('/proc/sys/vm/max_map_count', 'latin1').trim()})`);
  }
  const bigPid = String(big.pid);
  const smallPid = String(small.pid);

  const version = await run(PMAP, ['-V'], { capture: true });
  write(
    `\ntspmap benchmark (${version.stdout.toString('latin1').trim()}; node ${process.version}; ${availableParallelism()} CPUs; ` +
      `load ${loadavg().map((l) => l.toFixed(2)).join(' ')})\n` +
      `big process:   pid ${bigPid}, ${count.toLocaleString('en-US')} mappings (/proc/${bigPid}/maps), stopped\n` +
      `small process: pid ${smallPid} (sleep), stopped\n` +
      `up to ${opts.runs} alternating pairs per mode (fewer when a mode would exceed ~${opts.budget} s), medians shown; ` +
      `per-run timeout ${opts.timeout} s; tspmap = a copy of bin/ and dist/ taken at start\n\n`,
  );

  // --- wall time per mode
  write(
    `Wall time on the big process (tspmap/pmap, ratio = median of pair-by-pair ratios)\n` +
      `${pad('mode', 10)} ${padL('tspmap', 10)} ${padL('pmap', 9)} ${padL('ratio', 7)} ${padL('min-max', 11)} ${padL('pairs', 5)}  ` +
      `${pad('target', 7)} result  output vs pmap\n`,
  );
  const results = [];
  for (const mode of opts.modes) {
    const ours = [NODE, [TSPMAP, ...mode.flags, bigPid]];
    const theirs = [PMAP, [...(mode.ref ?? mode.flags), bigPid]];
    const target = `<= ${mode.target.toFixed(1)}`;
    // The untimed first pair warms caches, checks the output, and sizes the mode's pair count.
    const first = await run(...ours, { capture: true });
    const ref = await run(...theirs, { capture: true });
    let r;
    let check = '';
    if (!first.ok) {
      r = { error: describeFailure(first) };
    } else if (!ref.ok) {
      r = { error: `pmap failed: ${describeFailure(ref)}` };
    } else {
      check = mode.ref ? `(vs pmap ${mode.ref.join(' ')})` : opts.check ? await checkOutput(first, ref, ours, theirs) : '';
      const perPair = (first.ms + ref.ms) / 1000;
      const count = Math.max(Math.min(opts.runs, 3), Math.min(opts.runs, Math.floor(opts.budget / perPair)));
      r = await pairs(count, ours, theirs);
    }
    results.push({ mode, ...r });
    writeRow(mode.name, r, mode.target, check);
  }
  if (opts.all) {
    const mode = { name: '-X all', flags: ['-X'], target: ALL_TARGET };
    const r = await everyProcess([String(process.pid), bigPid, smallPid], opts);
    results.push({ mode, ...r });
    const floor = r.floor == null ? '' : `; bare \`node -e ''\` alone: ${r.floor.toFixed(2)}`;
    writeRow(mode.name, r, mode.target, r.pids ? `(${allNote}, in one call${floor})` : '');
  }

  // --- peak RSS per mode
  if (opts.rssRuns > 0) {
    write(
      `\nPeak RSS on the big process (${rssTool === 'time' ? `${TIME} -f %M` : 'python3 getrusage'}, median of ${opts.rssRuns})\n` +
        `${pad('mode', 10)} ${padL('tspmap', 11)} ${padL('pmap', 10)}  ${pad('target', 11)} result\n`,
    );
    for (const { mode, error, pidList } of results) {
      const target = `<= ${RSS_TARGET_MIB} MiB`;
      const operands = pidList ?? [bigPid];
      // A mode that failed or timed out above would only do so again.
      okStatuses = pidList ? new Set([1, 42, 43]) : new Set();
      const ours = error ? null : await peakRss(NODE, [TSPMAP, ...mode.flags, ...operands], opts.rssRuns);
      const theirs = await peakRss(PMAP, [...(mode.ref ?? mode.flags), ...operands], 1);
      okStatuses = new Set();
      const theirsText = theirs === null ? 'n/a' : fmtMiB(theirs);
      const oursText = ours === null ? 'n/a (error)' : fmtMiB(ours);
      write(`${pad(mode.name, 8)} ${padL(oursText, 11)} ${padL(theirsText, 10)}  ${pad(target, 11)} ${mark(ours !== null && ours / 1024 <= RSS_TARGET_MIB)}\n`);
    }
  }

  // --- start-up on the small process
  write(`\nStart-up on the small process (default mode vs bare \`node -e ''\`, ${opts.startupRuns} pairs)\n`);
  await run(NODE, [TSPMAP, smallPid]);
  await run(NODE, ['-e', '']);
  const s = await pairs(opts.startupRuns, [NODE, [TSPMAP, smallPid]], [NODE, ['-e', '']]);
  const target = `target <= ${STARTUP_TARGET.toFixed(2)}x`;
  if (s.error) {
    write(`tspmap ${smallPid}: n/a (error) ${s.error}  ${target}  MISS\n`);
  } else {
    write(
      `tspmap ${fmtMs(s.a)}, node -e '' ${fmtMs(s.b)}: ratio ${s.ratio.toFixed(2)}x ` +
        `(min-max ${s.spread[0].toFixed(2)}-${s.spread[1].toFixed(2)})  ${target}  ${mark(s.ratio <= STARTUP_TARGET)}\n`,
    );
    const p = await pairs(Math.min(5, opts.startupRuns), [PMAP, [smallPid]], [NODE, ['-e', '']]);
    if (!p.error) write(`(for scale: pmap ${smallPid} takes ${fmtMs(p.a)}; no Node program can come near it)\n`);
  }
  if (callerCA !== undefined) {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: callerCA };
    const w = await pairs(Math.min(10, opts.startupRuns), [NODE, [TSPMAP, smallPid], { env }], [NODE, ['-e', ''], { env }]);
    if (!w.error) {
      write(
        `with the caller's NODE_EXTRA_CA_CERTS set: tspmap ${fmtMs(w.a)}, node -e '' ${fmtMs(w.b)}: ratio ${w.ratio.toFixed(2)}x ` +
          `(Node parses the bundle before any JavaScript runs)\n`,
      );
    }
  }
  if (opts.scale) await scalingTable(opts);

  const missed = results.filter((r) => r.error || r.ratio > r.mode.target).length;
  write(
    `\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s. ${missed} of ${results.length} wall-time targets missed ` +
      `(informational only: the exit status does not depend on the results).\n`,
  );
  closeSync(devNull);
}

main().then(
  () => {
    killChildren();
    process.exit(0);
  },
  (error) => {
    killChildren();
    process.stderr.write(`bench: ${error instanceof BenchError ? error.message : error?.stack ?? error}\n`);
    process.exit(2);
  },
);
