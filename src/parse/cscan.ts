/**
 * The subset of glibc's sscanf()/strtoul() that pmap's parsing relies on,
 * over "byte strings": JavaScript strings decoded as latin1, one char per
 * byte, so that arbitrary /proc bytes survive and output stays byte exact.
 *
 * Each scanner takes the text and a position and returns the position after
 * what it consumed, or -1 on a matching failure, like a scanf directive.
 */
import { U64, U64_MAX, normalize } from './u64.js';

/** C isspace() in the C locale. */
export function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

export function skipSpace(text: string, pos: number, end: number): number {
  while (pos < end && isCSpace(text.charCodeAt(pos))) pos++;
  return pos;
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Result of a numeric conversion: the value and where scanning stopped. */
export interface Scanned {
  value: U64;
  next: number;
}

/**
 * scanUnsigned() runs once per field of every line, so it fills and returns
 * this one object instead of allocating: read it before the next call.
 */
const SCANNED: Scanned = { value: 0, next: 0 };

/**
 * One integer conversion as scanf's %lx / %llx (base 16) or %lu / %llu /
 * %u (base 10) performs it: leading white space, an optional sign, for base
 * 16 an optional 0x prefix, then digits. Out-of-range values saturate to
 * ULONG_MAX and a minus sign negates modulo 2^64, as strtoul() does.
 * The one difference between the two callers is the bare "0x" prefix.
 * The result object is shared (see SCANNED).
 * Returns null when no digit could be read (a matching failure).
 */
export function scanUnsigned(
  text: string,
  pos: number,
  end: number,
  base: 10 | 16,
  mode: 'scanf' | 'strtoul' = 'scanf',
): Scanned | null {
  pos = skipSpace(text, pos, end);
  let negative = false;
  const sign = text.charCodeAt(pos);
  if (pos < end && (sign === 0x2b || sign === 0x2d)) {
    negative = sign === 0x2d;
    pos++;
  }
  let sawZeroPrefix = false;
  if (base === 16 && pos < end && text.charCodeAt(pos) === 0x30) {
    const x = text.charCodeAt(pos + 1) | 0x20;
    // scanf consumes a bare "0x"; strtoul only takes it before a hex digit.
    const prefixTaken = mode === 'scanf' || (pos + 2 < end && hexDigit(text.charCodeAt(pos + 2)) >= 0);
    if (pos + 1 < end && x === 0x78 && prefixTaken) {
      sawZeroPrefix = true;
      pos += 2;
    }
  }
  const digitsStart = pos;
  let small = 0;
  let big: bigint | null = null;
  let overflow = false;
  for (; pos < end; pos++) {
    const code = text.charCodeAt(pos);
    const digit = base === 16 ? hexDigit(code) : code >= 0x30 && code <= 0x39 ? code - 0x30 : -1;
    if (digit < 0 || digit >= base) break;
    if (overflow) continue;
    if (big === null) {
      const nextSmall = small * base + digit;
      if (nextSmall <= Number.MAX_SAFE_INTEGER) {
        small = nextSmall;
        continue;
      }
      big = BigInt(small);
    }
    big = big * BigInt(base) + BigInt(digit);
    if (big > (U64_MAX as bigint)) overflow = true;
  }
  if (pos === digitsStart && !sawZeroPrefix) return null;
  let value: U64 = overflow ? U64_MAX : big === null ? small : normalize(big);
  if (negative && !overflow && value !== 0) value = normalize(-BigInt(value));
  SCANNED.value = value;
  SCANNED.next = pos;
  return SCANNED;
}

/**
 * The end of the C string at each line of a scan that moves forward through
 * one large text: the first NUL before the line's end. The next NUL is found
 * once and reused, so a file without NULs costs one pass, not one per line.
 */
export function cStringEnds(text: string): (start: number, end: number) => number {
  let nextNul = text.indexOf('\0');
  return (start, end) => {
    if (nextNul >= 0 && nextNul < start) nextNul = text.indexOf('\0', start);
    return nextNul < 0 || nextNul >= end ? end : nextNul;
  };
}

/**
 * strtoul() (or sscanf's "%lu") of text[start, end), a span of decimal
 * digits only: exact, saturating at ULONG_MAX.
 */
export function decimalValue(text: string, start: number, end: number): U64 {
  if (end - start <= 15) {
    let value = 0;
    for (let i = start; i < end; i++) value = value * 10 + (text.charCodeAt(i) - 0x30);
    return value;
  }
  return scanUnsigned(text, start, end, 10)!.value;
}

/**
 * pmap's line buffer, `char mapbuf[1024]`, filled by fgets(mapbuf, 1024, f)
 * for maps and smaps: a line of 1024 bytes or more arrives as several
 * "lines" of at most 1023 bytes.
 */
export const MAPBUF_SIZE = 1024;

/**
 * fgets(buf, size, f) over a whole file: the end of the chunk starting at
 * `pos`, which stops after a newline or after size - 1 bytes. pmap's 1024-byte
 * buffer therefore splits longer lines into several "lines".
 */
export function fgetsEnd(text: string, pos: number, size: number): number {
  const limit = pos + size - 1;
  const newline = text.indexOf('\n', pos);
  const lineEnd = newline < 0 ? text.length : newline + 1;
  return lineEnd < limit ? lineEnd : Math.min(limit, text.length);
}

/** C isprint() in the C and C.UTF-8 locales: printable ASCII only. */
export function sanitizeUnprintable(line: string): string {
  return /[^\x20-\x7e]/.test(line) ? line.replace(/[^\x20-\x7e]/g, '?') : line;
}

// ---- scanf's %N[set] conversions -----------------------------------------
// Each takes at most `width` bytes of text[pos, end) and returns where it
// stopped; a return of `pos` is a matching failure.

/** %N[0-9a-f] */
export function scanLowerHex(text: string, pos: number, end: number, width: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) break;
    pos++;
  }
  return pos;
}

/** %N[0-9a-f:] */
export function scanLowerHexColon(text: string, pos: number, end: number, width: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (!((c >= 0x30 && c <= 0x3a) || (c >= 0x61 && c <= 0x66))) break;
    pos++;
  }
  return pos;
}

/** %N[0-9] */
export function scanDigits(text: string, pos: number, end: number, width: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (c < 0x30 || c > 0x39) break;
    pos++;
  }
  return pos;
}

/** %N[a-z ] */
export function scanLowerOrSpace(text: string, pos: number, end: number, width: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (!((c >= 0x61 && c <= 0x7a) || c === 0x20)) break;
    pos++;
  }
  return pos;
}

/** %N[^c] for one stop byte. */
export function scanUntil(text: string, pos: number, end: number, width: number, stop: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit && text.charCodeAt(pos) !== stop) pos++;
  return pos;
}

/** %Ns once its leading white space is skipped. */
export function scanNonSpace(text: string, pos: number, end: number, width: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit && !isCSpace(text.charCodeAt(pos))) pos++;
  return pos;
}
