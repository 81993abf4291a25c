/**
 * The -X table's pieces: column widths, the printer's single column loop,
 * the state kept across PIDs, block feeding and the render configuration.
 * Expected widths and values are derived from the input here; whole
 * outputs are compared with pmap by test/fixtures.test.ts and
 * test/smaps-table.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { tableConfig } from '../../src/cli/rc.js';
import { parseArguments } from '../../src/cli/args.js';
import { INCONSISTENT_FIELD, SmapsTableRun, TableConfig, UNKNOWN_FORMAT } from '../../src/format/smaps-table.js';
import { TableColumns } from '../../src/format/table/config.js';

interface Mapping {
  name: string;
  fields: [string, string][];
  flags?: string;
}

function smaps(mappings: Mapping[]): string {
  let text = '';
  mappings.forEach((m, i) => {
    // Real addresses: with short ones "%31[^:]" would reach the device's ':'
    // and pmap would read the header as a field line.
    const start = 0x7f0000000000 + 0x1000 * i;
    text += `${start.toString(16)}-${(start + 0x1000).toString(16)} rw-p 00000000 00:00 0    ${m.name}\n`;
    for (const [key, value] of m.fields) text += `${(key + ':').padEnd(16)}${value.padStart(8)} kB\n`;
    if (m.flags !== undefined) text += `VmFlags: ${m.flags} \n`;
  });
  return text;
}

const ALL: TableConfig = { fields: 'all', quiet: false, showPath: false };

function table(config: TableConfig, ...files: string[]): string[] {
  const run = new SmapsTableRun(config);
  return files.map((file) => {
    const rendered = run.render(file);
    expect(rendered.fatal).toBeUndefined();
    return rendered.text;
  });
}

/** The lengths of the '=' runs of the totals rule: the field columns' widths. */
function ruleWidths(text: string): number[] {
  const rule = text.split('\n').find((line) => line.includes('='))!;
  return rule.trim().split(' ').map((run) => run.length);
}

const two: Mapping[] = [
  { name: '/usr/lib/a.so', fields: [['Size', '4'], ['Rss', '123456']], flags: 'rd wr' },
  { name: '/usr/lib/b.so', fields: [['Size', '99999999'], ['Rss', '7']], flags: 'rd wr mr mw me ac' },
];

describe('column widths', () => {
  it('a field column is as wide as its heading, its widest value and its total', () => {
    // Size: total 100000003 (9) beats "99999999" (8); Rss: "123456" (6) beats its total 123463 (6) and "Rss".
    expect(ruleWidths(table(ALL, smaps(two))[0]!)).toEqual([9, 6]);
  });
  it('a narrow field column is as wide as its heading', () => {
    const narrow: Mapping[] = [{ name: 'x', fields: [['Referenced', '1']] }];
    expect(ruleWidths(table(ALL, smaps(narrow))[0]!)).toEqual(['Referenced'.length]);
  });
  it('every row lines up with the heading: values right-aligned under their labels', () => {
    const [text] = table(ALL, smaps(two));
    const [head, ...rows] = text!.split('\n');
    for (const label of ['Address', 'Perm', 'Offset', 'Device', 'Inode', 'Size', 'Rss', 'VmFlags']) {
      const end = head!.indexOf(label) + label.length;
      for (const row of rows.slice(0, 2)) expect(row[end], `${label} in ${row}`).toBe(' ');
      for (const row of rows.slice(0, 2)) expect(row[end - 1], `${label} in ${row}`).not.toBe(' ');
    }
  });
  it('-q: no heading, no totals, columns only as wide as the values', () => {
    const [text] = table({ ...ALL, quiet: true }, smaps(two));
    const rows = text!.split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[0]!.startsWith('7f0000000000 rw-p 00000000 00:00 0        4 123456')).toBe(true);
  });
  it('a later PID is at least as wide as an earlier one and its totals include it', () => {
    const small: Mapping[] = [{ name: 'x', fields: [['Size', '1'], ['Rss', '2']] }];
    const [first, second] = table(ALL, smaps(two), smaps(small));
    expect(ruleWidths(second!)).toEqual(ruleWidths(first!));
    const totals = (text: string): string[] => text.trimEnd().split('\n').at(-1)!.trim().split(/ +/);
    expect(totals(second!)).toEqual(['100000004', '123465', 'KB']);
  });
});

