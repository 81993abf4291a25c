/**
 * What Node loads for a plain run: each built-in module outside Node's
 * start-up snapshot costs compile time on every run (node:v8 pulled in
 * streams, about 6 ms, when read-ahead imported it statically). A preload
 * records process.moduleLoadList before and after the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..');
const TREE = join(REPO, 'fixtures', 'sleep', 'tree');
const PID = readFileSync(join(REPO, 'fixtures', 'sleep', 'pids'), 'latin1').trim();
const work = mkdtempSync(join(tmpdir(), 'tspmap-modules-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PRELOAD = join(work, 'record.cjs');
const LIST = join(work, 'loaded');
writeFileSync(
  PRELOAD,
  `const before = new Set(process.moduleLoadList);
process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(LIST)}, process.moduleLoadList.filter((m) => !before.has(m)).join('\\n')));\n`,
);

/** bin/tspmap.js's vm.Script (node:module, and the ES module loader it pulls in, are not loaded: 1.3 ms). */
const ENTRY_MODULES = ['NativeModule vm'];

describe('built-in modules a plain run loads', () => {
  for (const args of [[], ['-x'], ['-d'], ['-X'], ['-XX'], ['-q']]) {
    it(`${args.join(' ') || 'default'}: none beyond the entry's own`, () => {
      const run = spawnSync(process.execPath, ['-r', PRELOAD, join(REPO, 'bin', 'tspmap.js'), '--proc-root', TREE, ...args, PID], { encoding: 'latin1' });
      expect(run.status, run.stderr).toBe(0);
      const loaded = readFileSync(LIST, 'latin1').split('\n').filter((line) => line !== '');
      expect(loaded.filter((name) => !ENTRY_MODULES.includes(name))).toEqual([]);
    });
  }
});
