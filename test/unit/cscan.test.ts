/**
 * The scanf/strtoul/fgets emulations of parse/cscan.ts, one case a line.
 * Expected values are what glibc's sscanf()/strtoul()/fgets() give.
 */
import { describe, expect, it } from 'vitest';
import {
  MAPBUF_SIZE, cStringEnds, decimalValue, fgetsEnd, scanDigits, scanLowerHex, scanLowerHexColon, scanNonSpace,
  scanUnsigned, scanUntil,
} from '../../src/parse/cscan.js';
import { U64_MAX } from '../../src/parse/u64.js';

const MAX = U64_MAX;

describe('scanUnsigned: %lu / %lx / strtoul', () => {
  it.each([
    // text, base, mode, value, next (null: matching failure)
    ['42', 10, 'scanf', 42, 2],
    ['  42x', 10, 'scanf', 42, 4],
    ['+7', 10, 'scanf', 7, 2],
    ['9007199254740993', 10, 'scanf', 9007199254740993n, 16],
    ['18446744073709551615', 10, 'scanf', MAX, 20],
    ['18446744073709551616', 10, 'scanf', MAX, 20],
    ['99999999999999999999999999', 10, 'scanf', MAX, 26],
    ['-1', 10, 'scanf', MAX, 2],
    ['-0', 10, 'scanf', 0, 2],
    ['-18446744073709551616', 10, 'scanf', MAX, 21],
    ['ffffffffff600000', 16, 'scanf', 0xffffffffff600000n, 16],
    ['DEADbeef', 16, 'scanf', 0xdeadbeef, 8],
    ['0x1f', 16, 'scanf', 0x1f, 4],
    ['0x', 16, 'scanf', 0, 2],
    ['0x', 16, 'strtoul', 0, 1],
    ['0xg', 16, 'strtoul', 0, 1],
    ['10000000000000000', 16, 'scanf', MAX, 17],
  ] as const)('%j base %d %s -> %s at %d', (text, base, mode, value, next) => {
    const scanned = scanUnsigned(text, 0, text.length, base, mode);
    expect(scanned && { value: scanned.value, next: scanned.next }).toEqual({ value, next });
  });

  it.each([[''], ['x'], ['  '], ['-'], ['g'], ['-x']])('%j is a matching failure', (text) => {
    expect(scanUnsigned(text, 0, text.length, 16)).toBeNull();
  });

  it('stops at the end it is given', () => expect(scanUnsigned('12345', 0, 3, 10)?.value).toBe(123));
});

describe('decimalValue: strtoul of a digit span, saturating', () => {
  it.each([
    ['0', 0],
    ['007', 7],
    ['999999999999999', 999999999999999],
    ['9007199254740993', 9007199254740993n],
    ['18446744073709551615', MAX],
    ['18446744073709551616', MAX],
    ['123456789012345678901', MAX],
  ] as const)('%s -> %s', (digits, value) => expect(decimalValue(digits, 0, digits.length)).toEqual(value));
});

describe('scanf %N[set] scanners: where they stop', () => {
  it.each([
    [scanLowerHex, 'abcdef0123', 20, 10],
    [scanLowerHex, 'abcdef0123', 4, 4],
    [scanLowerHex, 'DEad', 20, 0],
    [scanLowerHex, '7f0g', 20, 3],
    [scanLowerHexColon, '08:01 x', 63, 5],
    [scanLowerHexColon, 'fe:0A', 63, 4],
    [scanDigits, '0123a', 20, 4],
    [scanDigits, '123456789012345678901', 20, 20],
    [scanNonSpace, 'r-xp 0', 31, 4],
    [scanNonSpace, 'abc\tdef', 2, 2],
  ] as const)('%o(%j, width %d) -> %d', (scan, text, width, next) => {
    expect(scan(text, 0, text.length, width)).toBe(next);
  });
  it.each([
    ['Rss: 1', 31, 3],
    ['NoColon', 31, 7],
    ['abcdef', 4, 4],
  ] as const)('%%N[^:] of %j, width %d -> %d', (text, width, next) => {
    expect(scanUntil(text, 0, text.length, width, 0x3a)).toBe(next);
  });
});

describe("fgets(mapbuf, 1024): pmap's line buffer", () => {
  const line = (length: number): string => 'a'.repeat(length) + '\n';
  it('is 1024 bytes', () => expect(MAPBUF_SIZE).toBe(1024));
  it.each([
    // text, start, end of the first chunk
    ['short\nnext\n', 0, 6],
    ['no newline', 0, 10],
    ['', 0, 0],
    [line(1022), 0, 1023],
    [line(1023), 0, 1023],
    [line(1023), 1023, 1024],
    [line(1024), 0, 1023],
    [line(3000), 1023, 2046],
    [line(3000), 2046, 3001],
  ] as const)('chunk of %#: from %d to %d', (text, start, end) => {
    expect(fgetsEnd(text, start, MAPBUF_SIZE)).toBe(end);
  });
  it('splits a 2047-byte line into 1023 + 1023 + newline', () => {
    const text = line(2046);
    const chunks: number[] = [];
    for (let pos = 0; pos < text.length; pos = fgetsEnd(text, pos, MAPBUF_SIZE)) chunks.push(fgetsEnd(text, pos, MAPBUF_SIZE) - pos);
    expect(chunks).toEqual([1023, 1023, 1]);
  });
});

describe('cStringEnds: lines end at their first NUL', () => {
  const text = 'ab\0cd\nef\ngh\0\0\n';
  const end = cStringEnds(text);
  it.each([
    [0, 6, 2],
    [6, 9, 9],
    [9, 14, 11],
  ] as const)('line [%d, %d) ends at %d', (start, lineEnd, cEnd) => expect(end(start, lineEnd)).toBe(cEnd));
});
