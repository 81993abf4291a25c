#!/usr/bin/env node
// What one scrape by `tspmap metrics` / `tspmap serve` costs, as the README
// quotes it: wall time and CPU (user + system) of
//   1. `tspmap metrics --all` over every process on this machine;
//   2. the same over PROCS processes with about MAPPINGS mappings each
//      (scripts/metrics/many.py; default 500 x 1,000), by category (smaps)
//      and with --rollup (smaps_rollup + maps);
//   3. GET /metrics of a running `tspmap serve` over those processes (no
//      node start-up): the first scrape, then one within --interval (cache).
// The CLI's CPU is its children's time as its shell sees it (cutime and
// cstime of /proc/$$/stat); serve's is the change in its own utime+stime.
// The helper processes are one process group, killed on every exit path.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSPMAP = join(ROOT, 'bin/tspmap.js');
const [PROCS = 500, MAPPINGS = 1000] = process.argv.slice(2).map(Number);
const MARKER = `tspmap-cost-${process.pid}`;
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime+stime (or with children, cutime+cstime) in seconds from a stat line. */
function cpuOf(stat, children) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [user, system] = children ? [fields[13], fields[14]] : [fields[11], fields[12]];
  return (Number(user) + Number(system)) / TICKS;
}

const OUTPUT = join(tmpdir(), `tspmap-cost-${process.pid}.prom`);

/** Sum of a metric's samples in an exposition text. */
const total = (text, metric) => text.split('\n').filter((line) => line.startsWith(`${metric}{`)).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

function cli(args) {
  const started = process.hrtime.bigint();
  const run = spawnSync('sh', ['-c', `"$0" "$@"; status=$?; cat /proc/$$/stat; exit $status`, process.execPath, TSPMAP, 'metrics', '-o', OUTPUT, ...args], { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`tspmap metrics ${args.join(' ')}: status ${run.status}: ${run.stderr}`);
  const text = readFileSync(OUTPUT, 'utf8');
  rmSync(OUTPUT);
  return { wall, cpu: cpuOf(run.stdout, true), processes: total(text, 'tspmap_processes'), mappings: total(text, 'tspmap_mappings') };
}

const show = (what, { wall, cpu, processes, mappings }) => console.log(
  `${what.padEnd(48)} ${wall.toFixed(2).padStart(6)} s wall ${cpu.toFixed(2).padStart(6)} s CPU` +
  (processes === undefined ? '' : `  (${processes} processes, ${mappings} mappings)`),
);

let helpers;
const cleanup = () => {
  if (helpers?.pid) try { process.kill(-helpers.pid, 'SIGKILL'); } catch {}
  helpers = undefined;
};
process.on('uncaughtException', (error) => {
  console.error(String(error));
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  console.error(String(error));
  process.exit(1);
});
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
show('tspmap metrics --all (this machine)', cli(['--all']));
show('tspmap metrics --all --rollup (this machine)', cli(['--all', '--rollup']));

helpers = spawn('python3', [join(ROOT, 'scripts/metrics/many.py'), String(MAPPINGS), String(PROCS), MARKER], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolveReady, reject) => {
  helpers.stdout.once('data', resolveReady);
  helpers.once('exit', (code) => reject(new Error(`helper exited with ${code}`)));
});
const maps = readFileSync(`/proc/${helpers.pid}/maps`, 'utf8').split('\n').length - 1;
console.log(`${PROCS} processes with ${maps} mappings each (marker ${MARKER})`);
show(`tspmap metrics --match (by category)`, cli(['--match', `${MARKER}$`]));
show(`tspmap metrics --match --rollup`, cli(['--match', `${MARKER}$`, '--rollup']));

const serve = spawn(process.execPath, [TSPMAP, 'serve', '--listen', '127.0.0.1:0', '--interval', '600', '--deadline', '600', '--match', `${MARKER}$`], { stdio: ['ignore', 'ignore', 'pipe'] });
try {
  const port = await new Promise((resolvePort) => {
    let log = '';
    serve.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /:(\d+)\/metrics/.exec(log);
      if (match) resolvePort(match[1]);
    });
  });
  const scrape = async () => {
    const before = cpuOf(readFileSync(`/proc/${serve.pid}/stat`, 'utf8'), false);
    const started = process.hrtime.bigint();
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    if (!body.includes('tspmap_processes')) throw new Error('no metrics');
    return { wall, cpu: cpuOf(readFileSync(`/proc/${serve.pid}/stat`, 'utf8'), false) - before };
  };
  show('tspmap serve: first GET /metrics (reads all)', await scrape());
  show('tspmap serve: next GET within --interval (cache)', await scrape());
} finally {
  // The helpers' pipe would keep node alive, so end everything explicitly.
  serve.kill('SIGTERM');
  cleanup();
  process.exit(0);
}
