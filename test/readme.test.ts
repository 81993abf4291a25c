/**
 * The README's TypeScript blocks, as a user would use them: compiled with
 * `tsc --strict` against the built package (imported by name), then run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function tsBlocks(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

describe("README's TypeScript examples", () => {
  let consumer: string;
  beforeAll(() => {
    expect(existsSync(join(ROOT, 'dist', 'lib', 'index.d.ts')), 'run npm run build first').toBe(true);
    consumer = mkdtempSync(join(tmpdir(), 'tspmap-readme-'));
    mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
    symlinkSync(ROOT, join(consumer, 'node_modules', 'tspmap'));
    symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(consumer, 'node_modules', '@types', 'node'));
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'readme-consumer', type: 'module', private: true }));
  });
  afterAll(() => rmSync(consumer, { recursive: true, force: true }));

  it('has at least one', () => {
    expect(tsBlocks().length).toBeGreaterThan(0);
  });

  it.each(tsBlocks().map((code, index) => [index, code] as const))('block %i compiles with tsc --strict and runs', (index, code) => {
    const name = `readme${index}`;
    writeFileSync(join(consumer, `${name}.ts`), code);
    const options = ['--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--types', 'node'];
    const compiled = spawnSync(process.execPath, [TSC, ...options, `${name}.ts`], { cwd: consumer, encoding: 'utf8' });
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
    const run = spawnSync(process.execPath, [`${name}.js`], { cwd: consumer, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^total kB +\d+ +\d+ +\d+\n\d+ kB RSS in \d+ mappings\nNOT_FOUND 2147483647\n$/);
  });
});
