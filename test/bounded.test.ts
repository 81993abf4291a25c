/**
 * Bounded reads on endless or huge input, closed standard descriptors and
 * write errors (issue 11), each compared with the real /usr/bin/pmap: over
 * a damaged tree bind-mounted on /proc (unshare -m) where the case needs
 * one, live otherwise. pmap runs through a symlink named "tspmap", so the
 * two outputs are compared byte for byte.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'bin', 'tspmap.js');
const PMAP = '/usr/bin/pmap';
const FIXTURE = join(REPO, 'fixtures', 'sleep', 'tree');
const PID = readFileSync(join(REPO, 'fixtures', 'sleep', 'pids'), 'latin1').trim();

const work = mkdtempSync(join(tmpdir(), 'tspmap-bounded-'));
chmodSync(work, 0o755);
const PMAP_AS_TSPMAP = join(work, 'bin', 'tspmap');
mkdirSync(join(work, 'bin'));
symlinkSync(PMAP, PMAP_AS_TSPMAP);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function probe(): string | null {
  if (!existsSync(PMAP)) return `${PMAP} is missing`;
  if (process.getuid?.() !== 0) return 'not root';
  const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind ${work} /proc && echo ok`], { encoding: 'utf8' });
  return r.stdout?.includes('ok') ? null : `unshare -m / mount --bind failed: ${(r.stderr ?? '').trim()}`;
}
const noOracle = probe();
if (noOracle) console.warn(`bounded.test.ts: comparisons with the real pmap are SKIPPED (${noOracle})`);
const withPmap = noOracle ? it.skip : it;

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

const ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: work };
const NODE = process.execPath;

/** A shell line run with "$P" naming the program: tspmap or pmap (as "tspmap"). */
function sh(program: string, script: string, timeout = 60_000): Outcome {
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${script}`], {
    env: { ...ENV, P: program }, encoding: 'latin1', timeout, maxBuffer: 1 << 26,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 };
}
const MINE = `${NODE} ${BIN}`;

/** pmap over `tree` mounted on /proc, and tspmap with --proc-root. */
function overTree(tree: string, args: string, timeout = 60_000): { mine: Outcome; pmap: Outcome } {
  const mine = sh(MINE, `$P --proc-root ${tree} ${args}`, timeout);
  const pmap = sh(PMAP_AS_TSPMAP, `unshare -m sh -c 'mount --bind ${tree} /proc && exec "$0" "$@"' $P ${args}`, timeout);
  return { mine, pmap };
}

let trees = 0;
/** The sleep fixture's tree with some of PID's files replaced (a symlink when given one). */
function tree(files: Record<string, string | Buffer | { symlink: string }>): string {
  const dir = join(work, `tree${trees++}`);
  cpSync(FIXTURE, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, PID, name);
    rmSync(path, { force: true });
    if (typeof content === 'object' && 'symlink' in content) symlinkSync(content.symlink, path);
    else writeFileSync(path, content);
  }
  return dir;
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
}

/** Peak RSS in KiB of a command, from GNU time. */
function peakKiB(script: string): { peak: number; out: Outcome } {
  const out = sh(MINE, `/usr/bin/time -f %M -o ${work}/peak ${script}`);
  return { peak: Number(readFileSync(join(work, 'peak'), 'latin1').trim().split('\n').pop()), out };
}

let target: ChildProcess;
beforeAll(() => {
  target = spawn('sleep', ['1000'], { stdio: 'ignore' });
});
afterAll(() => target.kill());

describe('endless rc files', () => {
  it('-C /dev/zero reads on in constant memory, as pmap does', async () => {
    const child = spawn(NODE, [BIN, '-C', '/dev/zero', String(target.pid)], { stdio: 'ignore', env: ENV });
    try {
      await new Promise((done) => setTimeout(done, 1500));
      const first = rssKiB(child.pid!);
      await new Promise((done) => setTimeout(done, 2500));
      const second = rssKiB(child.pid!);
      expect(child.exitCode).toBeNull();
      // The old whole-file read grew by ~200 MB/s.
      expect(second - first).toBeLessThan(8 * 1024);
      expect(second).toBeLessThan(120 * 1024);
    } finally {
      child.kill();
    }
  });

  withPmap('-C on an endless random stream warns as it reads, line for line as pmap', () => {
    // A seeded endless stream in place of /dev/urandom, so both get the same bytes;
    // head ends each run: pmap dies of SIGPIPE on stderr, tspmap too (141).
    const stream = `python3 -c 'import random,sys
random.seed(11)
while True: sys.stdout.buffer.write(random.randbytes(65536))' 2>/dev/null`;
    const script = `${stream} | timeout 30 $P -C /dev/stdin ${target.pid} 2>&1 >/dev/null | head -n 40; echo "\${PIPESTATUS[1]}"`;
    const mine = sh(MINE, script);
    const pmap = sh(PMAP_AS_TSPMAP, script);
    expect(mine.stdout.split('\n').length).toBe(42);
    expect(mine.stdout).toMatch(/^tspmap: (syntax error|unsupported section|config line too long)/);
    expect(mine.stdout).toBe(pmap.stdout);
  });
});

