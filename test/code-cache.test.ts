/**
 * The CLI bundle's V8 code cache (scripts/code-cache.cjs, read by
 * bin/tspmap.js): the build's cache is one V8 accepts for the bundle it was
 * made for (and so are those of -X's table and -x's rows, lazy files of
 * their own), and a cache left from another build is not used. V8 itself
 * compares no more than the source's length, so the last test rebuilds the
 * bundle by hand to the same length (new code, new build line) and keeps
 * the old cache: the new code must be what runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { useSleepingChild } from './helpers/subject.js';

const ROOT = join(import.meta.dirname, '..');
const BUNDLE = join(ROOT, 'dist', 'tspmap.js');
const ID_PREFIX = '//# tspmap-build ';
const scratch = mkdtempSync(join(tmpdir(), 'tspmap-code-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Module.wrap is what bin/tspmap.js compiles; the cache must fit it. */
const wrap = (source: string): string => (Module as unknown as { wrap(text: string): string }).wrap(source);

/** `file`'s cache starts with the file's own build line, and V8 accepts the rest for it. */
function expectCacheAccepted(file: string): void {
  const source = readFileSync(file, 'utf8');
  const cache = readFileSync(`${file}.cache`);
  const idLine = source.slice(source.lastIndexOf(ID_PREFIX));
  expect(idLine).toMatch(/^\/\/# tspmap-build [0-9a-f]{64}\n$/);
  expect(cache.toString('latin1', 0, idLine.length)).toBe(idLine);
  const script = new Script(wrap(source), { filename: file, cachedData: cache.subarray(idLine.length) });
  expect(script.cachedDataRejected).toBe(false);
}

describe('V8 code cache of dist/tspmap.js', () => {
  const child = useSleepingChild();

  it("starts with the bundle's own build line, and V8 accepts it", () => expectCacheAccepted(BUNDLE));

  it("is made for the text bin/tspmap.js compiles: Module.wrap()'s, written out there", () => {
    const entry = readFileSync(join(ROOT, 'bin', 'tspmap.js'), 'utf8');
    // The single-quoted literals hold no quotes; JSON reads their \n as JavaScript does.
    const literal = (name: string): string => JSON.parse(`"${new RegExp(`const ${name} = '([^']*)';`).exec(entry)?.[1] ?? ''}"`);
    expect(literal('WRAP_HEAD') + 'x' + literal('WRAP_TAIL')).toBe(wrap('x'));
  });

  // The lazy files a pmap mode loads, each cached as the bundle is, and the
  // modes that must run without it.
  const lazyModes: [string, string[], string[][]][] = [
    ['lazy-cli-table-mode.js', ['-X'], [[], ['-x'], ['-d']]],
    ['lazy-format-wasm-extended.js', ['-x'], [[], ['-d'], ['-q']]],
  ];
  for (const [file, mode, without] of lazyModes) {
    it(`of ${file} (${mode.join(' ')}) starts with that file's build line, and V8 accepts it`, () => {
      expectCacheAccepted(join(ROOT, 'dist', file));
    });

    it(`leaves ${file} to ${mode.join(' ')}: the other modes run without it`, () => {
      const copy = join(scratch, `without-${file}`);
      cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
      cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
      rmSync(join(copy, 'dist', file));
      rmSync(join(copy, 'dist', `${file}.cache`));
      const pid = String(child.pid());
      for (const other of without) {
        const run = spawnSync(join(copy, 'bin', 'tspmap.js'), [...other, pid], { encoding: 'latin1' });
        expect({ other, status: run.status, stderr: run.stderr }).toEqual({ other, status: 0, stderr: '' });
      }
      const needing = spawnSync(join(copy, 'bin', 'tspmap.js'), [...mode, pid], { encoding: 'latin1' });
      expect(needing.status).toBe(1);
      expect(needing.stderr).toMatch(/^tspmap: internal error: Cannot find module/);
    });
  }

  it('left from another build of the same length, is not used', () => {
    const copy = join(scratch, 'package');
    cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
    const bundle = join(copy, 'dist', 'tspmap.js');
    const source = readFileSync(bundle, 'utf8');
    expect(source).toContain('` total ${');
    const idAt = source.lastIndexOf(ID_PREFIX);
    const otherBuild = `${ID_PREFIX}${'0'.repeat(64)}\n`;
    const edited = source.slice(0, idAt).replace('` total ${', '` TOTAL ${') + otherBuild;
    expect(edited.length).toBe(source.length);
    writeFileSync(bundle, edited);
    const run = spawnSync(join(copy, 'bin', 'tspmap.js'), [String(child.pid())], { encoding: 'latin1' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\n TOTAL +\d+K\n$/);
  });
});
