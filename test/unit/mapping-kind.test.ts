/**
 * mappingKind(), the classifier behind --json's "kind" and --summary's
 * categories. The kinds are tspmap's own vocabulary (pmap has none), so the
 * expectations are the documented rules (src/format/json.ts); the cases
 * cover every kind the schema allows, and no other.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MappingKind, mappingKind } from '../../src/format/json.js';
import { parseMapsEntries } from '../../src/parse/maps.js';

const line = (name: string, dev = '00:00'): string => `7f0000000000-7f0000001000 rw-s 00000000 ${dev} 1234 ${name}\n`;
const kindOf = (name: string, dev?: string, startStack = 0): MappingKind => mappingKind(parseMapsEntries(line(name, dev))[0]!, startStack);

const CASES: Array<[string, string | undefined, number, MappingKind]> = [
  ['/usr/lib/libc.so.6', 'fe:01', 0, 'file'],
  ['/tmp/gone (deleted)', 'fe:01', 0, 'deleted'],
  ['', undefined, 0, 'anon'],
  ['', undefined, 0x7f0000000800, 'stack'],
  ['', undefined, 0x7f0000001000, 'stack'],
  ['', undefined, 0x7f0000001001, 'anon'],
  ['[anon:libc_malloc]', undefined, 0, 'anon_named'],
  ['[anon_shmem:pool]', undefined, 0, 'anon_shared'],
  ['/dev/zero (deleted)', undefined, 0, 'anon_shared'],
  ['/dev/zero (deleted)', 'fe:01', 0, 'deleted'],
  ['[heap]', undefined, 0, 'heap'],
  ['[stack]', undefined, 0, 'stack'],
  ['[stack:1234]', undefined, 0, 'stack'],
  ['[vdso]', undefined, 0, 'vdso'],
  ['[vvar]', undefined, 0, 'vvar'],
  ['[vvar_vclock]', undefined, 0, 'vvar'],
  ['[vsyscall]', undefined, 0, 'vsyscall'],
  ['[uprobes]', undefined, 0, 'special'],
  ['/SYSV0000abcd', undefined, 0, 'shm'],
  ['/SYSV0000abcd (deleted)', undefined, 0, 'shm'],
  ['/SYSV0000abcd', 'fe:01', 0, 'file'],
  ['/SYSV0000abc', undefined, 0, 'file'],
  ['/memfd:buffer (deleted)', undefined, 0, 'memfd'],
  ['socket:[12345]', undefined, 0, 'special'],
];

describe('mappingKind()', () => {
  it.each(CASES)('%j dev %s stack %d -> %s', (name, dev, startStack, kind) => expect(kindOf(name, dev, startStack)).toBe(kind));

  it('gives only kinds the schema lists, and all of them', () => {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'tspmap.schema.json'), 'utf8'));
    const allowed: string[] = schema.$defs.mapping.properties.kind.enum;
    expect(new Set(CASES.map((c) => c[3]))).toEqual(new Set(allowed));
  });
});
