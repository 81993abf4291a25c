/**
 * The WebAssembly rows (format/wasm/) against the real pmap: a maps and an
 * smaps of many blocks (the module takes only files of more than one
 * block), built from kernel-formatted mappings with unusual lines strewn
 * among them, which the module must leave to the JavaScript rows at any
 * point of a block. pmap reads the tree bind-mounted on /proc (unshare -m),
 * tspmap with --proc-root; pmap runs through a symlink named "tspmap", so
 * stdout, stderr and status are compared byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pmapOracleProblem } from './helpers/oracle.js';
import { seededRandom } from './helpers/random.js';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'bin', 'tspmap.js');
const PMAP = '/usr/bin/pmap';
const FIXTURE = join(REPO, 'fixtures', 'sleep', 'tree');
const PID = readFileSync(join(REPO, 'fixtures', 'sleep', 'pids'), 'latin1').trim();

const work = mkdtempSync(join(tmpdir(), 'tspmap-wasm-'));
chmodSync(work, 0o755);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const noOracle = pmapOracleProblem();
if (noOracle) console.warn(`wasm-oracle.test.ts: comparisons with the real pmap are SKIPPED (${noOracle})`);


const hex = (value: number): string => value.toString(16).padStart(8, '0');

/** A kernel mapping line, its name padded to column 73. */
function head(start: number, end: number, perms: string, name: string, inode = 0, device = '00:00'): string {
  const prefix = `${hex(start)}-${hex(end)} ${perms} 00000000 ${device} ${inode}`;
  return name === '' ? prefix + ' ' : prefix.padEnd(72) + ' ' + name;
}

const NAMES = ['', '/usr/lib/x86_64-linux-gnu/libc.so.6', '[heap]', '/memfd:x (deleted)', '[stack]', '/dir/'];
const PERMS = ['r--p', 'rw-p', 'r-xp', 'rw-s', '---p'];

/** Kernel mapping lines drawn with `next`, at rising addresses from `start`: mapping i's, its inode i. */
function heads(next: () => number, start: number): (i: number) => string {
  return (i) => {
    const size = 0x1000 * (1 + Math.floor(next() * 64));
    const line = head(start, start + size, PERMS[Math.floor(next() * PERMS.length)]!, NAMES[Math.floor(next() * NAMES.length)]!, i);
    start += size + 0x1000;
    return line;
  };
}

/** Lines the module leaves to the JavaScript rows (none of them undefined in pmap after a first normal line). */
const UNUSUAL_MAPS = [
  'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]',
  '7F0A1C000000-7F0A1C021000 r-xp 00000000 00:00 0 /upper',
  '7f0a1c021000-7f0a1c000000 r-xp 00000000 00:00 0 /end-below-start',
  '7f0a1c000000-7f0a1c021000 rw-s 00000000 00:00 65538 /SYSV00001234 (deleted)',
  '7f0a1c000000-7f0a1c021000 r-xp 00000000 00:00 0 /caf\xe9 \x01',
  `7f0a1c000000-7f0a1c021000 r-xp 00000000 00:00 0 /${'n'.repeat(1100)}`,
  '7f0a1c000000-7f0a1c021000 r-xp',
  '',
  'garbage line',
];

/** An smaps record as a 6.x kernel writes it. */
function record(line: string, rss: number, dirty: number, extra = ''): string {
  const key = (name: string, kB: number | string): string => `${(name + ':').padEnd(16)}${String(kB).padStart(8)} kB\n`;
  return (
    `${line}\n` + key('Size', 16) + key('Rss', rss) + key('Pss', rss) + key('Shared_Dirty', 0) + key('Private_Dirty', dirty) +
    extra + key('Swap', 0) + key('SwapPss', 0) + 'THPeligible:    0\nVmFlags: rd wr mr mw me ac \n'
  );
}

const UNUSUAL_KEYS = [
  `Referenced:${' '.repeat(80)}4 kB\n`,
  'Rss:\t+4 kB\n',
  'Private_Dirty: 1234567890123456 kB\n',
  `X${'y'.repeat(2000)}\n`,
];

