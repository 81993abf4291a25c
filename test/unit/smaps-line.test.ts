/**
 * The smaps line scanners of parse/smaps-line.ts, one case a line. The
 * expected counts and values are what glibc's sscanf() returns for pmap's
 * formats on the same text.
 */
import { describe, expect, it } from 'vitest';
import {
  DETAIL_WIDTH, NUM_WIDTH, isFieldName, newFieldLine, scanFieldKey, scanFieldLine, scanSmapsHeader, scanVmFlags,
} from '../../src/parse/smaps-line.js';

describe('scanFieldLine: "%31[^:]: %20[0-9] kB %c"', () => {
  it.each([
    // line, sscanf count, key, value (digits), kB
    ['Rss:                 123 kB\n', 2, 'Rss', '123', true],
    ['THPeligible:    1\n', 2, 'THPeligible', '1', false],
    ['Size: 4 kB extra\n', 3, 'Size', '4', true],
    ['Key: abc\n', 1, 'Key', null, false],
    ['Key:\n', 1, 'Key', null, false],
    ['K'.repeat(31) + ': 1 kB\n', 2, 'K'.repeat(31), '1', true],
    ['K'.repeat(32) + ': 1 kB\n', 1, 'K'.repeat(31), null, false],
    ['Big: 123456789012345678901 kB\n', 2, 'Big', '12345678901234567890', false],
    ['Rss: 12kB\n', 2, 'Rss', '12', true],
    ['Rss: 12 kb\n', 2, 'Rss', '12', false],
    ['Rss: 12 k\n', 2, 'Rss', '12', false],
    ['Rss: 12 kB', 2, 'Rss', '12', true],
    ['Rss: 12', 2, 'Rss', '12', false],
  ] as const)('%j -> %d', (line, count, key, value, kB) => {
    const out = newFieldLine();
    expect(scanFieldLine(line, 0, line.length, DETAIL_WIDTH, NUM_WIDTH, out)).toBe(count);
    expect(line.slice(0, out.keyEnd)).toBe(key);
    if (value !== null) expect(line.slice(out.valueStart, out.valueEnd)).toBe(value);
    expect(out.kB).toBe(kB);
  });
  it.each([['NoColon 12 kB\n', 1], [':12 kB\n', 0], ['', 0]] as const)('%j -> %d', (line, count) => {
    expect(scanFieldLine(line, 0, line.length, DETAIL_WIDTH, NUM_WIDTH, newFieldLine())).toBe(count);
  });
  it('with unbounded widths takes any key and number', () => {
    const line = `${'Long_'.repeat(10)}: ${'9'.repeat(30)} kB`;
    const out = newFieldLine();
    expect(scanFieldLine(line, 0, line.length, Infinity, Infinity, out)).toBe(2);
    expect([out.keyEnd, out.valueEnd - out.valueStart, out.next]).toEqual([50, 30, line.length]);
  });
  it('reports where trailing text starts', () => {
    const out = newFieldLine();
    scanFieldLine('Rss: 1 junk', 0, 11, Infinity, Infinity, out);
    expect(out.next).toBe(7);
  });
});

describe('scanFieldKey: "%20[^:]:", the key of -x\'s "%20[^:]: %llu"', () => {
  it.each([
    ['Rss: 5\n', 3],
    ['Private_Dirty:  0 kB\n', 13],
    ['Private_Dirty_Longer_Name: 5\n', -1],
    ['Rss 5\n', -1],
    [':5\n', -1],
    ['Rss:', 3],
  ] as const)('%j -> %d', (line, keyEnd) => expect(scanFieldKey(line, 0, line.length, 20)).toBe(keyEnd));
});

describe('scanSmapsHeader: "%20[0-9a-f]-%20[0-9a-f] %31s %20[0-9a-f] %63[0-9a-f:] %20s %127[^\\n]"', () => {
  const fields = (line: string, spans: number[], count: number): string[] => {
    const parts = [line.slice(spans[0], spans[1])];
    // spans[i, i + 1] hold conversion i / 2 + 2 (the end address has none);
    // from 6 on the description span is set, empty at 6.
    const reached = count >= 6 ? 7 : count;
    for (let i = 2; i < 12 && i / 2 + 2 <= reached; i += 2) parts.push(line.slice(spans[i], spans[i + 1]));
    return parts;
  };
  it.each([
    ['7f00-7f01 r-xp 00000000 08:01 1234   /lib/x.so\n', 7, ['7f00', 'r-xp', '00000000', '08:01', '1234', '/lib/x.so']],
    ['7f00-7f01 rw-p 00000000 00:00 0 \n', 6, ['7f00', 'rw-p', '00000000', '00:00', '0', '']],
    ['7f00-7f01 r-xp 00000000 08:01 1234', 6, ['7f00', 'r-xp', '00000000', '08:01', '1234', '']],
    ['7f00-7f01 r-xp 00000000 08:01', 5, ['7f00', 'r-xp', '00000000', '08:01']],
    ['7f00-7f01 ' + 'r'.repeat(40) + ' 0 0:0 0 x\n', 3, ['7f00', 'r'.repeat(31)]],
    ['deadbeef-', 1, ['deadbeef']],
    ['7f00 r-xp\n', 1, ['7f00']],
    ['7F00-7f01 r-xp 0 0:0 0 x\n', 1, ['7']],
    ['Rss: 4 kB\n', 0, []],
  ] as const)('%j -> %d', (line, count, parts) => {
    const spans = new Array<number>(12).fill(0);
    expect(scanSmapsHeader(line, 0, line.length, spans)).toBe(count);
    if (count > 0) expect(fields(line, spans, count)).toEqual(parts);
  });
  it('cuts the description at 127 bytes', () => {
    const line = `1-2 r--p 0 0:0 0 ${'n'.repeat(200)}\n`;
    const spans = new Array<number>(12).fill(0);
    expect(scanSmapsHeader(line, 0, line.length, spans)).toBe(7);
    expect(spans[11]! - spans[10]!).toBe(127);
  });
});

describe('scanVmFlags: "VmFlags: %127[a-z ]", one trailing space cut', () => {
  it.each([
    ['VmFlags: rd wr mr mw me ac \n', 'rd wr mr mw me ac'],
    ['VmFlags: rd\n', 'rd'],
    ['VmFlags: rd  \n', 'rd '],
    ['VmFlags:\n', null],
    ['VmFlags: RD\n', null],
    ['VmFlag: rd\n', null],
  ] as const)('%j -> %j', (line, flags) => {
    const spans = [0, 0];
    const matched = scanVmFlags(line, 0, line.length, spans);
    expect(matched ? line.slice(spans[0], spans[1]) : null).toBe(flags);
  });
});

describe('isFieldName: [A-Za-z][A-Za-z0-9_]*', () => {
  it.each([
    ['Rss', true],
    ['Pss_Anon', true],
    ['FilePmdMapped2', true],
    ['9x', false],
    ['a b', false],
    ['_x', false],
    ['', false],
  ] as const)('%j -> %s', (name, ok) => expect(isFieldName(name, 0, name.length)).toBe(ok));
});
