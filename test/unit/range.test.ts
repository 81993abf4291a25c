/**
 * The -A rule (src/model/range.ts) against the real pmap: one maps file
 * with ordinary, touching, out-of-order and wrapping mappings; for each
 * LOW,HIGH pmap prints the rows it keeps over a scratch tree, and inRange()
 * must keep the same mappings. One line per range. Needs root, unshare and
 * /usr/bin/pmap; skipped with a notice otherwise.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RANGE_KEEP, RANGE_SKIP, RANGE_STOP, inRange, isWholeRange, rangeStep } from '../../src/model/range.js';
import { parseMapsEntries } from '../../src/parse/maps.js';
import { U64_MAX } from '../../src/parse/u64.js';
import { pmapOracleProblem } from '../helpers/oracle.js';

const BASE = join(import.meta.dirname, '..', '..', 'fixtures', 'smaps-kernel-6.x', 'tree');

const MAPS = [
  '00001000-00002000 r--p 00000000 00:00 0 /a',
  '00002000-00004000 rw-p 00000000 00:00 0 /b',
  '00010000-00011000 r-xp 00000000 00:00 0 /c',
  '00005000-00006000 r--p 00000000 00:00 0 /out-of-order',
  '7fff0000-80000000 rw-p 00000000 00:00 0 [stack]',
  'fffffffffffff000-0000000000000000 r--p 00000000 00:00 0 /wraps',
].map((line) => line + '\n').join('');

function oracle(): string | null {
  return pmapOracleProblem();
}
const missing = oracle();
if (missing !== null) console.warn(`-A unit tests against pmap skipped: ${missing}`);

const tree = mkdtempSync(join(tmpdir(), 'tspmap-range-'));
afterAll(() => rmSync(tree, { recursive: true, force: true }));
cpSync(join(BASE, 'self'), join(tree, 'self'), { recursive: true });
cpSync(join(BASE, '1001'), join(tree, '1001'), { recursive: true });
writeFileSync(join(tree, '1001', 'maps'), MAPS);

/** The start addresses of the rows pmap -A prints. */
function pmapKeeps(arg: string): string[] {
  const run = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind "$1" /proc && exec pmap -q -A "$2" 1001', '_', tree, arg], {
    env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }, encoding: 'latin1',
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').slice(1).filter((line) => line !== '').map((line) => line.split(' ')[0]!);
}

function oursKeeps(low: bigint, high: bigint): string[] {
  const range = { low: low <= Number.MAX_SAFE_INTEGER ? Number(low) : low, high: high <= Number.MAX_SAFE_INTEGER ? Number(high) : high };
  return inRange(parseMapsEntries(MAPS), range).map((entry) => entry.start.toString(16).padStart(16, '0'));
}

const RANGES: Array<[string, string]> = [
  ['0', 'ffffffffffffffff'],
  ['1000', '1000'],
  ['1fff', '2000'],
  ['2000', '2000'],
  ['3fff', '10000'],
  ['4000', '4fff'],
  ['5000', '5000'],
  ['6000', 'ffffffff'],
  ['80000000', 'ffffffffffffffff'],
  ['fffffffffffff000', 'ffffffffffffffff'],
  ['0', '0'],
  ['11000', '7fff0000'],
];

describe.skipIf(missing !== null)('inRange() = pmap -A LOW,HIGH', () => {
  it('sees rows', () => expect(pmapKeeps('0,ffffffffffffffff').length).toBe(6));
  it.each(RANGES)('-A %s,%s', (low, high) => expect(oursKeeps(BigInt(`0x${low}`), BigInt(`0x${high}`))).toEqual(pmapKeeps(`${low},${high}`)));
});

describe('rangeStep() and isWholeRange()', () => {
  it('keeps, skips or stops', () => {
    expect(rangeStep(0x1000, 0x2000, { low: 0x1fff, high: 0x1fff })).toBe(RANGE_KEEP);
    expect(rangeStep(0x1000, 0x2000, { low: 0x2000, high: 0x3000 })).toBe(RANGE_SKIP);
    expect(rangeStep(0x1000, 0x2000, { low: 0, high: 0xfff })).toBe(RANGE_STOP);
  });
  it('knows the whole range', () => {
    expect(isWholeRange(null)).toBe(true);
    expect(isWholeRange({ low: 0, high: U64_MAX })).toBe(true);
    expect(isWholeRange({ low: 1, high: U64_MAX })).toBe(false);
  });
});
