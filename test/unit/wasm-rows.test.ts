/**
 * The WebAssembly rows (format/wasm-rows.ts, format/wasm/rows.ts)
 * must print exactly what the string path (formatBasic) prints for the same
 * maps text, wherever the blocks are cut; the string path is itself checked
 * against pmap in test/fixtures.test.ts and test/fuzz.test.ts. The module
 * must also take exactly the lines parse/maps-fast.ts's scanner takes, less
 * those with a SysV name on major 0 (BasicBytes and the exact path name
 * them from the inode), so the JavaScript rows (no WebAssembly, under
 * --jitless) and it stay the same rows.
 */
import { describe, expect, it } from 'vitest';
import { feedAsStreamBytes } from '../helpers/stream-bytes.js';
import { BasicFormatter, BasicOptions, formatBasic } from '../../src/format/basic.js';
import { WasmBasicBytes } from '../../src/format/wasm-rows.js';
import { WasmExtendedBytes } from '../../src/format/wasm-extended.js';
import { rowsModule } from '../../src/format/wasm-module.js';
import { seededRandom } from '../helpers/random.js';
import { hasSysvMarker, newFastMapsLine, scanKernelMapsLine } from '../../src/parse/maps-fast.js';

const BASE: BasicOptions = { mode: 'default', quiet: false, showPath: false, range: null, startStack: 0x7ffd0000f000, shmMinor: 0x1234, kernelNames: false };

/** A kernel mapping line, its name padded to column 73 as show_map_head_prefix() pads it. */
function head(start: string, end: string, perms: string, name: string, offset = '00000000', device = '00:00', inode = '0'): string {
  const prefix = `${start}-${end} ${perms} ${offset} ${device} ${inode}`;
  return name === '' ? prefix + ' ' : prefix.padEnd(72) + ' ' + name;
}

/** Lines the module takes, and lines it must leave to the JavaScript rows. */
const TAKEN = [
  head('55d4c9000000', '55d4c9021000', 'r--p', '/usr/bin/python3.11', '00000000', 'fe:01', '1311011'),
  head('7f0a1c000000', '7f0a1c021000', 'r-xp', '/usr/lib/x86_64-linux-gnu/libc.so.6', '00028000', '103:05', '42'),
  head('7f0a1c100000', '7f0a1c200000', 'rw-p', ''),
  head('7f0a1c200000', '7f0a1c201000', 'rw-s', '/dev/shm/x (deleted)', '00001000', '00:1a', '77'),
  head('7ffd0000e000', '7ffd00010000', 'rw-p', '[stack]'),
  head('55d4c9100000', '55d4c9121000', 'rw-p', '[heap]'),
  head('7f0a1c300000', '7f0a1c301000', '---p', '/path/ending/'),
  head('1000', '2000', 'r--s', '/SYSV00000000 (deleted)', '00000000', '01:02', '3'),
  head('7f0a1c400000', '7f0a1c401000', 'rwxp', '/memfd:a b (deleted)', 'fffffffffffff', 'fffffff:fffffff', '999999999999999'),
];
const LEFT = [
  head('ffffffffff600000', 'ffffffffff601000', '--xp', '[vsyscall]'),
  head('7F0A1C000000', '7f0a1c021000', 'r-xp', '/upper'),
  head('7f0a1c021000', '7f0a1c000000', 'r-xp', '/end-below-start'),
  head('2000', '3000', 'rw-s', '/SYSV00001234 (deleted)', '00000000', '00:00', '65538'),
  head('7f0a1c000000', '7f0a1c021000', 'r-xp', '/caf\xe9'),
  head('7f0a1c000000', '7f0a1c021000', 'r-xp', `/${'x'.repeat(1000)}`),
  head('7f0a1c000000', '7f0a1c021000', 'r-xp', '/a', '00000000', '12345678:00'),
  head('7f0a1c000000', '7f0a1c021000', 'r-xp', '/a', '00000000', '00:00', '1234567890123456'),
  '7f0a1c000000-7f0a1c021000 r-xp',
  '7f0a1c000000-7f0a1c021000 r xp 00000000 00:00 0',
  '7f0a1c000000-7f0a1c021000  r-xp 00000000 00:00 0',
  '7f0a1c000000-7f0a1c021000 r-xp 00000000 00:00 0x1',
  'Rss:                   4 kB',
  '',
  'garbage',
];

/** What the module should take: the byte scanner's lines, less a major-0 SysV name. */
function jsTakes(line: string): boolean {
  const bytes = Buffer.from(`${line}\n`, 'latin1');
  const scanned = newFastMapsLine();
  if (!scanKernelMapsLine(bytes, 0, bytes.length - 1, scanned) || scanned.end < scanned.start) return false;
  return !(scanned.devMajor === 0 && hasSysvMarker(bytes, scanned.nameFrom, bytes.length - 1));
}