describe('smaps that never ends or makes no sense', () => {
  withPmap('smaps is /dev/zero: the header, "Unknown format in smaps file!", exit 1', () => {
    const t = tree({ smaps: { symlink: '/dev/zero' } });
    for (const args of [`-X ${PID}`, `-XX ${PID}`]) {
      const { mine, pmap } = overTree(t, args, 20_000);
      expect(mine.stderr).toBe('tspmap: Unknown format in smaps file!\n');
      expect(mine).toEqual(pmap);
    }
  });

  withPmap('smaps is /dev/urandom: pmap stops at once, so does tspmap', () => {
    const t = tree({ smaps: { symlink: '/dev/urandom' } });
    const { mine, pmap } = overTree(t, `-X ${PID}`, 20_000);
    expect(mine.status).toBe(1);
    expect(mine).toEqual(pmap);
  });

  withPmap('a 96 MiB mapping name with -X and -x: the same 1023-byte view, in bounded memory', () => {
    const smaps = readFileSync(join(FIXTURE, PID, 'smaps'));
    const firstNewline = smaps.indexOf(0x0a);
    const name = Buffer.alloc(96 << 20, 'n');
    name[0] = 0x2f;
    const t = tree({ smaps: Buffer.concat([smaps.subarray(0, firstNewline), Buffer.from(' '), name, smaps.subarray(firstNewline)]) });
    for (const args of [`-X ${PID}`, `-x ${PID}`]) {
      const { mine, pmap } = overTree(t, args);
      expect(mine.status).toBe(0);
      expect(mine).toEqual(pmap);
    }
    // Reading the line whole took ~2.5 bytes of memory per byte of name.
    const { peak } = peakKiB(`$P --proc-root ${t} -X ${PID} >/dev/null`);
    expect(peak).toBeLessThan(140 * 1024);
  });
});

describe('stat and status that never end', () => {
  // pmap's file2str() reads /dev/zero to its 2 GiB cap (about 10 s and
  // 2 GiB of memory) and then sees an empty C string. tspmap stops at the
  // first NUL, which settles the same answer: the expected output is
  // pmap's over a file holding one NUL, checked against /dev/zero once by
  // hand (md5 equal; see issue 11's note).
  for (const file of ['stat', 'status']) {
    withPmap(`${file} is /dev/zero: pmap's output for an empty C string, at once`, () => {
      const zero = tree({ [file]: { symlink: '/dev/zero' } });
      const nul = tree({ [file]: Buffer.from([0]) });
      for (const args of [PID, `-x ${PID}`, `-X ${PID}`]) {
        const started = Date.now();
        const mine = sh(MINE, `$P --proc-root ${zero} ${args}`);
        expect(Date.now() - started).toBeLessThan(5000);
        expect(mine).toEqual(overTree(nul, args).pmap);
      }
    });
  }

  withPmap('a stat read in pieces: the first ( after 200 KiB, a ) in the name', () => {
    const stat = readFileSync(join(FIXTURE, PID, 'stat'), 'latin1');
    const t = tree({ stat: ')'.repeat(200 * 1024) + stat.replace('(', '(a)b') });
    const { mine, pmap } = overTree(t, PID);
    expect(mine).toEqual(pmap);
  });

  withPmap('status with Tgid: far into a long file and many leading zeros', () => {
    const status = readFileSync(join(FIXTURE, PID, 'status'), 'latin1');
    const t = tree({ status: 'X'.repeat(300 * 1024) + status.replace(/Tgid:\s*/, `Tgid:\t${'0'.repeat(100 * 1024)}`) });
    const { mine, pmap } = overTree(t, PID);
    expect(mine).toEqual(pmap);
  });
});

