/**
 * Hostile environments: /proc entries that vanish or cannot be read, odd
 * processes (zombie, kernel thread, thread id), stdout failures (/dev/full,
 * a reader that goes away) and faulty rc files.
 *
 * Every case asserts tspmap's defined behaviour (never a stack trace, a
 * definite status) and, where the real procps-ng pmap and `unshare -m` are
 * available (root), compares stdout, stderr and shell-visible status with it
 * byte for byte: pmap runs as "tspmap" over the same tree bind-mounted on
 * /proc in a private mount namespace.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pmapOracleProblem } from './helpers/oracle.js';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'bin', 'tspmap.js');
const PMAP = '/usr/bin/pmap';

const work = mkdtempSync(join(tmpdir(), 'tspmap-hostile-'));
chmodSync(work, 0o755);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function probeOracle(): string | null {
  return pmapOracleProblem();
}
const noOracle = probeOracle();
if (noOracle) {
  console.warn(`hostile.test.ts: comparisons with the real pmap are SKIPPED (${noOracle}); only tspmap's own behaviour is checked`);
}
const haveNobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0;

// ---------------------------------------------------------------------------
// trees

type Entry = string | Buffer | { dir: true } | { symlink: string } | { mode: number; data: string | Buffer };
let treeCount = 0;

function maps(lines: string[]): string {
  return lines.map((l) => l + '\n').join('');
}
const MAP_LINES = [
  '55d4c8a00000-55d4c8a02000 r--p 00000000 fd:01 1311011                    /usr/bin/demo',
  '55d4c8a02000-55d4c8a07000 r-xp 00002000 fd:01 1311011                    /usr/bin/demo',
  '55d4c9b3e000-55d4c9b5f000 rw-p 00000000 00:00 0                          [heap]',
  '7f3a203e9000-7f3a203ea000 rw-s 00000000 00:01 32769                      /SYSV00000000 (deleted)',
  '7ffc5e9d4000-7ffc5e9f5000 rw-p 00000000 00:00 0                          [stack]',
];
function smapsFor(lines: string[]): string {
  return lines
    .map((l) => {
      const [range] = l.split(' ');
      const [a, b] = range!.split('-').map((h) => BigInt(`0x${h}`));
      const kb = String((b! - a!) / 1024n);
      const f = (k: string, v: string | number) => `${(k + ':').padEnd(16)}${String(v).padStart(8)} kB\n`;
      return `${l}\n${f('Size', kb)}${f('KernelPageSize', 4)}${f('MMUPageSize', 4)}${f('Rss', 4)}${f('Pss', 4)}${f('Shared_Clean', 0)}${f('Shared_Dirty', 0)}${f('Private_Clean', 0)}${f('Private_Dirty', 4)}${f('Referenced', 4)}${f('Anonymous', 4)}${f('Swap', 0)}${f('Locked', 0)}THPeligible:           0\nVmFlags: rd wr mr mw me ac \n`;
    })
    .join('');
}

function stat(pid: number, comm: string, state: string, startStack = '140721895983632'): string {
  return `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 4194304 120 0 0 0 3 1 0 0 20 0 1 0 123456 69689344 123 18446744073709551615 4194304 4198400 ${startStack} 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;
}
function status(pid: number, comm: string, tgid: number, state = 'S (sleeping)'): string {
  return `Name:\t${comm}\nUmask:\t0022\nState:\t${state}\nTgid:\t${tgid}\nNgid:\t0\nPid:\t${pid}\nPPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t1\n`;
}

/** A process dir: stat/status/cmdline/maps/smaps, each overridable (null drops it). */
function proc(pid: number, over: Partial<Record<'stat' | 'status' | 'cmdline' | 'maps' | 'smaps', Entry | null>> = {}): Record<string, Entry> {
  const base: Record<string, Entry | null> = {
    stat: stat(pid, 'demo', 'S'),
    status: status(pid, 'demo', pid),
    cmdline: '/usr/bin/demo\0--serve\0',
    maps: maps(MAP_LINES),
    smaps: smapsFor(MAP_LINES),
    ...over,
  };
  const out: Record<string, Entry> = {};
  for (const [k, v] of Object.entries(base)) if (v !== null) out[`${pid}/${k}`] = v;
  return out;
}

