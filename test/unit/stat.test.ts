/**
 * parseStat()'s skip of plain fields must decide exactly as scanning every
 * field with scanUnsigned (the "%lu" emulation checked against glibc in
 * cscan.test.ts) did: the same start_stack, or the same give-up (0).
 */
import { describe, expect, it } from 'vitest';
import { scanUnsigned, skipSpace } from '../../src/parse/cscan.js';
import { parseStat } from '../../src/parse/stat.js';

/** The scan before the skip existed: every field through scanUnsigned. */
function startStackByScanning(text: string): number | bigint {
  let pos = text.lastIndexOf(')') + 3;
  for (let field = 0; field < 24; field++) {
    const scanned = scanUnsigned(text, skipSpace(text, pos, text.length), text.length, 10);
    if (!scanned) return 0;
    pos = scanned.next;
  }
  const last = scanUnsigned(text, pos, text.length, 10);
  return last ? last.value : 0;
}

const fields = (values: string[], separator = ' '): string => `42 (cmd) S ${values.join(separator)}\n`;
const plain = Array.from({ length: 52 }, (_, i) => String(i * 1000 + 7));
const withStack = (i: number, value: string): string[] => plain.map((v, j) => (j === i ? value : v));

const CASES: Array<[string, string]> = [
  ['a kernel-written line', fields(plain)],
  ['negative priority and nice', fields(withStack(14, '-51').map((v, j) => (j === 15 ? '-20' : v)))],
  ['a tab between fields', fields(plain.slice(0, 10)) .trimEnd() + '\t' + plain.slice(10).join(' ') + '\n'],
  ['a plus sign', fields(withStack(5, '+3'))],
  ['a lone minus', fields(withStack(5, '-'))],
  ['letters in a field', fields(withStack(7, '12ab'))],
  ['hex-looking field', fields(withStack(7, '0x1f'))],
  ['21 digits (saturates)', fields(withStack(20, '9'.repeat(21)))],
  ['start_stack with 20 digits', fields(withStack(24, '18446744073709551615'))],
  ['text ends in the fields', '42 (cmd) S 1 2 3'],
  ['text ends right after a field', '42 (cmd) S ' + plain.slice(0, 24).join(' ')],
  ['two spaces between fields', fields(plain, '  ')],
];

describe('parseStat() start_stack = scanning every field', () => {
  it.each(CASES)('%s', (_, text) => expect(parseStat(text).startStack).toStrictEqual(startStackByScanning(text)));
  it('reads field 28 of a kernel line', () => expect(parseStat(fields(plain)).startStack).toBe(24007));
});