/** The sleep fixture's tree with a big maps and smaps: `count` mappings, about one in 50 unusual. */
function bigTree(count: number, seed: number): string {
  const next = seededRandom(seed);
  const maps: string[] = [];
  const smaps: string[] = [];
  const nextHead = heads(next, 0x55d4c9000000);
  for (let i = 0; i < count; i++) {
    const line = nextHead(i);
    const unusual = i > 3 && next() < 0.02;
    maps.push(unusual ? UNUSUAL_MAPS[Math.floor(next() * UNUSUAL_MAPS.length)]! : line);
    const rss = Math.floor(next() * 9999);
    if (!unusual) smaps.push(record(line, rss, rss >> 1));
    else if (next() < 0.5) smaps.push(record(UNUSUAL_MAPS[Math.floor(next() * UNUSUAL_MAPS.length)]!, rss, 0));
    else if (next() < 0.5) smaps.push(record(line, rss, 1, UNUSUAL_KEYS[Math.floor(next() * UNUSUAL_KEYS.length)]!));
    else smaps.push(`${line}\nRss: 4 kB\n`);
  }
  const dir = join(work, `tree${seed}`);
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, PID, 'maps'), Buffer.from(maps.join('\n') + '\n', 'latin1'));
  writeFileSync(join(dir, PID, 'smaps'), Buffer.from(smaps.join(''), 'latin1'));
  return dir;
}

/** Field lines of a 6.x kernel's smaps record, in its order. */
const FIELDS = ['Size', 'KernelPageSize', 'MMUPageSize', 'Rss', 'Pss', 'Pss_Dirty', 'Shared_Clean', 'Shared_Dirty', 'Private_Clean',
  'Private_Dirty', 'Referenced', 'Anonymous', 'KSM', 'LazyFree', 'AnonHugePages', 'Swap', 'SwapPss', 'Locked'];

/**
 * Records the table's module leaves to the JavaScript measure, with no
 * fatal error in pmap: a header fgets() splits, with a tab or two spaces,
 * an address short enough for "%31[^:]" to reach the device's colon, a
 * value of 16 or 20 digits, a tab after a key, a field the list lacks (a
 * new column), a mapping without VmFlags, a name with a byte above 0x7f.
 */
function unusualRecord(line: string, kind: number, value: number): string {
  const key = (name: string, kB: number | string): string => `${(name + ':').padEnd(16)}${String(kB).padStart(8)} kB\n`;
  const plain = FIELDS.map((name) => key(name, value)).join('');
  const flags = 'VmFlags: rd wr mr mw me ac \n';
  switch (kind) {
    case 0: return `${line}${' '.repeat(1100)}x\n${plain}${flags}`;
    case 1: return `${line.replace(' ', '\t')}\n${plain}${flags}`;
    case 2: return `${line.replace(' 00000000 ', '  00000000 ')}\n${plain}${flags}`;
    case 3: return `1000-2000 r--p 00000000 00:00 0 /short\n${plain}${flags}`;
    case 4: return `${line}\n${plain.replace(/Locked:.*\n/, key('Locked', '1234567890123456'))}${flags}`;
    case 5: return `${line}\n${plain.replace(/Rss:.*\n/, `Rss:\t${value} kB\n`)}${flags}`;
    case 6: return `${line}\n${plain}THPeligible:    0\n${key('Unheard_Of', value)}${flags}`;
    case 7: return `${line}\n${plain}THPeligible:    0\n`;
    case 8: return `${line}\n${plain.replace(/Locked:.*\n/, key('Locked', '18446744073709551615'))}${flags}`;
    default: return `${line}/caf\xe9\n${plain}${flags}`;
  }
}

