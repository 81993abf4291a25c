// The cost of one `tspmap watch` sample at ~60k mappings, and what it costs
// the target. Run after `npm run build`:  node scripts/bench/watch-cost.mjs [MAPPINGS] [ROUNDS]
//
// The target (watch-target.py) holds ~61,000 mappings and loops on
// mmap/touch/munmap, which needs the mmap lock the kernel holds while it
// generates smaps; every 0.1 s it reports its operations and its longest one.
// A control (bigproc.py big) is an idle process just as big: watching it
// costs the same CPU but takes another process's lock, so the target's
// slowdown while the control is watched is CPU contention alone (this
// machine may be shared), and the difference is the lock.
//
// Measured:
//   * per sample: wall time between samples of `watch --interval 1ms`, and
//     CPU (user+sys, /usr/bin/time) of 12 samples minus 1; one pmap -X too;
//   * the target's throughput and longest operation, in alternating phases
//     (idle / watching the target / watching the control), back to back and
//     at the default --interval 1s, as medians over ROUNDS rounds.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSPMAP = join(ROOT, 'bin', 'tspmap.js');
const MAPPINGS = Number(process.argv[2] ?? 61000);
const ROUNDS = Number(process.argv[3] ?? 3);
const PHASE_MS = 4000;

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function start(args, onLine) {
  const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  createInterface({ input: child.stdout }).on('line', onLine);
  return child;
}

const windows = [];
const target = await new Promise((resolve) => {
  start([join(ROOT, 'scripts/bench/watch-target.py'), String(MAPPINGS)], (line) => {
    const [tag, a, b, c] = line.split(' ');
    if (tag === 'READY') resolve({ pid: Number(a), mappings: Number(b) });
    if (tag === 'OPS') windows.push({ t: Number(a), ops: Number(b), maxUs: Number(c) });
  });
});
const controlPid = await new Promise((resolve) => {
  start([join(ROOT, 'scripts/bench/bigproc.py'), 'big', String(MAPPINGS)], (line) => {
    if (line.startsWith('READY')) resolve(Number(line.split(' ')[1]));
  });
});

/** Run watch on `pid` (under /usr/bin/time unless stopped with SIGINT after `ms`: time ignores SIGINT). */
function runWatch(pid, args, ms) {
  return new Promise((resolve) => {
    const command = [process.execPath, TSPMAP, 'watch', String(pid), '--ndjson', ...args];
    const child = ms
      ? spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/usr/bin/time', ['-f', 'CPU %U %S', ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    let cpu = 0;
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line)));
    createInterface({ input: child.stderr }).on('line', (line) => {
      const match = /^CPU ([0-9.]+) ([0-9.]+)$/.exec(line);
      if (match) cpu = Number(match[1]) + Number(match[2]);
    });
    if (ms) setTimeout(() => child.kill('SIGINT'), ms);
    child.on('close', () => resolve({ lines, cpu }));
  });
}

function phaseStats(from, to) {
  const inside = windows.filter((w) => w.t > from && w.t <= to);
  const ops = inside.reduce((sum, w) => sum + w.ops, 0) / (inside.length * 0.1);
  const maxMs = Math.max(...inside.map((w) => w.maxUs)) / 1000;
  return { ops, maxMs };
}

async function phase(run) {
  const from = Date.now();
  await run();
  return phaseStats(from + 300, Date.now());
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

await sleep(1000);
// Per-sample cost.
const single = await runWatch(target.pid, ['--count', '1']);
const backToBack = await runWatch(target.pid, ['--interval', '1ms', '--count', '12']);
const times = backToBack.lines.map((line) => Date.parse(line.time));
const gaps = times.slice(1).map((t, i) => t - times[i] - 1);
const cpuPerSample = (backToBack.cpu - single.cpu) / 11;
const pmapCpu = await new Promise((resolve) => {
  const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', '/usr/bin/pmap', '-X', String(target.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let cpu = 0;
  createInterface({ input: child.stderr }).on('line', (line) => {
    const match = /^CPU ([0-9.]+) ([0-9.]+)$/.exec(line);
    if (match) cpu = Number(match[1]) + Number(match[2]);
  });
  child.on('close', () => resolve(cpu));
});

// Alternating phases.
const PHASES = {
  idle: () => sleep(PHASE_MS),
  'target, back to back': () => runWatch(target.pid, ['--interval', '1ms'], PHASE_MS),
  'control, back to back': () => runWatch(controlPid, ['--interval', '1ms'], PHASE_MS),
  'target, every 1s': () => runWatch(target.pid, ['--interval', '1s'], PHASE_MS + 1000),
  'control, every 1s': () => runWatch(controlPid, ['--interval', '1s'], PHASE_MS + 1000),
};
const results = Object.fromEntries(Object.keys(PHASES).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(PHASES)) results[name].push(await phase(run));
}

const load = loadavg()[0].toFixed(1);
console.log(`target: ${target.mappings} mappings; ${cpus().length} CPUs, load average ${load}`);
console.log(`one sample: ${median(gaps)} ms wall (median of ${gaps.length}), ${(cpuPerSample * 1000).toFixed(0)} ms CPU (user+sys); one /usr/bin/pmap -X: ${(pmapCpu * 1000).toFixed(0)} ms CPU`);
const idleOps = median(results.idle.map((r) => r.ops));
for (const [name, list] of Object.entries(results)) {
  const ops = median(list.map((r) => r.ops));
  const maxMs = median(list.map((r) => r.maxMs));
  const slowdown = name === 'idle' ? '' : `, slowdown ${((1 - ops / idleOps) * 100).toFixed(1)}%`;
  console.log(`  ${name.padEnd(22)} ${ops.toFixed(0)} mmap+munmap/s${slowdown}, longest operation ${maxMs.toFixed(1)} ms`);
}
process.exit(0);
