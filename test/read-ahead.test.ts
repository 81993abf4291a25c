/**
 * The reading thread behind -x and -X (src/proc/read-ahead.ts): the caller reads
 * a file's start, the worker the rest, and what comes out must be the file
 * byte for byte, in order. A FIFO fed slowly by another process makes the
 * hand-over happen midway. Then -x on a live process big enough for the
 * worker to take over (and -X over a frozen copy of its files), against
 * /usr/bin/pmap, with and without a
 * `ulimit -v` (under which no worker may start: a second V8 isolate would
 * end the process).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadAhead } from '../src/proc/read-ahead.js';
import { streamBytes } from '../src/proc/procfs.js';
import { REPO_ROOT } from './helpers/run.js';
import { pmapOracleProblem } from './helpers/oracle.js';
import { frozenCopy } from './helpers/frozen-copy.js';

const work = mkdtempSync(join(tmpdir(), 'tspmap-read-ahead-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CHUNK = 1 << 20;

/** A FIFO that a python3 process fills with `data`, a chunk every `pauseMs`. */
function slowFifo(name: string, data: Buffer, pauseMs: number): string {
  const source = join(work, `${name}.data`);
  const fifo = join(work, `${name}.fifo`);
  writeFileSync(source, data);
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  spawn('python3', ['-c', [
    'import sys, time',
    'src, dst, chunk, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])',
    'with open(src, "rb") as f, open(dst, "wb", buffering=0) as o:',
    '    while True:',
    '        b = f.read(chunk)',
    '        if not b: break',
    '        o.write(b)',
    '        time.sleep(pause)',
  ].join('\n'), source, fifo, String(CHUNK), String(pauseMs / 1000)], { stdio: 'ignore' });
  return fifo;
}

/** Random bytes with a newline every 1-200 bytes, like a text of lines. */
function lines(size: number): Buffer {
  const data = randomBytes(size);
  for (let at = 0; at < size; at += 1 + (data[at]! % 200)) data[at] = 0x0a;
  return data;
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('ReadAhead', () => {
  it.each([0, 3072])('continues where the caller stopped reading and hands out the rest in order (reads of %i)', (readSize) => {
    const data = lines(24 * CHUNK);
    const fd = openSync(slowFifo(`direct-${readSize}`, data, 5), 'r');
    const got = Buffer.alloc(data.length + 1);
    let filled = 0;
    try {
      // The caller's own reads first, then the worker's.
      while (filled < 3 * CHUNK) filled += readSync(fd, got, filled, 3 * CHUNK - filled, null);
      const ahead = ReadAhead.start(fd, readSize);
      expect(ahead).not.toBeNull();
      for (let waited = 0; !ahead!.takeOverIfReady(); waited++) {
        expect(waited).toBeLessThan(10_000);
        sleepMs(1);
      }
      expect(ahead!.reading).toBe(true);
      for (let size = 1; ; size = (size * 7 + 3) % 300_000) {
        const count = ahead!.read(got, filled, Math.min(size + 1, got.length - filled));
        if (count === 0) break;
        filled += count;
      }
      ahead!.stop();
    } finally {
      closeSync(fd);
    }
    expect(filled).toBe(data.length);
    expect(got.subarray(0, filled).equals(data)).toBe(true);
  });

  it('streamBytes(readAhead) gives onBlock the whole stream, consumed line by line', () => {
    const data = lines(40 * CHUNK);
    const out: Buffer[] = [];
    const read = streamBytes(slowFifo('stream', data, 4), (bytes, eof) => {
      const used = eof ? bytes.length : bytes.lastIndexOf(0x0a) + 1;
      out.push(Buffer.from(bytes.subarray(0, used)));
      return used;
    }, true);
    expect(read.ok).toBe(true);
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });
});

const noOracle = pmapOracleProblem();
if (noOracle) console.warn(`read-ahead.test.ts: live comparisons with pmap are SKIPPED (${noOracle})`);
const withPmap = noOracle ? it.skip : it;

describe('-x and -X on a process with 20,000 mappings, frozen', () => {
  let big: ChildProcess | undefined;
  let pid = 0;

  beforeAll(async () => {
    if (noOracle) return;
    big = spawn('python3', [join(REPO_ROOT, 'scripts', 'bench', 'bigproc.py'), 'big', '20000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    pid = await new Promise<number>((resolve, reject) => {
      let text = '';
      big!.stdout!.on('data', (piece: Buffer) => {
        text += piece.toString('latin1');
        const ready = /READY (\d+)/.exec(text);
        if (ready) resolve(Number(ready[1]));
      });
      big!.on('exit', (code) => reject(new Error(`bigproc.py exited with ${code}`)));
    });
    process.kill(pid, 'SIGSTOP');
  }, 60_000);
  afterAll(() => {
    big?.kill('SIGKILL');
  });

  const run = (command: string) => spawnSync('bash', ['-c', command], { encoding: 'latin1', maxBuffer: 1 << 28, timeout: 60_000 });
  const bin = join(REPO_ROOT, 'bin', 'tspmap.js');

  for (const args of ['-x', '-x -q', '-x -p']) {
    withPmap(`tspmap ${args} prints what pmap ${args} prints`, () => {
      const mine = run(`${process.execPath} ${bin} ${args} ${pid}`);
      const pmap = run(`/usr/bin/pmap ${args} ${pid}`);
      expect(pmap.stdout.length).toBeGreaterThan(20_000 * 60);
      expect(mine.status).toBe(pmap.status);
      expect(mine.stderr).toBe(pmap.stderr);
      expect(mine.stdout === pmap.stdout).toBe(true);
    });
  }

  // -X and -XX carry Pss, which moves while anything maps the same pages:
  // both read one frozen copy of the files pmap reads.
  for (const args of ['-X', '-XX', '-X -q']) {
    withPmap(`tspmap ${args} prints what pmap ${args} prints, over a copy`, () => {
      const tree = frozenCopy([pid], 'tspmap-read-ahead-tree-');
      const mine = run(`${process.execPath} ${bin} --proc-root ${tree} ${args} ${pid}`);
      const pmap = run(`unshare -m sh -c 'mount --bind ${tree} /proc && exec /usr/bin/pmap ${args} ${pid}'`);
      expect(pmap.stdout.length).toBeGreaterThan(20_000 * 60);
      expect(mine.status).toBe(pmap.status);
      expect(mine.stderr).toBe(pmap.stderr);
      expect(mine.stdout === pmap.stdout).toBe(true);
    });
  }

  withPmap('under ulimit -v 1,000,000 KiB (plain node, no worker) as well', () => {
    const mine = run(`ulimit -v 1000000; ${process.execPath} ${bin} -x ${pid}; echo "status $?"`);
    const pmap = run(`/usr/bin/pmap -x ${pid}; echo "status $?"`);
    expect(mine.stderr).toBe('');
    expect(mine.stdout === pmap.stdout).toBe(true);
  });
});