function makeTree(entries: Record<string, Entry>): string {
  const dir = join(work, `tree${treeCount++}`);
  const all: Record<string, Entry> = {
    uptime: '12345.67 23456.78\n',
    'self/status': status(1000, 'pmap', 1000),
    'self/maps': maps([
      '00010000-00011000 rw-s 00000000 00:01 32768                              /SYSV00000000 (deleted)',
      '5600aaa00000-5600aaa02000 r--p 00000000 fe:00 260500                     /usr/bin/pmap',
    ]),
    ...entries,
  };
  for (const [rel, v] of Object.entries(all)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof v === 'string' || Buffer.isBuffer(v)) writeFileSync(p, v);
    else if ('dir' in v) mkdirSync(p, { recursive: true });
    else if ('symlink' in v) symlinkSync(v.symlink, p);
    else {
      writeFileSync(p, v.data);
      chmodSync(p, v.mode);
    }
  }
  chmodSync(dir, 0o755);
  return dir;
}

// ---------------------------------------------------------------------------
// running

interface Outcome {
  stdout: Buffer;
  stderr: Buffer;
  /** Shell-visible status: 128+N when killed by signal N. */
  status: number;
}

interface RunOptions {
  env?: Record<string, string>;
  /** Shell text after the command, e.g. '>/dev/full' or '| head -1' (pipefail is on). */
  redirect?: string;
  /** Run as nobody (65534) after mounting. */
  nobody?: boolean;
}

function envFor(o: RunOptions): Record<string, string> {
  return { PATH: '/usr/bin:/bin', HOME: join(work, 'nohome'), LANG: 'C.UTF-8', ...o.env };
}

const asNobody = (o: RunOptions) => (o.nobody ? 'setpriv --reuid=65534 --regid=65534 --clear-groups ' : '');

