/**
 * pmap's discover_shm_minor(), done the way pmap does it: create a private
 * SysV segment, attach it read-only, read our own /proc/self/maps, let the
 * caller pick the segment's line out of it, then detach and remove the
 * segment. The device minor of that line is what marks SysV memory on this
 * kernel, in this IPC namespace, for this process (with SHM_HUGETLB, or
 * from another namespace, the minor differs, which is the point).
 *
 * libc is reached through koffi, an FFI package that ships its binaries.
 * It is required at run time, only when a target has a mapping that could
 * be SysV memory, so ordinary runs never load it.
 */
import { nodeRequire } from './node-require.js';
import { readFileSync } from 'node:fs';

type Koffi = typeof import('koffi');

const IPC_PRIVATE = 0;
const IPC_CREAT = 0o1000;
const SHM_RDONLY = 0o10000;
const IPC_RMID = 0;
/** shmget()'s size in pmap: any size will do, pmap asks for 42 bytes. */
const SEGMENT_SIZE = 42;
/** (void *) -1, shmat()'s failure value. */
const SHMAT_FAILED = 0xffff_ffff_ffff_ffffn;

interface ShmCalls {
  shmget(key: number, size: number, flags: number): number;
  shmat(shmid: number, address: null, flags: number): unknown;
  shmdt(address: unknown): number;
  shmctl(shmid: number, command: number, buffer: null): number;
  address(pointer: unknown): bigint;
}

let calls: ShmCalls | null | undefined;

/** libc's shm calls, or null where koffi or libc.so.6 cannot be loaded. */
function shmCalls(): ShmCalls | null {
  if (calls !== undefined) return calls;
  try {
    const koffi = nodeRequire()('koffi') as Koffi;
    const libc = koffi.load('libc.so.6');
    calls = {
      shmget: libc.func('int shmget(int key, size_t size, int shmflg)') as ShmCalls['shmget'],
      shmat: libc.func('void *shmat(int shmid, void *shmaddr, int shmflg)') as ShmCalls['shmat'],
      shmdt: libc.func('int shmdt(void *shmaddr)') as ShmCalls['shmdt'],
      shmctl: libc.func('int shmctl(int shmid, int cmd, void *buf)') as ShmCalls['shmctl'],
      address: (pointer) => (pointer === null ? 0n : koffi.address(pointer)),
    };
  } catch {
    calls = null;
  }
  return calls;
}

/**
 * What attaching a segment of our own tells: `unavailable` when no FFI can
 * be had (the caller must decide another way), otherwise the minor that
 * `pickMinor` found in our maps, or null when pmap would label nothing
 * (self/maps unreadable, the segment not created or not attached, no line).
 */
export type ShmProbe = { kind: 'unavailable' } | { kind: 'probed'; minor: number | null };

export function probeOwnSegment(pickMinor: (selfMaps: string, attachedAt: bigint) => number | null): ShmProbe {
  const libc = shmCalls();
  if (libc === null) return { kind: 'unavailable' };
  // pmap opens self/maps before creating the segment and gives up if it cannot.
  try {
    readFileSync('/proc/self/maps');
  } catch {
    return { kind: 'probed', minor: null };
  }
  const shmid = libc.shmget(IPC_PRIVATE, SEGMENT_SIZE, IPC_CREAT | 0o666);
  if (shmid === -1) return { kind: 'probed', minor: null };
  let minor: number | null = null;
  try {
    const pointer = libc.shmat(shmid, null, SHM_RDONLY);
    const address = libc.address(pointer);
    if (address !== SHMAT_FAILED && address !== 0n) {
      try {
        minor = pickMinor(readFileSync('/proc/self/maps').toString('latin1'), address);
      } finally {
        libc.shmdt(pointer);
      }
    }
  } finally {
    libc.shmctl(shmid, IPC_RMID, null);
  }
  return { kind: 'probed', minor };
}
