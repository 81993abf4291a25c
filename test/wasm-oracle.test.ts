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
  let start = 0x55d4c9000000;
  for (let i = 0; i < count; i++) {
    const size = 0x1000 * (1 + Math.floor(next() * 64));
    const line = head(start, start + size, PERMS[Math.floor(next() * PERMS.length)]!, NAMES[Math.floor(next() * NAMES.length)]!, i);
    start += size + 0x1000;
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
