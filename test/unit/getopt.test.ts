/**
 * getoptLong() against glibc's getopt_long itself, through util-linux
 * getopt(1), which prints what getopt_long returned: options in order,
 * "--", then the operands in their permuted order, and glibc's messages
 * on stderr. One line per case; the expected text comes from getopt(1).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LongOption, getoptLong } from '../../src/cli/getopt.js';

const SHORT = 'xXrdqA:hVcC:nN:pk';
const LONG_NAMES: Array<[string, LongOption['has']]> = [
  ['extended', 'none'], ['device', 'none'], ['quiet', 'none'], ['range', 'required'], ['help', 'none'],
  ['version', 'none'], ['read-rc', 'none'], ['read-rc-from', 'required'], ['create-rc', 'none'],
  ['create-rc-to', 'required'], ['show-path', 'none'],
];
/** Each long option reports its own name, so the rendering can print it as getopt(1) does. */
const LONG: LongOption[] = LONG_NAMES.map(([name, has]) => ({ name, has, key: `--${name}` }));

const quote = (value: string): string => ` '${value.replace(/'/g, `'\\''`)}'`;

/** getoptLong's result in getopt(1)'s output format: stdout, and the first stderr line. */
function ours(args: string[], posixly: boolean): { stdout: string; error: string } {
  const result = getoptLong(args, SHORT, LONG, posixly);
  const last = result.events[result.events.length - 1];
  if (last?.kind === 'error') return { stdout: '', error: `pmap: ${last.message}` };
  let stdout = '';
  for (const event of result.events) {
    if (event.kind !== 'option') continue;
    stdout += (event.key.startsWith('--') ? ` ${event.key}` : ` -${event.key}`) + (event.value !== undefined ? quote(event.value) : '');
  }
  return { stdout: stdout + ' --' + result.operands.map(quote).join('') + '\n', error: '' };
}

function glibc(args: string[], posixly: boolean): { stdout: string; error: string } {
  const longs = LONG_NAMES.map(([name, has]) => (has === 'required' ? `${name}:` : name)).join(',');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...(posixly ? { POSIXLY_CORRECT: '1' } : {}) };
  const run = spawnSync('getopt', ['-o', SHORT, '-l', longs, '-n', 'pmap', '--', ...args], { env, encoding: 'latin1' });
  const error = run.stderr.split('\n')[0]!;
  return { stdout: error === '' ? run.stdout : '', error };
}

const CASES: Array<[string[], boolean?]> = [
  [['-x', '123']],
  [['-xq', '123', '456']],
  [['123', '-x', '456', '-d']],
  [['-A1000,2000', '1']],
  [['-A', '1000,2000', '1']],
  [['-xA', 'ff', '1']],
  [['--range=1,2', '7']],
  [['--range', '1,2', '7']],
  [['--ran=1', '7']],
  [['--ext', '--dev', '--q', '9']],
  [['--show', '--read-rc-f', 'rcfile', '3']],
  [['--create-rc-to=x']],
  [['-C', '-x', '1']],
  [['--', '-x', '1']],
  [['1', '--', '-q']],
  [['-', '-x']],
  [['1', '-x'], true],
  [['-x', '1', '-q'], true],
  [['-z']],
  [['-xz', '1']],
  [['-A']],
  [['1', '-N']],
  [['--re']],
  [['--create']],
  [['--nope']],
  [['--extended=yes']],
  [['--range']],
  [['--read-rc-from']],
  [['-:']],
  [["-A'quoted'", '1']],
  [['--version', '--help']],
];

describe.skipIf(!existsSync('/usr/bin/getopt'))('getoptLong() = glibc getopt_long (util-linux getopt)', () => {
  it.each(CASES)('%j posixly=%s', (args, posixly = false) => expect(ours(args, posixly)).toEqual(glibc(args, posixly)));
});

if (!existsSync('/usr/bin/getopt')) console.warn('getopt(1) missing (util-linux): getopt unit tests skipped');
