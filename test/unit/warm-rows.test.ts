/**
 * The warm-up samples of the byte paths (format/warm-rows.ts): useful only
 * if their lines take the byte path a real kernel line takes, and harmless
 * only if a warmed run prints what an unwarmed one prints.
 */
import { describe, expect, it } from 'vitest';
import { newFastMapsLine, scanKernelMapsLine } from '../../src/parse/maps-fast.js';
import { KEY_OTHER, kernelKeyAt } from '../../src/parse/smaps-fast.js';
import { BasicFormatter, formatBasic } from '../../src/format/basic.js';
import type { BasicOptions } from '../../src/format/basic.js';
import { BasicBytes } from '../../src/format/basic-bytes.js';
import { WARM_MAPS, WARM_SMAPS } from '../../src/format/warm-rows.js';

const lines = (sample: Buffer): string[] => sample.toString('latin1').split('\n').slice(0, -1);
const options: BasicOptions = { mode: 'default', quiet: false, showPath: false, range: null, startStack: 0x7ffc00010000, shmMinor: -1 };

/** Bytes through BasicBytes, in blocks of `cut` bytes (the first ones not at EOF). */
function viaBytes(text: string, cut: number): string {
  const out: Buffer[] = [];
  const rows = new BasicBytes(new BasicFormatter(options, { start: 0 }), options, (bytes) => out.push(Buffer.from(bytes)));
  const data = Buffer.from(text, 'latin1');
  let pending = Buffer.alloc(0);
  for (let at = 0; at < data.length; at += cut) {
    const block = Buffer.concat([pending, data.subarray(at, at + cut)]);
    const eof = at + cut >= data.length;
    pending = block.subarray(rows.feed(block, eof));
  }
  rows.end();
  return Buffer.concat(out).toString('latin1');
}

describe('warm-up samples', () => {
  it.each(lines(WARM_MAPS).slice(0, -1))('maps line takes the byte path: %s', (line) => {
    const bytes = Buffer.from(`${line}\n`, 'latin1');
    expect(scanKernelMapsLine(bytes, 0, bytes.length - 1, newFastMapsLine())).toBe(true);
  });
  it('the 16-digit vsyscall line is the one left to the exact path', () => {
    const bytes = Buffer.from(`${lines(WARM_MAPS).at(-1)}\n`, 'latin1');
    expect(scanKernelMapsLine(bytes, 0, bytes.length - 1, newFastMapsLine())).toBe(false);
  });
  it('smaps sample has the four keys -x reads in every entry', () => {
    const keyed = lines(WARM_SMAPS).map((line) => Buffer.from(line, 'latin1')).filter((b) => kernelKeyAt(b, 0, b.length) !== KEY_OTHER);
    expect(keyed).toHaveLength(4 * lines(WARM_MAPS).length);
  });
  it('a warmed multi-block run prints what the string path prints', () => {
    const text = WARM_MAPS.toString('latin1').repeat(40);
    const expected = formatBasic(text, options, { start: 0 });
    // Blocks of 100 bytes: the first feed is not at EOF, so it warms first.
    expect(viaBytes(text, 100)).toBe(expected);
    expect(viaBytes(text, text.length)).toBe(expected);
  });
});
