/**
 * -x's byte path (format/extended-bytes.ts, parse/smaps-fast.ts) must
 * print exactly what the string path (formatBasic) prints for the same
 * smaps text, wherever the blocks are cut; the string path is itself
 * checked against pmap in test/fixtures.test.ts and test/fuzz.test.ts.
 * The texts aim at the byte path's edges: lines at fgets()'s 1023-byte
 * chunk, NULs, key lines long enough to write over the pending name in
 * pmap's line buffer, values past 2^53, and what sends a line to the
 * exact path midway through a mapping.
 */
import { describe, expect, it } from 'vitest';
import { feedAsStreamBytes } from '../helpers/stream-bytes.js';
import { BasicFormatter, BasicOptions, formatBasic } from '../../src/format/basic.js';
import { ExtendedBytes } from '../../src/format/extended-bytes.js';
import { WasmExtendedBytes } from '../../src/format/wasm-extended.js';
import {
  KEY_OTHER, KEY_PRIVATE_DIRTY, KEY_RSS, KEY_SHARED_DIRTY, KEY_SWAP, KEY_VALUE_FROM, kernelKeyAt, kernelKeyValue,
} from '../../src/parse/smaps-fast.js';

const OPTIONS: BasicOptions = { mode: 'extended', quiet: false, showPath: false, range: null, startStack: 0x7ffd0000f000, shmMinor: -1 };

/** A smaps record as a 6.x kernel writes it. */
function record(head: string, rss = 4, privateDirty = 4, swap = 0): string {
  const key = (name: string, kb: number): string => `${(name + ':').padEnd(16)}${String(kb).padStart(8)} kB\n`;
  return (
    `${head}\n` + key('Size', 16) + key('KernelPageSize', 4) + key('MMUPageSize', 4) + key('Rss', rss) + key('Pss', rss) +
    key('Shared_Clean', 0) + key('Shared_Dirty', 0) + key('Private_Clean', 0) + key('Private_Dirty', privateDirty) +
    key('Referenced', rss) + key('Anonymous', rss) + key('Swap', swap) + key('SwapPss', 0) + key('Locked', 0) +
    'THPeligible:    0\nVmFlags: rd wr mr mw me ac sd \n'
  );
}

/** A kernel mapping line, its name padded to column 73. */
function head(start: string, end: string, perms: string, name: string, inode = 0): string {
  const prefix = `${start}-${end} ${perms} 00000000 00:00 ${inode}`;
  return name === '' ? prefix + ' ' : prefix.padEnd(72) + ' ' + name;
}

const LIB = head('7f0a1c000000', '7f0a1c021000', 'r-xp', '/usr/lib/x86_64-linux-gnu/libc.so.6', 1311011);
const SHORT = head('7f0a1c000000', '7f0a1c021000', 'r-xp', '/libc.so.6', 1311011);
const ANON = head('7f0a1c100000', '7f0a1c200000', 'rw-p', '');
const STACK = head('7ffd0000e000', '7ffd00010000', 'rw-p', '[stack]');
const HEAP = head('55d4c9000000', '55d4c9021000', 'rw-p', '[heap]');

type Rows = (formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void) => ExtendedBytes;

/** The two byte paths: JavaScript, and WebAssembly (format/wasm-extended.ts) with JavaScript for what it leaves. */
const PATHS: [string, Rows][] = [
  ['ExtendedBytes', (formatter, options, sink) => new ExtendedBytes(formatter, options, sink)],
  ['WasmExtendedBytes', (formatter, options, sink) => new WasmExtendedBytes(formatter, options, sink, true)],
];

/** Run a byte path over `text` cut at `cuts`, feeding what it leaves over again as streamBytes does. */
function viaBytes(text: string, cuts: number[], options: BasicOptions = OPTIONS, make: Rows = PATHS[0]![1]): string {
  const formatter = new BasicFormatter(options, { start: 0 });
  const out: Buffer[] = [];
  const bytes = make(formatter, options, (data) => out.push(Buffer.from(data)));
  feedAsStreamBytes(text, cuts, (block, eof) => bytes.feed(block, eof));
  bytes.end();
  return Buffer.concat(out).toString('latin1');
}

function viaText(text: string, options: BasicOptions = OPTIONS): string {
  return formatBasic(text, options, { start: 0 });
}

/** A Size line padded to `length` bytes with its newline. */
function keyOfLength(length: number, key = 'Size'): string {
  return `${key}:` + ' '.repeat(length - key.length - 4) + '16\n';
}

