/**
 * The lines of /proc/PID/smaps as pmap's sscanf() calls read them: one
 * scanner per kind of line (mapping header, "Key: N kB" field, VmFlags),
 * shared by the -X/-XX/-c table, -x's key lines and the typed parse in
 * parse/smaps.ts. Each reads text[pos, end) (one fgets() chunk or one line,
 * latin1) and reports positions, not strings, so hot paths allocate nothing.
 */
import {
  scanDigits, scanLowerHex, scanLowerHexColon, scanLowerOrSpace, scanNonSpace, scanUntil, skipSpace,
} from './cscan.js';

/** Field widths of print_extended_maps()'s formats: %20 (numbers), %31, %63, %127. */
export const NUM_WIDTH = 20;
export const DETAIL_WIDTH = 31;
export const DEVICE_WIDTH = 63;
export const DESC_WIDTH = 127;
export const VMFLAGS_WIDTH = 127;

/**
 * "%20[0-9a-f]-%20[0-9a-f] %31s %20[0-9a-f] %63[0-9a-f:] %20s %127[^\n]":
 * sscanf's count of conversions. From 6 on, `spans` holds start/end pairs
 * for the address (start only), perms, offset, device, inode and the
 * description (empty at 6: pmap emptied map_desc before the scan).
 */
export function scanSmapsHeader(text: string, pos: number, end: number, spans: number[]): number {
  let next = scanLowerHex(text, pos, end, NUM_WIDTH);
  if (next === pos) return 0;
  spans[0] = pos;
  spans[1] = next;
  pos = next;
  if (pos >= end || text.charCodeAt(pos) !== 0x2d) return 1;
  pos++;
  next = scanLowerHex(text, pos, end, NUM_WIDTH);
  if (next === pos) return 1;
  pos = skipSpace(text, next, end);
  next = scanNonSpace(text, pos, end, DETAIL_WIDTH);
  if (next === pos) return 2;
  spans[2] = pos;
  spans[3] = next;
  pos = skipSpace(text, next, end);
  next = scanLowerHex(text, pos, end, NUM_WIDTH);
  if (next === pos) return 3;
  spans[4] = pos;
  spans[5] = next;
  pos = skipSpace(text, next, end);
  next = scanLowerHexColon(text, pos, end, DEVICE_WIDTH);
  if (next === pos) return 4;
  spans[6] = pos;
  spans[7] = next;
  pos = skipSpace(text, next, end);
  next = scanNonSpace(text, pos, end, NUM_WIDTH);
  if (next === pos) return 5;
  spans[8] = pos;
  spans[9] = next;
  pos = skipSpace(text, next, end);
  // %127[^\n]: a chunk's only newline can be its last byte.
  const stop = end > pos && text.charCodeAt(end - 1) === 0x0a ? end - 1 : end;
  next = Math.min(pos + DESC_WIDTH, stop);
  spans[10] = pos;
  spans[11] = next;
  return next === pos ? 6 : 7;
}

/** Where scanFieldLine() found the parts of a field line. */
export interface FieldLine {
  /** The key is text[pos, keyEnd); a ':' is at keyEnd. */
  keyEnd: number;
  /** The digits are text[valueStart, valueEnd). */
  valueStart: number;
  valueEnd: number;
  /** Whether "kB" followed the digits. */
  kB: boolean;
  /** Where the scan stopped: past the digits or "kB" and the white space after them. */
  next: number;
}

export function newFieldLine(): FieldLine {
  return { keyEnd: 0, valueStart: 0, valueEnd: 0, kB: false, next: 0 };
}

/**
 * "%W[^:]: %V[0-9] kB %c" with W = keyWidth and V = valueWidth (Infinity:
 * unbounded): sscanf's count of conversions, into `out`. 2 is a field line,
 * with "kB" or without (THPeligible, ProtectionKey stop after the number);
 * 3 means text follows "kB". White space is C's isspace(), as in scanf.
 */
export function scanFieldLine(
  text: string, pos: number, end: number, keyWidth: number, valueWidth: number, out: FieldLine,
): number {
  const keyEnd = scanUntil(text, pos, end, keyWidth, 0x3a);
  if (keyEnd === pos) return 0;
  out.keyEnd = keyEnd;
  out.kB = false;
  if (keyEnd >= end || text.charCodeAt(keyEnd) !== 0x3a) return 1;
  let at = skipSpace(text, keyEnd + 1, end);
  const valueEnd = scanDigits(text, at, end, valueWidth);
  if (valueEnd === at) return 1;
  out.valueStart = at;
  out.valueEnd = valueEnd;
  at = skipSpace(text, valueEnd, end);
  out.next = at;
  if (at + 1 >= end || text.charCodeAt(at) !== 0x6b || text.charCodeAt(at + 1) !== 0x42) return 2;
  at = skipSpace(text, at + 2, end);
  out.kB = true;
  out.next = at;
  return at < end ? 3 : 2;
}

/**
 * "%W[^:]:", the key of a field line: the position of its ':', or -1 when
 * the key is empty or no ':' follows within W bytes.
 */
export function scanFieldKey(text: string, pos: number, end: number, keyWidth: number): number {
  const keyEnd = scanUntil(text, pos, end, keyWidth, 0x3a);
  return keyEnd > pos && keyEnd < end && text.charCodeAt(keyEnd) === 0x3a ? keyEnd : -1;
}

/** The tag of the VmFlags line, byte by byte. */
export const VMFLAGS_CODES: readonly number[] = [0x56, 0x6d, 0x46, 0x6c, 0x61, 0x67, 0x73, 0x3a];

/** Whether text[pos, end) starts with "VmFlags:". */
export function isVmFlagsLine(text: string, pos: number, end: number): boolean {
  if (end - pos < VMFLAGS_CODES.length) return false;
  for (let i = 0; i < VMFLAGS_CODES.length; i++) if (text.charCodeAt(pos + i) !== VMFLAGS_CODES[i]) return false;
  return true;
}

/**
 * "VmFlags: %127[a-z ]": whether it matched; the flags, without one
 * trailing space (pmap cuts it), land in spans[0..1].
 */
export function scanVmFlags(text: string, pos: number, end: number, spans: number[]): boolean {
  if (!isVmFlagsLine(text, pos, end)) return false;
  pos = skipSpace(text, pos + VMFLAGS_CODES.length, end);
  let next = scanLowerOrSpace(text, pos, end, VMFLAGS_WIDTH);
  if (next === pos) return false;
  if (text.charCodeAt(next - 1) === 0x20) next--;
  spans[0] = pos;
  spans[1] = next;
  return true;
}

/** Whether text[start, end) is a field name as the kernel writes them: [A-Za-z][A-Za-z0-9_]*. */
export function isFieldName(text: string, start: number, end: number): boolean {
  if (start >= end || !isLetter(text.charCodeAt(start))) return false;
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!isLetter(c) && !(c >= 0x30 && c <= 0x39) && c !== 0x5f) return false;
  }
  return true;
}

function isLetter(code: number): boolean {
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}
