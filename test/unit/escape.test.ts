/**
 * escapeStr() against libproc2's escape_str as the real pmap applies it to
 * its header line: each case's bytes become a process's cmdline (or its
 * command name, with an empty cmdline) in a scratch tree, pmap prints the
 * header over that tree in a private mount namespace, and escapeStr must
 * give what pmap printed. One line per case, in a UTF-8 and a C locale.
 * Needs root, unshare and /usr/bin/pmap; skipped with a notice otherwise.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeStr, needsLocale } from '../../src/parse/escape.js';
import { pmapOracleProblem } from '../helpers/oracle.js';

const BASE = join(import.meta.dirname, '..', '..', 'fixtures', 'smaps-kernel-6.x', 'tree');
/** libproc2's buffers: MAX_BUFSZ for the cmdline, 64 bytes for the command name. */
const CMDLINE_BUFFER = 128 * 1024;
const COMM_BUFFER = 64;

function oracle(): string | null {
  return pmapOracleProblem();
}
const missing = oracle();
if (missing !== null) console.warn(`escape unit tests skipped: ${missing}`);

const scratch = mkdtempSync(join(tmpdir(), 'tspmap-escape-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let treeCount = 0;

/** The command pmap's header shows for a process with this cmdline (or comm, when cmdline is ''). */
function pmapHeader(cmdline: string, comm: string, utf8: boolean): string {
  const tree = join(scratch, String(treeCount++));
  cpSync(join(BASE, 'self'), join(tree, 'self'), { recursive: true });
  cpSync(join(BASE, '1001'), join(tree, '1001'), { recursive: true });
  const stat = readFileSync(join(tree, '1001', 'stat'), 'latin1').replace(/^1001 \([^)]*\)/, `1001 (${comm})`);
  writeFileSync(join(tree, '1001', 'stat'), stat, 'latin1');
  writeFileSync(join(tree, '1001', 'cmdline'), cmdline, 'latin1');
  writeFileSync(join(tree, '1001', 'maps'), '');
  const env = { PATH: '/usr/bin:/bin', ...(utf8 ? { LANG: 'C.UTF-8' } : { LC_ALL: 'C' }) };
  const run = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind "$1" /proc && exec pmap -q 1001', '_', tree], { env, encoding: 'latin1' });
  rmSync(tree, { recursive: true, force: true });
  const header = run.stdout.split('\n')[0]!;
  expect(header.startsWith('1001:   '), run.stderr).toBe(true);
  return header.slice('1001:   '.length);
}

const b = (...bytes: number[]): string => String.fromCharCode(...bytes);

/** Byte strings (latin1); each is tried as a one-argument cmdline and as a command name. */
const CASES: string[] = [
  'plain ascii',
  'tab\there',
  'bell' + b(7) + 'del' + b(0x7f),
  'caf' + b(0xc3, 0xa9),
  'euro ' + b(0xe2, 0x82, 0xac),
  'emoji ' + b(0xf0, 0x9f, 0x98, 0x80),
  'lone continuation ' + b(0x80) + ' then ' + b(0xc3, 0xa9),
  'overlong lead ' + b(0xc0, 0xaf),
  'lead F5 ' + b(0xf5, 0x80, 0x80, 0x80),
  'truncated at end ' + b(0xe2, 0x82),
  'bad continuation ' + b(0xc3, 0x41) + ' ctl' + b(1),
  'latin1 ' + b(0xe9, 0xe8) + ' ctl' + b(2),
  'x'.repeat(63),
  'y'.repeat(64),
];

describe.skipIf(missing !== null)('escapeStr() = libproc2 escape_str (real pmap header)', () => {
  describe.each([true, false])('utf8=%s', (utf8) => {
    it.each(CASES)('cmdline %j', (bytes) => expect(escapeStr(bytes, utf8, CMDLINE_BUFFER)).toBe(pmapHeader(bytes + '\0', 'x', utf8)));
    it.each(CASES)('comm %j', (bytes) => expect(`[${escapeStr(bytes, utf8, COMM_BUFFER)}]`).toBe(pmapHeader('', bytes, utf8)));
  });
});

// needsLocale() lets the header skip resolving the locale; it may answer
// false only where both locale rules give the same text.
describe('needsLocale()', () => {
  it('ignores what follows the first NUL', () => expect(needsLocale('sleep\0' + '100000\0')).toBe(false));
  it('sees a control byte before the NUL', () => expect(needsLocale('a\tb\0')).toBe(true));
  it('sees a high byte before the NUL', () => expect(needsLocale('caf' + b(0xc3, 0xa9) + '\0')).toBe(true));
  it.each(CASES.filter((bytes) => !needsLocale(bytes + '\0' + b(0xff, 1))))('says false where both rules agree: %j', (bytes) => {
    const text = bytes + '\0' + b(0xff, 1);
    expect(escapeStr(text, true, CMDLINE_BUFFER)).toBe(escapeStr(text, false, CMDLINE_BUFFER));
  });
});