const PLAIN = record(LIB) + record(ANON, 1024, 1024) + record(HEAP, 132, 132) + record(STACK, 8, 8);

const TEXTS: Record<string, string> = {
  plain: PLAIN,
  empty: '',
  'no final newline': PLAIN.slice(0, -1),
  'key line at 1022 bytes': record(LIB).replace('Size:', keyOfLength(1022) + 'Size:'),
  'key line at 1023 bytes': record(LIB).replace('Size:', keyOfLength(1023) + 'Size:'),
  'key line at 1024 bytes': record(LIB).replace('Size:', keyOfLength(1024) + 'Size:'),
  // fgets() cuts these after 1023 bytes; pmap reads the rest as a line.
  'split key line whose rest is a Swap line': record(LIB).replace('Size:', 'Size:' + ' '.repeat(1018) + 'Swap: 7 kB\nSize:'),
  'split key line whose rest is a mapping line': record(LIB).replace('Size:', 'Size:' + ' '.repeat(1018) + ANON + '\nSize:'),
  'split key line, one byte short': record(LIB).replace('Size:', 'Size:' + ' '.repeat(1017) + 'Swap: 7 kB\nSize:'),
  'a 5000-byte name': record(head('7f0a1c000000', '7f0a1c021000', 'r-xp', '/' + 'n'.repeat(4999))) + record(ANON),
  'a 5000-byte key line': record(LIB).replace('Rss:', 'Xyz:' + 'S'.repeat(4995) + '\nRss:'),
  'mapping line at 1022/1023/1024 bytes': [1021, 1022, 1023].map((n) => record(head('7f0a1c000000', '7f0a1c021000', 'r-xp', '/' + 'n'.repeat(n - 73)))).join(''),
  'NUL in a name': record(LIB.replace('libc', 'li\0bc')) + record(ANON),
  'NUL in a key line': record(LIB).replace('Rss:    ', 'Rss:\0   ') + record(ANON),
  'NUL in a value': record(LIB).replace(/Rss: +4/, 'Rss:      4\0') + record(ANON),
  'unprintable name': record(LIB.replace('libc', 'li\x01bc')) + record(ANON),
  'key line reaching the name': record(LIB).replace('Rss:', keyOfLength(80, 'Referenced') + 'Rss:'),
  'key line ending at the name': record(LIB).replace('Rss:', keyOfLength(73, 'Referenced') + 'Rss:'),
  'key line just short of the name': record(LIB).replace('Rss:', keyOfLength(72, 'Referenced') + 'Rss:'),
  // The name "libc.so.6" starts at byte 74 of its line ("/" at 73, -p).
  ...Object.fromEntries([72, 73, 74, 75].map((n) => [
    `key line of ${n} bytes over a name at 74`,
    record(SHORT).replace('Rss:', keyOfLength(n, 'Referenced') + 'Rss:') + record(ANON),
  ])),
  'two long key lines': record(LIB).replace('Rss:', keyOfLength(90, 'Referenced') + keyOfLength(80, 'Referenced') + 'Rss:'),
  'long key line over a label': record(ANON).replace('Rss:', keyOfLength(300, 'Referenced') + 'Rss:'),
  'signed and tabbed values': record(LIB).replace(/Rss: +4/, 'Rss:\t+4').replace(/Swap: +0/, 'Swap: -0') + record(ANON),
  'values past 2^53': record(LIB, 9007199254740993, 18446744073709551615) + record(ANON, 99999999999999999999),
  'sixteen-digit values': record(LIB, 1234567890123456, 1234567890123456) + record(ANON),
  'Swap without a mapping': 'Swap: 4 kB\nRss: 8 kB\n' + PLAIN + 'Swap: 1 kB\nSwap: 2 kB\n',
  'two mappings before a Swap': `${LIB}\n${ANON}\n` + record(HEAP),
  'unusual mapping line between': PLAIN + record('7F0A1C000000-7F0A1C021000 r-xp 00000000 00:00 0 /X') + PLAIN,
  'unusual mapping line first': record('junk') + PLAIN,
  'upper-case key in a name line': record(LIB) + 'Xyz\n' + record(ANON),
  'SwapPss before Swap': record(LIB).replace('Swap:  ', 'SwapPss:') + record(ANON),
  'large addresses': record(head('ffffffffff600000', 'ffffffffff601000', '--xp', '[vsyscall]')) + PLAIN,
  'end below start': record(head('7f0a1c021000', '7f0a1c000000', 'r-xp', '/lib/x')) + PLAIN,
  'name with slash at the end': record(head('7f0a1c000000', '7f0a1c021000', 'r-xp', '/tmp/dir/')) + PLAIN,
  'SYSV name': record(head('7f0a1c000000', '7f0a1c021000', 'rw-s', '/SYSV00000000 (deleted)', 5)) + PLAIN,
};