/** Run the rows over `text` cut at `cuts`, feeding what is left over again, as streamBytes does. */
function viaWasm(text: string, cuts: number[], options: BasicOptions): { output: string; rows: number; writes: number } {
  const formatter = new BasicFormatter(options, { start: 0 });
  const out: Buffer[] = [];
  const wasm = rowsModule()!;
  const bytes = new WasmBasicBytes(formatter, options, (data) => out.push(Buffer.from(data)), true);
  let rows = 0;
  feedAsStreamBytes(text, cuts, (block, eof) => bytes.feed(block, eof), () => (rows += wasm.rows()));
  bytes.end();
  return { output: Buffer.concat(out).toString('latin1'), rows, writes: out.length };
}


describe('WebAssembly maps rows', () => {
  it('is built into the tests (vitest.config.ts) as into dist/', () => {
    expect(rowsModule()).not.toBeNull();
  });

  for (const line of TAKEN) it(`takes ${JSON.stringify(line.slice(0, 40))}…`, () => expect(jsTakes(line)).toBe(true));
  for (const line of LEFT) it(`leaves ${JSON.stringify(line.slice(0, 40))}…`, () => expect(jsTakes(line)).toBe(false));

  it('takes exactly the lines the JavaScript byte path takes', () => {
    for (const line of [...TAKEN, ...LEFT]) {
      const { rows } = viaWasm(`${line}\n`, [], BASE);
      expect({ line, taken: rows === 1 }).toEqual({ line, taken: jsTakes(line) });
    }
  });

  const modes: [string, Partial<BasicOptions>][] = [
    ['default', {}],
    ['-d', { mode: 'device' }],
    ['-p', { showPath: true }],
    ['-k', { kernelNames: true }],
    ['-q -d', { quiet: true, mode: 'device' }],
    ['a stack at 0', { startStack: 0 }],
    ['a stack past 2^53', { startStack: 2n ** 63n }],
  ];
  for (const [name, change] of modes) {
    it(`prints what the string path prints (${name}), wherever the blocks are cut`, () => {
      const options = { ...BASE, ...change };
      const next = seededRandom(name.length * 7919);
      for (let round = 0; round < 40; round++) {
        const lines = Array.from({ length: 1 + Math.floor(next() * 30) }, () =>
          next() < 0.75 ? TAKEN[Math.floor(next() * TAKEN.length)]! : LEFT[Math.floor(next() * LEFT.length)]!,
        );
        const text = lines.join('\n') + (next() < 0.5 ? '\n' : '');
        const cuts = Array.from({ length: Math.floor(next() * 4) }, () => Math.floor(next() * text.length)).sort((a, b) => a - b);
        expect(viaWasm(text, cuts, options).output).toBe(formatBasic(text, options, { start: 0 }));
      }
    });
  }

  it('fills its output more than once and grows its memory for a big block', () => {
    const text = Array.from({ length: 40_000 }, (_, i) => TAKEN[i % TAKEN.length]).join('\n') + '\n';
    const { output, writes } = viaWasm(text, [], BASE);
    // 256 KiB of rows at a time: 40,000 rows are about 2 MB.
    expect(writes).toBeGreaterThan(5);
    expect(output).toBe(formatBasic(text, BASE, { start: 0 }));
  });

  it('carries the last row line into a following line the scanner refuses', () => {
    // An unparsable line reuses sscanf's earlier fields (the carried start).
    const text = `${TAKEN[0]}\n${TAKEN[2]}\n-\n`;
    expect(viaWasm(text, [], BASE).output).toBe(formatBasic(text, BASE, { start: 0 }));
  });

  it('takes plain -x mappings whole (the JavaScript rows see none of them)', () => {
    const key = (name: string, kB: number): string => `${(name + ':').padEnd(16)}${String(kB).padStart(8)} kB\n`;
    const mapping = (line: string): string =>
      `${line}\n` + key('Size', 16) + key('Rss', 8) + key('Shared_Dirty', 0) + key('Private_Dirty', 4) + key('Swap', 0) +
      key('SwapPss', 0) + 'VmFlags: rd wr mr mw me ac \n';
    const text = TAKEN.map(mapping).join('');
    const options: BasicOptions = { ...BASE, mode: 'extended' };
    const wasm = rowsModule()!;
    const out: Buffer[] = [];
    const bytes = new WasmExtendedBytes(new BasicFormatter(options, { start: 0 }), options, (data) => out.push(Buffer.from(data)), true);
    bytes.feed(Buffer.from(text, 'latin1'), true);
    expect(wasm.rows()).toBe(TAKEN.length);
    bytes.end();
    expect(Buffer.concat(out).toString('latin1')).toBe(formatBasic(text, options, { start: 0 }));
  });
});
