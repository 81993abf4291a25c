/**
 * A byte scanner for maps lines exactly as the kernel formats them
 * (show_map_head_prefix: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " and a
 * space-padded name). It accepts only lines on which pmap's
 * "%lx-%lx %31s %llx %x:%x %llu" and the plain scan below must agree, and
 * declines everything else (upper-case hex, missing fields, unprintable
 * bytes, values past 2^52, lines fgets() would split), which then goes
 * through the exact scanf emulation in maps.ts. It allocates nothing.
 */

/** fgets(mapbuf, 1024, ...) reads at most 1023 bytes of a line at once. */
const FGETS_LINE_MAX = 1023;
/** At most 13 hex digits keeps a value exact as a number. */
const HEX_DIGITS_MAX = 13;
const DEC_DIGITS_MAX = 15;

/** One scanned line; positions index the buffer that was scanned. */
export interface FastMapsLine {
  start: number;
  /** The start's digits, buf[startFrom, startTo), reprinted zero-padded. */
  startFrom: number;
  startTo: number;
  end: number;
  /** The four perms bytes begin here. */
  permsAt: number;
  offset: number;
  offsetFrom: number;
  offsetTo: number;
  devMajor: number;
  devMinor: number;
  inode: number;
  /** Where the name begins (the line's end when it has none). */
  nameFrom: number;
  /** The first and last '/' of the line, -1 when none. */
  firstSlash: number;
  lastSlash: number;
}

export function newFastMapsLine(): FastMapsLine {
  return {
    start: 0, startFrom: 0, startTo: 0, end: 0, permsAt: 0, offset: 0, offsetFrom: 0, offsetTo: 0,
    devMajor: 0, devMinor: 0, inode: 0, nameFrom: 0, firstSlash: -1, lastSlash: -1,
  };
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** Scan buf[pos, nl) (nl is the index of its newline); false: use the exact path. */
export function scanKernelMapsLine(buf: Uint8Array, pos: number, nl: number, into: FastMapsLine): boolean {
  if (nl - pos + 1 > FGETS_LINE_MAX) return false;
  let at = pos;
  let value = 0;
  let digit: number;
  // start
  while ((digit = hexValue(buf[at]!)) >= 0) { value = value * 16 + digit; at++; }
  if (at === pos || at - pos > HEX_DIGITS_MAX || buf[at] !== 0x2d) return false;
  into.start = value;
  into.startFrom = pos;
  into.startTo = at;
  // end
  const endFrom = ++at;
  value = 0;
  while ((digit = hexValue(buf[at]!)) >= 0) { value = value * 16 + digit; at++; }
  if (at === endFrom || at - endFrom > HEX_DIGITS_MAX || buf[at] !== 0x20) return false;
  into.end = value;
  // perms: four bytes that are neither space nor control, then a space
  at++;
  for (let i = 0; i < 4; i++) {
    const code = buf[at + i]!;
    if (code <= 0x20 || code >= 0x7f) return false;
  }
  if (buf[at + 4] !== 0x20) return false;
  into.permsAt = at;
  at += 5;
  // offset
  const offsetFrom = at;
  value = 0;
  while ((digit = hexValue(buf[at]!)) >= 0) { value = value * 16 + digit; at++; }
  if (at === offsetFrom || at - offsetFrom > HEX_DIGITS_MAX || buf[at] !== 0x20) return false;
  into.offset = value;
  into.offsetFrom = offsetFrom;
  into.offsetTo = at;
  // major:minor
  const majorFrom = ++at;
  value = 0;
  while ((digit = hexValue(buf[at]!)) >= 0) { value = value * 16 + digit; at++; }
  if (at === majorFrom || at - majorFrom > 7 || buf[at] !== 0x3a) return false;
  into.devMajor = value;
  const minorFrom = ++at;
  value = 0;
  while ((digit = hexValue(buf[at]!)) >= 0) { value = value * 16 + digit; at++; }
  if (at === minorFrom || at - minorFrom > 7 || buf[at] !== 0x20) return false;
  into.devMinor = value;
  // inode, then the name padding or the end of the line
  const inodeFrom = ++at;
  value = 0;
  let code = buf[at]!;
  while (code >= 0x30 && code <= 0x39) { value = value * 10 + (code - 0x30); code = buf[++at]!; }
  if (at === inodeFrom || at - inodeFrom > DEC_DIGITS_MAX || (at !== nl && code !== 0x20)) return false;
  into.inode = value;
  while (at < nl && buf[at] === 0x20) at++;
  into.nameFrom = at;
  // The name must be printable in any locale (isprint of 0x20-0x7e), so the
  // "?" sanitising pass has nothing to do.
  let firstSlash = -1;
  let lastSlash = -1;
  for (; at < nl; at++) {
    code = buf[at]!;
    if (code < 0x20 || code > 0x7e) return false;
    if (code === 0x2f) {
      if (firstSlash < 0) firstSlash = at;
      lastSlash = at;
    }
  }
  into.firstSlash = firstSlash;
  into.lastSlash = lastSlash;
  return true;
}

/** Whether buf[from, to) contains "/SYSV". */
export function hasSysvMarker(buf: Uint8Array, from: number, to: number): boolean {
  for (let at = from; at + 5 <= to; at++) {
    if (buf[at] === 0x2f && buf[at + 1] === 0x53 && buf[at + 2] === 0x59 && buf[at + 3] === 0x53 && buf[at + 4] === 0x56) {
      return true;
    }
  }
  return false;
}