function runPmap(tree: string, args: string[], o: RunOptions = {}): Outcome {
  // exec -a cannot pass through setpriv: give pmap its name with a symlink.
  const link = join(work, 'bin', 'tspmap');
  if (!existsSync(link)) {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(PMAP, link);
  }
  const script =
    'mount --bind "$1" /proc || exit 222; shift; set -o pipefail; ' +
    `( exec ${asNobody(o)}${link} "$@" ) ${o.redirect ?? ''}`;
  const r = spawnSync('unshare', ['-m', 'bash', '-c', script, '_', tree, ...args], { env: envFor(o), cwd: '/', maxBuffer: 1 << 28 });
  if (r.status === 222) throw new Error(`could not mount ${tree}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 };
}

/**
 * The program as nobody can run it: the checkout may sit in a directory
 * only root can enter (a mktemp -d clone is 0700), so nobody gets a copy of
 * bin/ and dist/ inside the world-readable scratch directory.
 */
function binFor(o: RunOptions): string {
  if (!o.nobody) return BIN;
  const copy = join(work, 'program');
  if (!existsSync(copy)) {
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(REPO, part), join(copy, part), { recursive: true });
    chmodTree(copy);
  }
  return join(copy, 'bin', 'tspmap.js');
}

function chmodTree(path: string): void {
  chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chmodTree(join(path, entry));
  if (path.endsWith('tspmap.js')) chmodSync(path, 0o755);
}

function runMine(tree: string, args: string[], o: RunOptions = {}): Outcome {
  const script = `t=$1; shift; set -o pipefail; ( exec ${asNobody(o)}"${process.execPath}" "${binFor(o)}" --proc-root "$t" "$@" ) ${o.redirect ?? ''}`;
  const r = spawnSync('bash', ['-c', script, '_', tree, ...args], { env: envFor(o), cwd: '/', maxBuffer: 1 << 28 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 };
}

const text = (b: Buffer) => b.toString('latin1');

/** tspmap's own guarantees, then (when possible) equality with pmap. */
function check(tree: string, args: string[], o: RunOptions = {}): { mine: Outcome; pmap: Outcome | null } {
  const mine = runMine(tree, args, o);
  expect(text(mine.stderr)).not.toMatch(/internal error|\n\s+at |Error:|node:internal/);
  let pmap: Outcome | null = null;
  if (!noOracle) {
    pmap = runPmap(tree, args, o);
    expect({ stdout: text(mine.stdout), stderr: text(mine.stderr), status: mine.status }).toEqual({
      stdout: text(pmap.stdout),
      stderr: text(pmap.stderr),
      status: pmap.status,
    });
  }
  return { mine, pmap };
}

const HEADER = '4242:   /usr/bin/demo --serve\n';

// ---------------------------------------------------------------------------

describe('maps that vanish or cannot be read', () => {
  it('PID dir with stat/status/cmdline but no maps: header only, status 1', () => {
    const tree = makeTree(proc(4242, { maps: null, smaps: null }));
    for (const args of [['4242'], ['-x', '4242'], ['-d', '4242'], ['-X', '4242'], ['-q', '4242']]) {
      const { mine } = check(tree, args);
      expect(text(mine.stdout)).toBe(HEADER);
      expect(mine.status).toBe(1);
    }
  });

  it('maps is a dangling symlink: header only, status 1', () => {
    const tree = makeTree(proc(4242, { maps: { symlink: '/nonexistent/maps' }, smaps: { symlink: '/nonexistent/smaps' } }));
    for (const args of [['4242'], ['-x', '4242'], ['-XX', '4242']]) {
      const { mine } = check(tree, args);
      expect(text(mine.stdout)).toBe(HEADER);
      expect(mine.status).toBe(1);
    }
  });

  it('maps is a directory: fopen() succeeds, the first read fails (EISDIR)', () => {
    // pmap's fopen("r") of a directory succeeds and fgets() returns NULL at
    // once: an empty listing with its footer, and status 0.
    const tree = makeTree(proc(4242, { maps: { dir: true }, smaps: { dir: true } }));
    for (const args of [['4242'], ['-x', '4242'], ['-d', '4242'], ['-q', '4242'], ['-X', '4242']]) {
      const { mine } = check(tree, args);
      expect(text(mine.stdout).startsWith(HEADER)).toBe(true);
    }
  });

  it('one process unreadable among several keeps going, status 1 (42 for a missing PID)', () => {
    const tree = makeTree({ ...proc(4242), ...proc(4243, { maps: null, smaps: null }) });
    check(tree, ['4243', '4242']);
    const { mine } = check(tree, ['4243', '4242', '999999']);
    expect(mine.status).toBe(1 | 42);
  });

  it.skipIf(!haveNobody)('permission denied (maps mode 000, read as nobody)', () => {
    const tree = makeTree(proc(4242, { maps: { mode: 0o000, data: maps(MAP_LINES) }, smaps: { mode: 0o000, data: smapsFor(MAP_LINES) } }));
    for (const args of [['4242'], ['-x', '4242'], ['-X', '4242']]) {
      const { mine } = check(tree, args, { nobody: true });
      expect(text(mine.stdout)).toBe(HEADER);
      expect(mine.status).toBe(1);
    }
  });

  it.skipIf(!haveNobody)('permission denied on status and cmdline (tgid and command line fall back)', () => {
    const tree = makeTree(proc(4242, { status: { mode: 0o000, data: status(4242, 'demo', 4242) }, cmdline: { mode: 0o000, data: 'x\0' } }));
    check(tree, ['4242'], { nobody: true });
    const { mine } = check(tree, ['-x', '4242'], { nobody: true });
    expect(text(mine.stdout).split('\n')[0]).toBe('4242:   [demo]');
  });
});

describe('inputs where pmap itself misbehaves (not compared)', () => {
  it('-X over smaps ending in a mapping line with no newline: pmap spins forever, tspmap stops', () => {
    // print_extended_maps' "line too long" loop re-tests the stale `ret` and the
    // unchanged buffer after fgets() fails at EOF, so pmap never returns. tspmap
    // must terminate; it treats the cut line as pmap does any unreadable line.
    const tree = makeTree(proc(4242, { smaps: '55d4c8a00000-55d4c8a02000 r--p 00000000 fd:01 1311011   /usr/bin/demo' }));
    for (const args of [['-X', '4242'], ['-XX', '4242'], ['-X', '-q', '4242']]) {
      const mine = runMine(tree, args);
      expect(text(mine.stderr)).not.toMatch(/internal error|\n\s+at /);
      expect(text(mine.stdout).startsWith(HEADER)).toBe(true);
      expect(mine.status).toBe(1);
    }
  });
});

describe('odd processes', () => {
  it('zombie: empty cmdline and maps, state Z', () => {
    const tree = makeTree(proc(4242, { stat: stat(4242, 'defunct me', 'Z', '0'), status: status(4242, 'defunct me', 4242, 'Z (zombie)'), cmdline: '', maps: '', smaps: '' }));
    for (const args of [['4242'], ['-x', '4242'], ['-d', '4242'], ['-X', '4242']]) {
      const { mine } = check(tree, args);
      expect(text(mine.stdout).split('\n')[0]).toBe('4242:   [defunct me] <defunct>');
      expect(mine.status).toBe(0);
    }
  });

  it('kernel thread: empty cmdline and maps', () => {
    const tree = makeTree(proc(2, { stat: stat(2, 'kthreadd', 'S', '0'), status: status(2, 'kthreadd', 2), cmdline: '', maps: '', smaps: '' }));
    for (const args of [['2'], ['-x', '2'], ['-d', '2'], ['-XX', '2'], ['-q', '2']]) {
      const { mine } = check(tree, args);
      expect(text(mine.stdout).split('\n')[0]).toBe('2:   [kthreadd]');
    }
  });

  it('thread id: header shows the Tgid from status with the thread cmdline; maps come from the Tgid', () => {
    const tree = makeTree({
      ...proc(4242),
      ...proc(4250, { cmdline: 'worker-thread\0', status: status(4250, 'worker', 4242), maps: null, smaps: null }),
    });
    for (const args of [['4250'], ['-x', '4250'], ['4250', '4242'], ['-X', '4250']]) {
      const { mine } = check(tree, args);
      expect(text(mine.stdout).split('\n')[0]).toBe('4242:   worker-thread');
    }
  });

  it('thread whose Tgid names a PID with no directory', () => {
    const tree = makeTree(proc(4250, { status: status(4250, 'worker', 777), maps: null, smaps: null }));
    const { mine } = check(tree, ['4250']);
    expect(text(mine.stdout)).toBe('777:   /usr/bin/demo --serve\n');
    expect(mine.status).toBe(1);
  });
});

describe('stdout failures', () => {
  const tree = makeTree(proc(4242));

  it.each([[['4242']], [['-x', '4242']], [['-d', '4242']], [['-X', '4242']], [['-q', '4242']]])('output to /dev/full: %j', (args) => {
    const { mine } = check(tree, args, { redirect: '>/dev/full' });
    expect(text(mine.stderr)).toBe('tspmap: write error: No space left on device\n');
    expect(mine.status).toBe(1);
  });

  it('output to /dev/full with a missing PID too: still status 1', () => {
    const { mine } = check(tree, ['4242', '999999'], { redirect: '>/dev/full' });
    expect(mine.status).toBe(1);
  });

  it('| head -1 on big output: no message, killed by SIGPIPE (shell status 141)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 30000; i++) {
      const s = 0x10000000 + i * 0x2000;
      lines.push(`${s.toString(16)}-${(s + 0x1000).toString(16)} r--p 00000000 fd:01 1234`.padEnd(73) + '/usr/lib/libbig.so');
    }
    const big = makeTree(proc(4242, { maps: maps(lines), smaps: smapsFor(lines.slice(0, 8000)) }));
    for (const args of [['4242'], ['-x', '4242'], ['-d', '4242'], ['-X', '4242']]) {
      const { mine } = check(big, args, { redirect: '| head -1' });
      expect(text(mine.stdout)).toBe(HEADER);
      expect(text(mine.stderr)).toBe('');
      expect(mine.status).toBe(141);
    }
  });
});

describe('rc file faults (-c reads ~/.tspmaprc, -C FILE)', () => {
  const tree = makeTree(proc(4242));
  let homes = 0;
  function home(rc: Entry | null): string {
    const dir = join(work, `home${homes++}`);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    const p = join(dir, '.tspmaprc');
    if (rc === null) return dir;
    if (typeof rc === 'string' || Buffer.isBuffer(rc)) writeFileSync(p, rc);
    else if ('dir' in rc) mkdirSync(p);
    else if ('symlink' in rc) symlinkSync(rc.symlink, p);
    else {
      writeFileSync(p, rc.data);
      chmodSync(p, rc.mode);
    }
    return dir;
  }
  const both = (h: string, extra: RunOptions = {}) => {
    const out1 = check(tree, ['-c', '4242'], { env: { HOME: h }, ...extra });
    check(tree, ['-C', join(h, '.tspmaprc'), '4242'], extra);
    return out1.mine;
  };

  it('missing rc file', () => {
    const mine = both(home(null));
    expect(mine.status).toBe(1);
    expect(text(mine.stderr)).toBe("tspmap: couldn't read ~/.tspmaprc\n");
  });

  it('rc file is a dangling symlink', () => {
    expect(both(home({ symlink: '/nonexistent/rc' })).status).toBe(1);
  });

  it('rc file is a directory (fopen succeeds, reading fails)', () => {
    both(home({ dir: true }));
  });

  it.skipIf(!haveNobody)('rc file unreadable (mode 000, run as nobody)', () => {
    const h = home({ mode: 0o000, data: '[Fields Display]\nRss\n' });
    const mine = both(h, { nobody: true });
    expect(mine.status).toBe(1);
  });

  it('huge rc file (~4 MiB of fields and comments)', () => {
    const lines: string[] = ['[Fields Display]'];
    for (let i = 0; i < 200000; i++) lines.push(i % 3 === 0 ? `# comment ${i}` : i % 3 === 1 ? 'Rss' : `Field${i}`);
    lines.push('[Mapping]', 'ShowPath');
    both(home(lines.join('\n') + '\n'));
  });

  it('binary rc file (NUL bytes, invalid UTF-8, control characters)', () => {
    const bytes = Buffer.alloc(3000);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    both(home(Buffer.concat([Buffer.from('[Fields Display]\nRss\n'), bytes, Buffer.from('\nPss\n\0Size\n')])));
  });

  it('very long lines (1023, 1024, 1025 and 5000 bytes; with and without newline at EOF)', () => {
    const long = (n: number, c = 'x') => c.repeat(n);
    both(home(`[Fields Display]\n${long(1023)}\n${long(1024)}\nRss\n${long(1025)}\n${long(5000)}\nPss\n[Mapping]\n${long(2048)}\nShowPath`));
    both(home(`[Fields Display]\nRss\n${long(3000, 'y')}`));
    both(home(`# ${long(1022)}\n[Fields Display]\n  Size  \t# c\nRss x\n[Bogus]\nx\n[Fields Display] junk\n[unterminated\nSwap\n`));
  });
});
