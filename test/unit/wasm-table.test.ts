/**
 * The table's measuring pass over bytes (format/wasm-table.ts: the
 * WebAssembly module, and the JavaScript measure for what it leaves) must
 * give exactly the table of the string path (SmapsTableRun.render(), which
 * test/fixtures.test.ts holds to pmap), wherever the blocks are cut. The
 * texts aim at the module's edges: lines at fgets()'s 1023 bytes, headers
 * it declines, a new column, more field lines than its cache, a missing
 * VmFlags, NULs, values near 2^64, a last line without a newline.
 */
import { describe, expect, it } from 'vitest';
import { feedAsStreamBytes } from '../helpers/stream-bytes.js';
import { SmapsTableRun, TableConfig } from '../../src/format/smaps-table.js';
import { AT_FIELDS, AT_HEADER } from '../../src/format/table/measure.js';
import { rowsModule } from '../../src/format/wasm-module.js';

const key = (name: string, kB: number | string): string => `${(name + ':').padEnd(16)}${String(kB).padStart(8)} kB\n`;
const FIELDS = ['Size', 'Rss', 'Pss', 'Shared_Clean', 'Private_Dirty', 'Referenced', 'Swap', 'Locked'];

function head(i: number, name = '/usr/lib/x86_64-linux-gnu/libc.so.6'): string {
  const start = 0x7f0a1c000000 + i * 0x2000;
  const prefix = `${start.toString(16)}-${(start + 0x1000).toString(16)} r-xp 00001000 fe:00 ${1311011 + i}`;
  return name === '' ? `${prefix} ` : `${prefix.padEnd(72)} ${name}`;
}

function record(i: number, name?: string, fields = FIELDS, flags: string | null = 'rd ex mr mw me sd'): string {
  let text = `${head(i, name)}\n`;
  fields.forEach((field, k) => (text += key(field, (i * 7 + k * 13) % 1000)));
  text += 'THPeligible:    0\n';
  if (flags !== null) text += `VmFlags: ${flags} \n`;
  return text;
}

/** A record with a field the list lacks, after its last one. */
function withNewColumn(i: number): string {
  return record(i, '/new').replace('THPeligible:    0\n', `THPeligible:    0\n${key('Unheard_Of', 5 + i)}`);
}

const PLAIN = record(0) + record(1, '') + record(2, '[heap]') + record(3, '/a/b/c');

const TEXTS: [string, string][] = [
  ['plain records', PLAIN],
  ['a header fgets() splits', PLAIN + `${head(9)}${'n'.repeat(1100)}\n` + record(10).split('\n').slice(1).join('\n') + record(11)],
  ['a header of exactly 1022 bytes and one of 1023', record(0) + `${head(1).padEnd(1022, 'x')}\n` + key('Size', 4) + `${head(2).padEnd(1023, 'y')}\n` + key('Size', 8)],
  ['a new column midway, then mappings without it', PLAIN + withNewColumn(5) + record(6)],
  ['a new column where the list has another (fatal)', PLAIN + record(5, '/x', [...FIELDS, 'Unheard_Of']) + record(6)],
  ['more field lines than the module caches', record(0) + record(1, '/many', Array.from({ length: 80 }, (_, k) => `F${k}`)) + record(2)],
  ['a mapping without VmFlags', record(0, '/a', FIELDS, null) + record(1) + record(2, '/c', FIELDS, null)],
  ['values of 16 and 20 digits', PLAIN + `${head(7)}\n${key('Size', '1234567890123456')}${key('Rss', '18446744073709551615')}` + record(8)],
  ['a tab, two spaces, a short address', PLAIN + `${head(5).replace(' ', '\t')}\n${key('Size', 4)}` + `${head(6).replace(' 00001000', '  00001000')}\n${key('Size', 4)}` + record(7)],
  ['a NUL in a name and in a field line', PLAIN + `${head(5, '/nu\0l')}\n${key('Size', 4)}Rss:\0 4 kB\n` + record(6)],
  ['no newline at the end', PLAIN + record(5).trimEnd()],
  ['VmFlags with no flags (fatal)', PLAIN + `${head(5)}\n${key('Size', 4)}VmFlags:\n` + record(6)],
  ['a field under another name (fatal)', PLAIN + `${head(5)}\n${key('Rss', 4)}` + record(6)],
  ['garbage where a header goes (fatal)', PLAIN + 'garbage\n' + record(6)],
  ['a name with bytes above 0x7f and a tab', PLAIN + record(5, '/caf\xe9\tx') + record(6)],
];

const CONFIGS: [string, TableConfig][] = [
  ['-X', { fields: 'important', quiet: false, showPath: false }],
  ['-XX -q -p', { fields: 'all', quiet: true, showPath: true }],
  ['-c (Rss, Perm, Mapping, VmFlags)', { fields: new Set(['Rss', 'Perm', 'Mapping', 'VmFlags', 'Locked']), quiet: false, showPath: false }],
];

/** The table over `text` through feedBytes(), cut at `cuts`, what is left fed again as streamBytes() does. */
function viaBytes(run: SmapsTableRun, text: string, cuts: number[]): string {
  run.begin();
  feedAsStreamBytes(text, cuts, (block, eof) => run.feedBytes(block, eof));
  const pieces: string[] = [];
  const done = run.finish((piece) => pieces.push(piece));
  return done.fatal ?? pieces.join('');
}

function viaText(run: SmapsTableRun, text: string): string {
  const rendered = run.render(text);
  return rendered.fatal ?? rendered.text;
}

describe.skipIf(rowsModule() === null)('the table through WebAssembly = the string path', () => {
  for (const [what, text] of TEXTS) {
    for (const [mode, config] of CONFIGS) {
      it(`${what}, ${mode}: one block, and two cut at every position`, () => {
        const expected = viaText(new SmapsTableRun(config), text);
        expect(viaBytes(new SmapsTableRun(config, true), text, [])).toBe(expected);
        for (let cut = 1; cut < text.length; cut += text.length > 3000 ? 7 : 1) {
          expect(viaBytes(new SmapsTableRun(config, true), text, [cut]), `cut at ${cut}`).toBe(expected);
        }
      });
    }
  }

  it('keeps the column list, totals and widths across PIDs as the string path does', () => {
    // (A fatal error ends pmap, so every file here is read whole.)
    const files = [PLAIN, withNewColumn(0), record(1, '/wide', FIELDS, null) + PLAIN];
    for (const [mode, config] of CONFIGS) {
      const bytes = new SmapsTableRun(config, true);
      const text = new SmapsTableRun(config);
      for (const file of files) expect(viaBytes(bytes, file, [file.length >> 1]), mode).toBe(viaText(text, file));
    }
  });

  it('the module and the measure agree on the state numbers', () => {
    const wasm = rowsModule()! as unknown as Record<string, WebAssembly.Global>;
    expect(wasm.TABLE_AT_HEADER!.value).toBe(AT_HEADER);
    expect(wasm.TABLE_AT_FIELDS!.value).toBe(AT_FIELDS);
  });
});

describe('the table over bytes without WebAssembly for a file of one block', () => {
  it('reads it through the JavaScript measure, as the string path', () => {
    const config = CONFIGS[0]![1];
    expect(viaBytes(new SmapsTableRun(config), PLAIN, [])).toBe(viaText(new SmapsTableRun(config), PLAIN));
  });
});