describe('standard descriptors closed at start', () => {
  const cases: [string, string][] = [
    ['-x $T >&-', 'write error: Bad file descriptor'],
    ['-X $T >&-', 'write error: Bad file descriptor'],
    ['-x $T >/dev/null', ''],
    ['-x 999999999 >&-', ''],
    ['-C /dev/stdin $T <&-', "couldn't read the rc file"],
    ['-C /dev/fd/0 $T <&-', "couldn't read the rc file"],
    ['-C /dev/stdin $T </dev/null', ''],
    ['-C /dev/null $T <&-', ''],
  ];
  // As `node bin/tspmap.js` (MINE), and as the installed command runs: the
  // file itself, whose sh prologue sees the descriptors before Node does and
  // so also tells a read-write /dev/null of the caller's from a closed one.
  const readWrite: [string, string][] = [
    ['-x $T 1<>/dev/null', ''],
    ['-C /dev/stdin $T 0<>/dev/null', ''],
  ];
  const runs: [string, string, [string, string][]][] = [['tspmap', MINE, cases], ['bin/tspmap.js', BIN, [...cases, ...readWrite]]];
  for (const [label, program, list] of runs) {
    for (const [args, message] of list) {
      withPmap(`${label} ${args}`, () => {
        const script = `{ $P ${args.replaceAll('$T', String(target.pid))}; echo "status $?"; } 2>&1 | tail -c 300`;
        const mine = sh(program, script);
        const pmap = sh(PMAP_AS_TSPMAP, script);
        if (message) expect(mine.stdout).toBe(`tspmap: ${message}\nstatus 1\n`);
        expect(mine).toEqual(pmap);
      });
    }
  }

  withPmap("bin/tspmap.js with Python's subprocess.DEVNULL (read-write) as stdout: exit 0, as pmap", () => {
    const script = `python3 -c 'import subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); print(r.returncode, r.stderr)' $P -x ${target.pid}`;
    const mine = sh(BIN, script);
    expect(mine.stdout).toBe("0 b''\n");
    expect(mine).toEqual(sh(PMAP_AS_TSPMAP, script));
  });
});

describe('write errors in glibc words', () => {
  withPmap('stdout is a socket whose peer reset: "Connection reset by peer", exit 1', () => {
    // The peer closes with SO_LINGER 0 (a reset) before anything is written.
    const harness = `
import socket, struct, subprocess, sys, time
server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen(1)
client = socket.create_connection(server.getsockname())
peer, _ = server.accept()
peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); peer.close()
time.sleep(0.2)
r = subprocess.run(sys.argv[1:], stdout=client.fileno(), stderr=subprocess.PIPE)
sys.stdout.write('%s|%d' % (r.stderr.decode('latin1'), r.returncode))
`;
    const script = `python3 -c "$H" $P -x ${target.pid}`;
    const run = (program: string) => spawnSync('bash', ['-c', script], { env: { ...ENV, P: program, H: harness }, encoding: 'latin1' });
    const mine = run(MINE);
    const pmap = run(PMAP_AS_TSPMAP);
    expect(mine.stdout).toBe('tspmap: write error: Connection reset by peer\n|1');
    expect(mine.stdout).toBe(pmap.stdout);
  });
});

/**
 * 60,000 mappings (a stream of ~6 MiB, past the 4 MiB kept in memory),
 * where every 7th mapping lacks its last field (Locked) and every 11th
 * VmFlags, so rows carry values across the spilled segments; a second PID
 * with fewer fields shows the values the first one left.
 */
function bigSmaps(count: number, base: number, full: boolean): string {
  const parts: string[] = [];
  const kv = (key: string, value: number) => `${`${key}:`.padEnd(16)}${String(value).padStart(8)} kB\n`;
  for (let i = 0; i < count; i++) {
    const start = (base + i * 0x1000).toString(16).padStart(12, '0');
    const end = (base + (i + 1) * 0x1000).toString(16).padStart(12, '0');
    const shared = i % 2 === 1;
    const head = `${start}-${end} ${shared ? 'rw-s' : 'rw-p'} ${(i * 0x1000).toString(16).padStart(8, '0')} 00:01 ${shared ? 1234 : 0}`;
    // Names of ~40 bytes: the -X stream passes 4 MiB (strace shows the scratch file).
    parts.push(shared ? `${head.padEnd(73)}/memfd:bench-${i % 13}-scratch-file-test (deleted)\n` : `${head.padEnd(73)}/usr/lib/x86_64-linux-gnu/libbench-${i % 17}.so.6\n`);
    parts.push(kv('Size', 4), kv('Rss', i % 5), kv('Pss', i % 3), kv('Private_Dirty', i % 4));
    if (full) parts.push(kv('Swap', 0), i % 7 !== 3 ? kv('Locked', (i * 7) % 9) : '');
    if (i % 11 !== 5) parts.push(`VmFlags: rd wr mr mw me ${i % 3 === 0 ? 'ac ' : ''}\n`);
  }
  return parts.join('');
}

