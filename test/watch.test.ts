/**
 * `tspmap watch` on a real process that leaks steadily: NDJSON when piped,
 * the redrawn view on a terminal (util-linux `script` gives it a pty), and
 * the clean endings: --count, the process exiting, Ctrl-C with a summary,
 * a closed pipe, and --record writing a snapshot series.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Leaker, startLeaker } from './helpers/leaker.js';
import { RunResult, TSPMAP_BIN, cleanEnv, runCommand, runTspmap } from './helpers/run.js';
import { schemaValidator } from './helpers/schema.js';

const validLine = schemaValidator('tspmap-watch.schema.json');

const scratch = mkdtempSync(join(tmpdir(), 'tspmap-watch-'));
const leakers: Leaker[] = [];
afterAll(async () => {
  await Promise.all(leakers.map((leaker) => leaker.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

async function steadyLeaker(file: string): Promise<Leaker> {
  const started = await startLeaker(join(scratch, file), true);
  leakers.push(started);
  return started;
}

interface Line {
  event: string;
  sample: number;
  totals: Record<string, { kB: number; change_kB: number; perMinute_kB: number }>;
  objects: Array<{ object: string; change_kB: number; perMinute_kB: number; suspect: boolean }>;
  suspects: string[];
}

function lines(result: RunResult): Line[] {
  const parsed = result.stdout.toString().trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Line);
  parsed.forEach(validLine);
  return parsed;
}

/** Start watch piped, call `act` once the first line arrived, collect everything. */
function watchPiped(args: string[], act: (child: ReturnType<typeof spawn>) => void): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSPMAP_BIN, 'watch', ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let acted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      if (!acted) {
        acted = true;
        act(child);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('close', (status, signal) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status, signal }));
  });
}

