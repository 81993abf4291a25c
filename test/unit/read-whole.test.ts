/**
 * readWholeLater() (its first read(2) on libuv's thread pool, for
 * smaps_rollup) must read what readWhole() reads, failures included: a
 * file past its first 4,000-byte buffer, an empty one, a directory (EISDIR
 * after a good open: empty data), a missing one, and a live seq_file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWhole, readWholeLater } from '../../src/proc/procfs.js';

const work = mkdtempSync(join(tmpdir(), 'tspmap-read-whole-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const big = join(work, 'big');
writeFileSync(big, Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251)));
const empty = join(work, 'empty');
writeFileSync(empty, '');
const directory = join(work, 'dir');
mkdirSync(directory);

describe('readWholeLater = readWhole', () => {
  for (const [what, path] of [['10,000 bytes', big], ['an empty file', empty], ['a directory', directory], ['a missing file', join(work, 'none')]]) {
    it(what!, async () => {
      expect(await readWholeLater(path!)).toEqual(readWhole(path!));
    });
  }

  it('reads a live seq_file whole (smaps_rollup, where the kernel has it)', async () => {
    const later = await readWholeLater('/proc/self/smaps_rollup');
    if (!later.ok) return expect(readWhole('/proc/self/smaps_rollup').ok).toBe(false);
    expect(later.data.toString('latin1')).toMatch(/^Rss: +\d+ kB$/m);
    expect(later.data.toString('latin1').endsWith('\n')).toBe(true);
  });
});