describe('-X on many mappings: the record stream spills to a scratch file', () => {
  withPmap('-X, -XX and -C over two PIDs: byte for byte as pmap across the spilled segments', () => {
    const t = tree({ smaps: bigSmaps(60_000, 0x7f0000000000, true) });
    cpSync(join(t, PID), join(t, '4243'), { recursive: true });
    writeFileSync(join(t, '4243', 'smaps'), bigSmaps(500, 0x7e0000000000, false));
    const rc = join(work, 'spill.rc');
    writeFileSync(rc, '[Fields Display]\nRss\nLocked\nPss\n[Mapping]\nShowPath\n');
    for (const args of [`-X ${PID} 4243`, `-XX ${PID}`, `-C ${rc} ${PID} 4243`, `-X -q -p ${PID}`]) {
      const { mine, pmap } = overTree(t, args);
      expect(mine.stderr).toBe('');
      expect(mine.status).toBe(0);
      expect(mine).toEqual(pmap);
    }
  });
});

describe('a small ulimit -v', () => {
  // Node aborts below ~730 MiB of address space before any JavaScript runs;
  // bin/tspmap.js's sh prologue then starts it with --jitless (from 200 MiB).
  withPmap('tspmap runs under ulimit -v 300 MiB as pmap does', () => {
    const plain = sh(MINE, `ulimit -v 307200; $P --proc-root ${FIXTURE} -x ${PID}; echo "status $?"`);
    expect(plain.stdout).toBe('status 133\n');
    const viaBin = sh(BIN, `ulimit -v 307200; $P --proc-root ${FIXTURE} -x ${PID}`);
    const pmap = sh(PMAP_AS_TSPMAP, `ulimit -v 307200; unshare -m sh -c 'mount --bind ${FIXTURE} /proc && exec "$0" "$@"' $P -x ${PID}`);
    expect(viaBin.stderr).toBe('');
    expect(viaBin).toEqual(pmap);
  });

  // glibc reserves 64 MiB of address space for each thread's malloc arena;
  // before the prologue set MALLOC_ARENA_MAX, a big table ran out of it at
  // 400 MiB (V8 "Committing semi space failed", status 134), and --summary
  // aborted at 1 GiB as well, where libuv's thread pool (smaps_rollup) could
  // not start its threads.
  const limited = (limit: number, script: string) => sh(BIN, `ulimit -v ${limit}; ${script}`, 120_000);
  withPmap('60,000 mappings under ulimit -v 400 MiB and 1 GiB: every mode runs, pmap modes as pmap', () => {
    const t = tree({ smaps: bigSmaps(60_000, 0x7f0000000000, true) });
    // --summary reads the Pss split from smaps_rollup on libuv's thread pool.
    const rollup = ['Rss:      120000 kB', 'Pss:       60000 kB', 'Pss_Anon:  20000 kB', 'Pss_File:  30000 kB', 'Pss_Shmem: 10000 kB'];
    writeFileSync(join(t, PID, 'smaps_rollup'), `7f0000000000-7f000ea60000 ---p 00000000 00:00 0 [rollup]\n${rollup.join('\n')}\n`);
    for (const limit of [409_600, 1_048_576]) {
      for (const args of ['-X', '-XX', '-x']) {
        const mine = limited(limit, `$P --proc-root ${t} ${args} ${PID}`);
        const pmap = sh(PMAP_AS_TSPMAP, `ulimit -v ${limit}; unshare -m sh -c 'mount --bind ${t} /proc && exec "$0" "$@"' $P ${args} ${PID}`, 120_000);
        expect(mine.stderr, `${args} at ${limit} KiB`).toBe('');
        expect(mine.status, `${args} at ${limit} KiB`).toBe(0);
        expect(mine).toEqual(pmap);
      }
      for (const args of ['--summary', '--json']) {
        const mine = limited(limit, `$P --proc-root ${t} ${args} ${PID}`);
        const unlimited = sh(MINE, `$P --proc-root ${t} ${args} ${PID}`, 120_000);
        expect(mine.stderr, `${args} at ${limit} KiB`).toBe('');
        expect(mine.status, `${args} at ${limit} KiB`).toBe(0);
        expect(mine.stdout).toBe(unlimited.stdout);
      }
    }
  });
});