describe('watch names what a leaking process grows', () => {
  it('piped: one NDJSON line per sample, growth per minute, leak suspects', async () => {
    const child = await steadyLeaker('steady.dat');
    const result = await runTspmap(['watch', String(child.pid), '--interval', '600ms', '--count', '7', '--suspect-after', '5'], cleanEnv());
    expect(result.status).toBe(0);
    const samples = lines(result);
    expect(samples).toHaveLength(7);
    expect(samples.map((line) => line.sample)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const last = samples[6]!;
    const object = (name: string) => last.objects.find((row) => row.object === name)!;
    // The leaker adds 20 MiB of heap, 16 MiB anon and 4 MiB of file every
    // 0.5 s; 3.6 s of samples see at least 3 rounds even on a loaded machine.
    expect(object('[heap]').change_kB).toBeGreaterThan(3 * 20 * 1024);
    expect(object('[anon]').change_kB).toBeGreaterThan(3 * 16 * 1024);
    expect(object(join(scratch, 'steady.dat')).change_kB).toBeGreaterThanOrEqual(3 * 4 * 1024);
    // At most ~40 MiB per 0.5 s is ~4.8 GB/min; the fit must land in that order.
    expect(last.totals.rss!.perMinute_kB).toBeGreaterThan(1_000_000);
    expect(last.totals.rss!.perMinute_kB).toBeLessThan(8_000_000);
    expect(last.suspects).toEqual(expect.arrayContaining(['[heap]', '[anon]', join(scratch, 'steady.dat')]));
    // Too few samples to suspect anything yet.
    expect(samples[2]!.suspects).toEqual([]);
    expect(result.stderr.toString()).toMatch(/^tspmap watch: done after 7 samples; leak suspects: .*\[heap\]/);
  });

  it('on a terminal: the view is redrawn in place and marks suspects', async () => {
    const child = await steadyLeaker('tty.dat');
    const command = `"${process.execPath}" "${TSPMAP_BIN}" watch ${child.pid} --interval 500ms --count 6`;
    const result = await runCommand('script', ['-qec', command, '/dev/null'], cleanEnv({ TERM: 'xterm' }));
    const screen = result.stdout.toString();
    expect(screen.split('\x1b[H\x1b[J').length - 1).toBe(6);
    const lastFrame = screen.slice(screen.lastIndexOf('\x1b[H\x1b[J'));
    expect(lastFrame).toMatch(/^RSS +\d+ +\d+ +\+\d+ +\+\d+\.\d/m);
    expect(lastFrame).toMatch(/^\[heap\] +\d+ +\+\d+ +\+\d+\.\d +\d\/5 +LEAK\?/m);
    expect(lastFrame).toMatch(/Leak suspects: .*\[heap\]/);
    expect(result.status).toBe(0);
  });
});

describe('watch ends cleanly', () => {
  it('when the process exits: one line, status 0', async () => {
    const child = await steadyLeaker('exit.dat');
    const result = await watchPiped([String(child.pid), '--interval', '200ms'], () => {
      setTimeout(() => child.child.kill('SIGKILL'), 500);
    });
    expect(result.status).toBe(0);
    expect(result.stderr.toString()).toMatch(new RegExp(`^tspmap watch: PID ${child.pid} exited after \\d+ samples`));
    expect(result.stderr.toString().trim().split('\n')).toHaveLength(1);
  });

  it('on Ctrl-C: a final summary line, one message, status 130', async () => {
    const child = await steadyLeaker('sigint.dat');
    const result = await watchPiped([String(child.pid), '--interval', '200ms'], (watch) => {
      setTimeout(() => watch.kill('SIGINT'), 700);
    });
    expect(result.status).toBe(130);
    const all = lines(result);
    expect(all[all.length - 1]!.event).toBe('end');
    expect(all.slice(0, -1).every((line) => line.event === 'sample')).toBe(true);
    expect(result.stderr.toString()).toMatch(/^tspmap watch: interrupted after \d+ samples/);
    expect(result.stderr.toString().trim().split('\n')).toHaveLength(1);
  });

  it('on a closed pipe: one message, status 141', async () => {
    const child = await steadyLeaker('pipe.dat');
    const script = `"${process.execPath}" "${TSPMAP_BIN}" watch ${child.pid} --interval 100ms | head -n 1 >/dev/null; echo "status \${PIPESTATUS[0]}"`;
    const result = await runCommand('bash', ['-c', script], cleanEnv());
    expect(result.stdout.toString()).toBe('status 141\n');
    expect(result.stderr.toString()).toMatch(/^tspmap watch: output closed after \d+ samples/);
    expect(result.stderr.toString().trim().split('\n')).toHaveLength(1);
  });

  it('no such process: one line, status 1', async () => {
    const result = await runTspmap(['watch', '999999999', '--count', '1'], cleanEnv());
    expect(result.stderr.toString()).toBe('tspmap watch: no such process: 999999999\n');
    expect(result.status).toBe(1);
  });
});

describe('watch --record', () => {
  it('writes every sample into a snapshot series that diff and --snapshot read', async () => {
    const child = await steadyLeaker('record.dat');
    const file = join(scratch, 'watched.tar.gz');
    const result = await runTspmap(['watch', String(child.pid), '--interval', '400ms', '--count', '4', '--record', file], cleanEnv());
    expect(result.status).toBe(0);
    const diff = await runTspmap(['diff', '--json', file], cleanEnv());
    expect(diff.status).toBe(0);
    const doc = JSON.parse(diff.stdout.toString()) as { before: { source: string }; after: { source: string }; objects: Array<{ object: string; delta_kB: { rss: number } }> };
    expect(doc.before.source).toBe(`${file}@0`);
    expect(doc.after.source).toBe(`${file}@3`);
    // The leaker grows every 0.5 s, so ~1 s of samples saw at least one partial round.
    expect(doc.objects.find((row) => row.object === '[heap]')!.delta_kB.rss).toBeGreaterThan(1024);
    const rendered = await runTspmap(['--snapshot', file, '--at', '1', '-x', String(child.pid)], cleanEnv());
    expect(rendered.status).toBe(0);
    expect(rendered.stdout.toString()).toMatch(new RegExp(`^${child.pid}: +\\S*python3\\S* `));
  });
});

describe('the leak-suspect rule', async () => {
  const { trendOf } = await import('../src/model/trend.js');
  const series = (values: number[]) => values.map((value, i) => ({ t: i * 1000, value }));

  it('marks steady growth once there are enough samples', () => {
    expect(trendOf(series([100, 110, 120, 130]), 5).suspect).toBe(false);
    const steady = trendOf(series([100, 110, 120, 130, 140]), 5);
    expect(steady.suspect).toBe(true);
    expect(steady.perMinute).toBeCloseTo(600, 6);
    expect(steady.change).toBe(40);
  });

  it('does not mark a cache filled once, a sawtooth or a shrinking value', () => {
    expect(trendOf(series([100, 100, 500, 500, 500, 500]), 5).suspect).toBe(false);
    expect(trendOf(series([100, 200, 100, 200, 100, 200]), 5).suspect).toBe(false);
    expect(trendOf(series([500, 400, 300, 200, 100]), 5).suspect).toBe(false);
  });

  it('tolerates a few flat or falling steps in a rising series', () => {
    const noisy = trendOf(series([100, 120, 115, 140, 160, 160, 190]), 5);
    expect(noisy.growingSteps).toBe(4);
    expect(noisy.suspect).toBe(true);
  });
});

describe('watch on a terminal, interrupted', () => {
  it('Ctrl-C leaves the last frame, prints a summary and exits 130', async () => {
    const child = await steadyLeaker('tty-int.dat');
    const command = `timeout --preserve-status -s INT 2.5 "${process.execPath}" "${TSPMAP_BIN}" watch ${child.pid} --interval 300ms`;
    const result = await runCommand('script', ['-qec', command, '/dev/null'], cleanEnv({ TERM: 'xterm' }));
    const screen = result.stdout.toString().replace(/\r/g, '');
    const afterLastFrame = screen.slice(screen.lastIndexOf('(Ctrl-C stops with a summary)'));
    expect(afterLastFrame).toMatch(new RegExp(`\\nSummary of PID ${child.pid} \\(python3\\): \\d+ samples over \\d+\\.\\ds; RSS \\d+ -> \\d+ kB \\(\\+\\d+, \\+\\d+\\.\\d kB/min\\)\\n`));
    expect(afterLastFrame).toMatch(/^\[heap\] +\d+ +\+\d+/m);
    expect(afterLastFrame).toMatch(/\ntspmap watch: interrupted after \d+ samples/);
    expect(result.status).toBe(130);
  });
});