describe('values', () => {
  it('a field a mapping lacks shows the value it had last', () => {
    const gap: Mapping[] = [
      { name: 'a', fields: [['Size', '4'], ['Rss', '31']] },
      { name: 'b', fields: [['Size', '8']] },
    ];
    const rows = table(ALL, smaps(gap))[0]!.split('\n');
    expect(rows[2]!.trim().split(/ +/).slice(5, 7)).toEqual(['8', '31']);
  });
  it('values print as written, leading zeros and all; totals saturate nowhere below 2^64', () => {
    const zeros: Mapping[] = [
      { name: 'a', fields: [['Size', '0009']] },
      { name: 'b', fields: [['Size', '9007199254740993']] },
    ];
    const text = table(ALL, smaps(zeros))[0]!;
    expect(text).toContain(' 0009 ');
    expect(text).toContain(' 9007199254741002 KB');
  });
  it('-X leaves out the unimportant fields and VmFlags, -XX shows them', () => {
    const fields: Mapping[] = [{ name: 'a', fields: [['Rss', '1'], ['Private_Dirty', '2']], flags: 'rd' }];
    const [x] = table({ ...ALL, fields: 'important' }, smaps(fields));
    const [xx] = table(ALL, smaps(fields));
    expect(x!.split('\n')[0]).not.toMatch(/Private_Dirty|VmFlags/);
    expect(xx!.split('\n')[0]).toMatch(/Private_Dirty +VmFlags/);
  });
  it('the Mapping column shows the base name, or the path with showPath', () => {
    expect(table(ALL, smaps(two))[0]).toMatch(/ a\.so\n/);
    expect(table({ ...ALL, showPath: true }, smaps(two))[0]).toMatch(/ \/usr\/lib\/a\.so\n/);
  });
});

describe('reading', () => {
  it('blocks cut anywhere give the same table as the whole text', () => {
    const text = smaps(two);
    const whole = table(ALL, text)[0];
    for (let cut = 1; cut < text.length; cut += 7) {
      const run = new SmapsTableRun(ALL);
      run.begin();
      run.feed(text.slice(0, cut));
      run.feed(text.slice(cut));
      const pieces: string[] = [];
      run.finish((piece) => pieces.push(piece));
      expect(pieces.join(''), `cut at ${cut}`).toBe(whole);
    }
  });
  it('a header line past mapbuf keeps its first 127 name bytes and drops the rest of the line', () => {
    const long = 'n'.repeat(3000);
    const text = table(ALL, smaps([{ name: long, fields: [['Rss', '1']] }]))[0]!;
    expect(text.split('\n')[1]!.endsWith(` ${'n'.repeat(127)}`)).toBe(true);
  });
  it.each([
    ['garbage', 'not smaps\n', UNKNOWN_FORMAT],
    ['a changed field order', smaps([{ name: 'a', fields: [['Size', '1'], ['Rss', '2']] }, { name: 'b', fields: [['Rss', '2'], ['Size', '1']] }]), INCONSISTENT_FIELD],
  ])('%s is fatal', (_, text, message) => {
    const rendered = new SmapsTableRun(ALL).render(text);
    expect(rendered.fatal?.startsWith(message)).toBe(true);
    expect(rendered.text).toBe('');
  });
});

describe('render configuration', () => {
  const options = (...args: string[]) => {
    const parsed = parseArguments([...args, '1'], false, 'tspmap');
    if (parsed.kind !== 'run') throw new Error('bad arguments');
    return parsed.options;
  };
  const rc = (fields: string[], showPathToggles = 0) => ({ fields: new Set(fields), showPathToggles });
  it.each([
    [['-X'], null, 'important', false],
    [['-XX'], null, 'all', false],
    [['-X', '-p'], null, 'important', true],
    [['-c'], rc(['Rss']), 'rc', false],
    [['-c', '-p'], rc(['Rss'], 1), 'rc', false],
    [['-c'], rc(['Rss'], 3), 'rc', true],
  ] as const)('%j with rc %j -> fields %s, showPath %s', (args, session, fields, showPath) => {
    const config = tableConfig(options(...args), session);
    expect(config.fields === session?.fields ? 'rc' : config.fields).toBe(fields);
    expect(config.showPath).toBe(showPath);
  });
  it.each([
    ['important', [0, 1, 2, 3, 4], true, false],
    ['all', [0, 1, 2, 3, 4], true, true],
    [new Set(['Perm', 'Inode', 'VmFlags']), [0, 1, 4], false, true],
    [new Set<string>(), [0], false, false],
  ] as const)('fields %o -> header columns %j, Mapping %s, VmFlags %s', (fields, shown, mapping, vmFlags) => {
    const columns = new TableColumns({ fields, quiet: false, showPath: false });
    expect([columns.shownHeader, columns.showMapping, columns.showVmFlags]).toEqual([shown, mapping, vmFlags]);
  });
});
