// The cost of one `tspmap watch` sample at ~60k mappings, and what it costs
// the target. Run after `npm run build`:  node scripts/bench/watch-cost.mjs
//
// The target (watch-target.py) holds ~61,000 mappings and loops on
// mmap/touch/munmap, which needs the mmap lock the kernel takes while it
// generates smaps; it reports its operations per 0.1 s. The script measures:
//   * per sample: watch with --interval 1ms --count N, from the sample times
//     in its NDJSON (time between consecutive samples minus the interval);
//   * the target's throughput with no watch, with watch sampling back to back
//     (--interval 1ms: the worst case) and at the default --interval 1s.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSPMAP = join(ROOT, 'bin', 'tspmap.js');
const MAPPINGS = Number(process.argv[2] ?? 61000);

const target = spawn('python3', [join(ROOT, 'scripts/bench/watch-target.py'), String(MAPPINGS)], { stdio: ['ignore', 'pipe', 'inherit'] });
process.on('exit', () => target.kill('SIGKILL'));
const windows = [];
let ready;
const readyPromise = new Promise((resolve) => (ready = resolve));
createInterface({ input: target.stdout }).on('line', (line) => {
  const [tag, a, b] = line.split(' ');
  if (tag === 'READY') ready({ pid: Number(a), mappings: Number(b) });
  if (tag === 'OPS') windows.push({ t: Number(a), ops: Number(b) });
});
const { pid, mappings } = await readyPromise;

// A control: an idle process just as big. Watching it costs the same CPU but
// takes another process's lock, so the measured target's slowdown while the
// control is watched is CPU contention alone; the difference is the lock.
const control = spawn('python3', [join(ROOT, 'scripts/bench/bigproc.py'), 'big', String(MAPPINGS)], { stdio: ['ignore', 'pipe', 'inherit'] });
process.on('exit', () => control.kill('SIGKILL'));
const controlPid = await new Promise((resolve) => {
  createInterface({ input: control.stdout }).on('line', (line) => {
    if (line.startsWith('READY')) resolve(Number(line.split(' ')[1]));
  });
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function runWatch(args, watched = pid) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, TSPMAP, 'watch', String(watched), '--ndjson', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    let cpu = 0;
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line)));
    createInterface({ input: child.stderr }).on('line', (line) => {
      const match = /^CPU ([0-9.]+) ([0-9.]+)$/.exec(line);
      if (match) cpu = Number(match[1]) + Number(match[2]);
    });
    child.on('close', () => resolve({ started, ended: Date.now(), lines, cpu }));
  });
}

const rate = (from, to) => {
  const inside = windows.filter((w) => w.t > from && w.t <= to);
  return inside.reduce((sum, w) => sum + w.ops, 0) / (inside.length * 0.1);
};

await sleep(1000);
const baseFrom = Date.now();
await sleep(5000);
const baseline = rate(baseFrom, Date.now());

const single = await runWatch(['--count', '1']);
const backToBack = await runWatch(['--interval', '1ms', '--count', '12']);
const cpuPerSample = (backToBack.cpu - single.cpu) / 11;
const times = backToBack.lines.map((line) => Date.parse(line.time));
const gaps = times.slice(1).map((t, i) => t - times[i] - 1).sort((x, y) => x - y);
const perSample = gaps[Math.floor(gaps.length / 2)];
const duringBackToBack = rate(Date.parse(backToBack.lines[1].time), times[times.length - 1]);

await sleep(2000);
const atDefault = await runWatch(['--count', '8']);
const duringDefault = rate(Date.parse(atDefault.lines[0].time), Date.parse(atDefault.lines.at(-1).time));

const pmapCpu = await new Promise((resolve) => {
  const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', '/usr/bin/pmap', '-X', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let cpu = 0;
  createInterface({ input: child.stderr }).on('line', (line) => {
    const match = /^CPU ([0-9.]+) ([0-9.]+)$/.exec(line);
    if (match) cpu = Number(match[1]) + Number(match[2]);
  });
  child.on('close', () => resolve(cpu));
});

await sleep(2000);
const controlBackToBack = await runWatch(['--interval', '1ms', '--count', '12'], controlPid);
const controlTimes = controlBackToBack.lines.map((line) => Date.parse(line.time));
const duringControlBackToBack = rate(controlTimes[1], controlTimes.at(-1));
await sleep(2000);
const controlDefault = await runWatch(['--count', '8'], controlPid);
const duringControlDefault = rate(Date.parse(controlDefault.lines[0].time), Date.parse(controlDefault.lines.at(-1).time));

const pct = (during) => `${((1 - during / baseline) * 100).toFixed(1)}%`;
console.log(`target: ${mappings} mappings, PID ${pid}; smaps of one sample ${backToBack.lines[0].totals.size.kB} kB mapped`);
console.log(`watch, one sample (median of ${gaps.length}): ${perSample} ms (min ${gaps[0]}, max ${gaps.at(-1)})`);
console.log(`watch, CPU per sample (user+sys, 12 samples minus 1): ${(cpuPerSample * 1000).toFixed(0)} ms; load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs`);
console.log(`for comparison, one /usr/bin/pmap -X of the same process: ${(pmapCpu * 1000).toFixed(0)} ms CPU`);
console.log(`target throughput: ${baseline.toFixed(0)} mmap+munmap/s alone`);
console.log(`  with watch sampling back to back: ${duringBackToBack.toFixed(0)}/s (slowdown ${pct(duringBackToBack)})`);
console.log(`  with watch at the default --interval 1s: ${duringDefault.toFixed(0)}/s (slowdown ${pct(duringDefault)})`);
console.log(`control, watch on another idle 61k-mapping process (CPU contention only):`);
console.log(`  back to back: ${duringControlBackToBack.toFixed(0)}/s (slowdown ${pct(duringControlBackToBack)}); at 1s: ${duringControlDefault.toFixed(0)}/s (slowdown ${pct(duringControlDefault)})`);
target.kill('SIGKILL');
control.kill('SIGKILL');
process.exit(0);
