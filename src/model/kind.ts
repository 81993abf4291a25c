/**
 * What a mapping is, from its name, device and the process's stack start:
 * the shared vocabulary of --json, --summary, the classifier and the report.
 */
import type { MapsEntry } from '../parse/maps.js';
import type { U64 } from '../parse/u64.js';

/** What a mapping is, from its name, device and the process's stack start. */
export type MappingKind =
  | 'file'
  | 'deleted'
  | 'anon'
  | 'anon_named'
  | 'anon_shared'
  | 'heap'
  | 'stack'
  | 'vdso'
  | 'vvar'
  | 'vsyscall'
  | 'shm'
  | 'memfd'
  | 'special';

const SYSV_NAME = /^\/SYSV[0-9a-fA-F]{8}(?: \(deleted\))?$/;
/** The suffix the kernel gives a mapping of a file since unlinked. */
export const DELETED = ' (deleted)';

/**
 * The kind of a mapping. Anonymous mappings without a name that contain
 * the stack start from stat (older kernels) count as the stack, as in pmap.
 */
export function mappingKind(entry: MapsEntry, startStack: U64): MappingKind {
  const name = entry.name;
  if (name === '') {
    const inStack = startStack !== 0 && startStack >= entry.start && startStack <= entry.end;
    return inStack ? 'stack' : 'anon';
  }
  if (name.startsWith('[')) {
    if (name === '[heap]') return 'heap';
    if (name === '[stack]' || name.startsWith('[stack:')) return 'stack';
    if (name === '[vdso]') return 'vdso';
    if (name === '[vvar]' || name.startsWith('[vvar_')) return 'vvar';
    if (name === '[vsyscall]') return 'vsyscall';
    if (name.startsWith('[anon_shmem:')) return 'anon_shared';
    if (name.startsWith('[anon:')) return 'anon_named';
    return 'special';
  }
  if (name.startsWith('/')) {
    if (entry.devMajor === 0 && SYSV_NAME.test(name)) return 'shm';
    if (name.startsWith('/memfd:')) return 'memfd';
    if (entry.devMajor === 0 && name === '/dev/zero' + DELETED) return 'anon_shared';
    return name.endsWith(DELETED) ? 'deleted' : 'file';
  }
  return 'special';
}