/** Deterministic cut positions: none, every line start near the middle, and a spread. */
function cutsFor(text: string): number[][] {
  const sets: number[][] = [[]];
  for (let cut = 1; cut < Math.min(text.length, 400); cut += 7) sets.push([cut]);
  for (const step of [13, 101, 997]) {
    const cuts: number[] = [];
    for (let cut = step; cut < text.length; cut += step) cuts.push(cut);
    sets.push(cuts);
  }
  return sets;
}

for (const [path, make] of PATHS) describe(path, () => {
  for (const [name, text] of Object.entries(TEXTS)) {
    it(`prints as the string path: ${name}`, () => {
      const expected = viaText(text);
      for (const cuts of cutsFor(text)) {
        expect(viaBytes(text, cuts, OPTIONS, make), `${name}, cuts ${cuts.slice(0, 4).join(',')}...`).toBe(expected);
      }
    });
  }

  it('prints as the string path with -q, -p and -k', () => {
    for (const options of [{ ...OPTIONS, quiet: true }, { ...OPTIONS, showPath: true }, { ...OPTIONS, kernelNames: true }]) {
      for (const text of Object.values(TEXTS)) {
        const expected = viaText(text, options);
        expect(viaBytes(text, [], options, make)).toBe(expected);
        expect(viaBytes(text, [text.length >> 1], options, make)).toBe(expected);
      }
    }
  });

  it('takes a kernel-formatted plain text on its own path', () => {
    // The plain text's rows come from the byte path: the formatter's feed()
    // sees only the empty first call, so it never holds a pending name.
    const formatter = new BasicFormatter(OPTIONS, { start: 0 });
    let fed = 0;
    const feed = formatter.feed.bind(formatter);
    formatter.feed = (text: string) => {
      fed += text.length;
      return feed(text);
    };
    const out: Buffer[] = [];
    const bytes = make(formatter, OPTIONS, (data) => out.push(Buffer.from(data)));
    bytes.feed(Buffer.from(PLAIN, 'latin1'), true);
    bytes.end();
    expect(fed).toBe(0);
    expect(Buffer.concat(out).toString('latin1')).toBe(viaText(PLAIN));
  });
});

describe('kernelKeyAt and kernelKeyValue', () => {
  const scan = (text: string): [number, number] => {
    const buf = Buffer.from(text, 'latin1');
    const nl = buf.indexOf(0x0a) < 0 ? buf.length : buf.indexOf(0x0a);
    const key = kernelKeyAt(buf, 0, nl);
    return [key, key === KEY_OTHER ? -1 : kernelKeyValue(buf, KEY_VALUE_FROM[key]!, nl)];
  };

  it('reads the four keys and ignores the rest', () => {
    expect(scan('Rss:                  4 kB\n')).toEqual([KEY_RSS, 4]);
    expect(scan('Swap:         123456789 kB\n')).toEqual([KEY_SWAP, 123456789]);
    expect(scan('Shared_Dirty:  7 kB\n')).toEqual([KEY_SHARED_DIRTY, 7]);
    expect(scan('Private_Dirty: 8\n')).toEqual([KEY_PRIVATE_DIRTY, 8]);
    for (const other of ['SwapPss:              0 kB\n', 'Rss\0:                 4 kB\n', 'Shared_Clean: 1 kB\n',
      'Private_Hugetlb: 0 kB\n', 'Pss: 1 kB\n', 'Referenced: 4 kB\n', 'Rs\n', 'Swap\n', 'VmFlags: rd wr\n']) {
      expect(scan(other)[0], JSON.stringify(other)).toBe(KEY_OTHER);
    }
  });

  it('declines unusual values', () => {
    expect(scan('Rss: 12 kB')).toEqual([KEY_RSS, 12]);
    expect(scan('Rss:12\0 kB')).toEqual([KEY_RSS, 12]);
    for (const unusual of ['Rss:\t4 kB\n', 'Rss: +4 kB\n', 'Rss: kB\n', 'Rss:\n', 'Rss: \0 4\n', 'Rss: 1234567890123456 kB\n']) {
      expect(scan(unusual)[1], JSON.stringify(unusual)).toBe(-1);
    }
    expect(scan('Rss: 123456789012345 kB\n')).toEqual([KEY_RSS, 123456789012345]);
  });
});
