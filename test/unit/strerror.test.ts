/**
 * The one strerror table (src/model/strerror.ts) against glibc on this
 * machine: python3's os.strerror() is glibc's strerror(), and its errno
 * module lists every name glibc defines. Every errno code Node reports
 * (os.constants.errno) must be in the table.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { constants } from 'node:os';
import { ERRNO_NAMES, strerror } from '../../src/model/strerror.js';

const SCRIPT = `
import errno, json, os
names = [n for n in dir(errno) if n.startswith("E") and isinstance(getattr(errno, n), int)]
print(json.dumps({n: os.strerror(getattr(errno, n)) for n in names}))
`;

function glibc(): Record<string, string> | null {
  try {
    return JSON.parse(execFileSync('python3', ['-c', SCRIPT], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } }));
  } catch {
    return null;
  }
}
const reference = glibc();
if (reference === null) console.warn('python3 missing: strerror table not compared with glibc');

describe('strerror()', () => {
  it.skipIf(reference === null)('has glibc\'s message for every errno name glibc defines, and no others', () => {
    expect(Object.fromEntries(ERRNO_NAMES.map((name) => [name, strerror(name)]))).toEqual(reference);
  });
  it.each(Object.keys(constants.errno))('knows Node\'s %s', (name) => expect(ERRNO_NAMES).toContain(name));
  it.each([
    ['ECONNRESET', 'Connection reset by peer'],
    ['ENOSPC', 'No space left on device'],
    ['EACCES', 'Permission denied'],
    ['EWOULDBLOCK', 'Resource temporarily unavailable'],
    ['UNKNOWN', 'UNKNOWN'],
    ['toString', 'toString'],
  ])('%s -> %s', (code, message) => expect(strerror(code)).toBe(message));
});
