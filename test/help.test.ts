/**
 * --help: pmap's usage text unchanged, then tspmap's extension options as
 * tspmap lays them out (no library needed); -h stays exactly pmap's.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { extensionHelp } from '../src/cli/help.js';
import { usageText } from '../src/cli/messages.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tspmap.js');

function run(args: string[]): { stdout: string; stderr: string; status: number } {
  const result = spawnSync(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, encoding: 'latin1' });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
}

/** The real pmap's usage, under tspmap's name, or tspmap's copy of it. */
function pmapUsage(): string {
  if (!existsSync('/usr/bin/pmap')) return usageText('tspmap');
  return execFileSync('bash', ['-c', 'exec -a tspmap /usr/bin/pmap -h'], { encoding: 'latin1' });
}

describe('help', () => {
  it('-h prints exactly pmap\'s usage', () => {
    const result = run(['-h']);
    expect(result).toEqual({ stdout: pmapUsage(), stderr: '', status: 0 });
  });

  it('--help prints pmap\'s usage, then the extensions', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.startsWith(pmapUsage())).toBe(true);
    expect(result.stdout.slice(pmapUsage().length)).toBe(extensionHelp());
  });

  it('lists each extension option, aligned in one column', () => {
    const text = extensionHelp();
    expect(text.startsWith('\ntspmap extensions:\n')).toBe(true);
    const terms = [...text.matchAll(/^ {2}(\S.*?) {2,}\S/gm)].map((m) => m[1]);
    expect(terms).toEqual(['--json', '--summary', '--rules FILE', '--color[=WHEN]', '--proc-root DIR', '--snapshot FILE', '--at N|TIME', '-k, --use-kernel-name']);
    // Descriptions start in one column, and wrapped lines stay in it.
    const column = text.split('\n').filter((line) => /^ {2}-/.test(line)).map((line) => line.search(/(?<=\S) {2,}\S/) + line.slice(line.search(/(?<=\S) {2,}\S/)).search(/\S/));
    expect(new Set(column).size).toBe(1);
    for (const line of text.split('\n').filter((l) => /^ {3,}\S/.test(l))) expect(line.search(/\S/)).toBe(column[0]);
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);
    expect(text).not.toContain('display help for command');
    expect(text.endsWith('\nFor the extensions see tspmap(1).\n')).toBe(true);
  });

  it('documents options the parser really accepts', () => {
    // --proc-root over a tree without that PID: not found (42), not a usage error.
    const tree = 'fixtures/sleep/tree';
    const result = run(['--proc-root', tree, '--json', '1']);
    expect(result.status).toBe(42);
    expect(run(['--color=never', '-k', '--proc-root', tree, '1']).status).toBe(42);
    expect(run(['--colour', '--proc-root', tree, '1']).status).toBe(42);
  });
});