/** The sleep fixture's tree with a big smaps for the table: `count` records, about one in 50 unusual. */
function bigTableTree(count: number, seed: number): string {
  const next = seededRandom(seed);
  const records: string[] = [];
  const nextHead = heads(next, 0x7f0a1c000000);
  for (let i = 0; i < count; i++) {
    const line = nextHead(i);
    const value = Math.floor(next() ** 4 * 99999);
    if (i > 3 && next() < 0.02) {
      records.push(unusualRecord(line, Math.floor(next() * 10), value));
      continue;
    }
    const key = (name: string, kB: number): string => `${(name + ':').padEnd(16)}${String(kB).padStart(8)} kB\n`;
    records.push(`${line}\n${FIELDS.map((name, k) => key(name, (value * (k + 1)) % 100003)).join('')}THPeligible:    0\nVmFlags: rd wr mr mw me ac \n`);
  }
  const dir = join(work, `table${seed}`);
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, PID, 'smaps'), Buffer.from(records.join(''), 'latin1'));
  return dir;
}

const ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: work };
const PMAP_AS_TSPMAP = join(work, 'bin', 'tspmap');
mkdirSync(join(work, 'bin'));
symlinkSync(PMAP, PMAP_AS_TSPMAP);

function run(program: string, script: string): { stdout: string; stderr: string; status: number } {
  const r = spawnSync('bash', ['-c', script], { env: { ...ENV, P: program }, encoding: 'latin1', maxBuffer: 1 << 28, timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 };
}

describe.skipIf(noOracle !== null)('WebAssembly rows over many blocks, against pmap', () => {
  for (const [count, seed] of [[40_000, 1], [25_000, 2]] as const) {
    it(`${count} mappings, seed ${seed}: default, -d, -x, -q and -p`, () => {
      const tree = bigTree(count, seed);
      // The module runs only past one block: make sure these files are that big.
      expect(readFileSync(join(tree, PID, 'maps')).length).toBeGreaterThan(2_000_000);
      for (const args of ['', '-d', '-x', '-q', '-x -q', '-d -p', '-x -p']) {
        const mine = run(process.execPath, `"$P" ${BIN} --proc-root ${tree} ${args} ${PID}`);
        const pmap = run(PMAP_AS_TSPMAP, `unshare -m sh -c 'mount --bind ${tree} /proc && exec "$0" "$@"' "$P" ${args} ${PID}`);
        expect(mine.status, `${args}: status`).toBe(pmap.status);
        expect(mine.stderr, `${args}: stderr`).toBe(pmap.stderr);
        expect(mine.stdout === pmap.stdout, `${args}: stdout (${mine.stdout.length} and ${pmap.stdout.length} bytes)`).toBe(true);
      }
    });
  }
});

describe.skipIf(noOracle !== null)('the WebAssembly table over many blocks, against pmap', () => {
  it('30,000 mappings, seed 3: -X, -XX, -q, -p, -A', () => {
    const tree = bigTableTree(30_000, 3);
    expect(readFileSync(join(tree, PID, 'smaps')).length).toBeGreaterThan(4_000_000);
    for (const args of ['-X', '-XX', '-X -q', '-XX -p', '-XX -q -p', '-X -A 7f0a1c100000,7f0a1d000000']) {
      const mine = run(process.execPath, `"$P" ${BIN} --proc-root ${tree} ${args} ${PID}`);
      const pmap = run(PMAP_AS_TSPMAP, `unshare -m sh -c 'mount --bind ${tree} /proc && exec "$0" "$@"' "$P" ${args} ${PID}`);
      // None of the unusual records is fatal: pmap prints a row for each.
      expect(pmap.status, `${args}: pmap's status (${pmap.stderr})`).toBe(0);
      if (!args.includes('-A')) expect(pmap.stdout.split('\n').length, `${args}: pmap's rows`).toBeGreaterThan(30_000);
      expect(mine.status, `${args}: status`).toBe(pmap.status);
      expect(mine.stderr, `${args}: stderr`).toBe(pmap.stderr);
      expect(mine.stdout === pmap.stdout, `${args}: stdout (${mine.stdout.length} and ${pmap.stdout.length} bytes)`).toBe(true);
    }
  });
});
