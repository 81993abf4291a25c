/**
 * Standard descriptors that were closed when tspmap started. Node opens
 * /dev/null (O_RDWR) on a closed descriptor 0, 1 or 2 before any
 * JavaScript runs, so `tspmap ... >&-` would write into /dev/null and
 * succeed where pmap's writes fail with EBADF.
 *
 * bin/tspmap.js's sh prologue sees the descriptors before Node does and
 * names the closed ones in TSPMAP_CLOSED_STDIO: that is the answer when
 * set. Started as `node bin/tspmap.js`, only /proc/self/fdinfo is left: a
 * shell's `>/dev/null` is O_WRONLY and `</dev/null` O_RDONLY, while Node's
 * stand-in is /dev/null opened O_RDWR, as is a read-write /dev/null of the
 * caller's own (Python's subprocess.DEVNULL, Node's stdio 'ignore',
 * `1<>/dev/null`), which is then taken as closed.
 */
import { readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { readWhole } from './procfs.js';

const O_ACCMODE = 3;
const O_RDWR = 2;

/**
 * Whether `fd` is open on /dev/null by that name, as Node opens its
 * stand-in: one readlink(), where a first fstatSync() costs ~0.1 ms.
 */
function isDevNull(fd: number): boolean {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`) === '/dev/null';
  } catch {
    return false;
  }
}

/** Set by bin/tspmap.js's prologue: the digits of the standard descriptors that were closed ("" for none). */
export const CLOSED_STDIO_VARIABLE = 'TSPMAP_CLOSED_STDIO';

/**
 * Whether standard descriptor `fd` was closed at start (Node's /dev/null
 * stands in): the prologue's answer, or else one readlink() unless the
 * descriptor is /dev/null.
 */
export function wasClosedAtStart(fd: number): boolean {
  const closed = process.env[CLOSED_STDIO_VARIABLE];
  if (closed !== undefined) return closed.includes(String(fd));
  if (!isDevNull(fd)) return false;
  // readWhole(): one open and read, where readFileSync's generic path costs
  // about 0.6 ms on its first call (performance.now()). `flags:` is line 2.
  const read = readWhole(`/proc/self/fdinfo/${fd}`, FDINFO_BYTES);
  if (!read.ok) return false;
  const flags = /^flags:\s*([0-7]+)$/m.exec(read.data.toString('latin1'));
  return flags !== null && (parseInt(flags[1]!, 8) & O_ACCMODE) === O_RDWR;
}

/** pos, flags, mnt_id and ino fit many times over; /dev/null has nothing more. */
const FDINFO_BYTES = 1024;

/** A process's descriptor directory once symlinks are resolved: /proc/PID/fd or /proc/PID/task/TID/fd. */
const FD_DIR = /^\/proc\/\d+(\/task\/\d+)?\/fd$/;

/**
 * Whether `path`, opened as `openedFd`, reached a standard descriptor that
 * was closed at start (/dev/stdin, /dev/fd/0, /proc/self/fd/0, ...): pmap's
 * open of it fails, because that descriptor does not exist. Only a file
 * that is /dev/null is looked at further.
 */
export function reachesReopenedStdio(path: string, openedFd: number): boolean {
  if (!isDevNull(openedFd)) return false;
  for (let fd = 0; fd <= 2; fd++) {
    if (wasClosedAtStart(fd) && passesThroughFd(path, fd)) return true;
  }
  return false;
}

/** Follow `path`'s symlinks (at most 40, as the kernel does) looking for .../fd/N. */
function passesThroughFd(path: string, fd: number): boolean {
  let current = resolve(path);
  for (let hop = 0; hop < 40; hop++) {
    let dir: string;
    try {
      dir = realpathSync(dirname(current));
    } catch {
      return false;
    }
    const name = basename(current);
    if (name === String(fd) && FD_DIR.test(dir)) return true;
    let link: string;
    try {
      link = readlinkSync(join(dir, name));
    } catch {
      return false;
    }
    current = resolve(dir, link);
  }
  return false;
}
