/**
 * Parsing of /proc/PID/maps lines (and the mapping header lines of smaps).
 */
import { cStringEnds, fgetsEnd, isCSpace, scanUnsigned, skipSpace } from './cscan.js';
import { U64, toU32 } from './u64.js';
import type { Scanned } from './cscan.js';

/**
 * The variables pmap scans a mapping line into with
 * "%lx-%lx %31s %llx %x:%x %llu". sscanf() only assigns the fields it
 * matched, so a malformed line leaves the rest holding the previous line's
 * values; the record is therefore updated in place, never recreated.
 */
export interface MappingFields {
  start: U64;
  /**
   * The start as the line spelled it when that is 1-16 lower-case hex
   * digits, which "%016lx" reprints unchanged but for zero padding; null
   * otherwise. It saves a number-to-hex conversion per printed row.
   */
  startDigits: string | null;
  end: U64;
  /** The 32-byte perms buffer, whose bytes past the NUL are stale. */
  perms: Uint8Array;
  offset: U64;
  devMajor: number;
  devMinor: number;
  inode: U64;
}

export function newMappingFields(start: U64 = 0): MappingFields {
  return { start, startDigits: null, end: 0, perms: new Uint8Array(32), offset: 0, devMajor: 0, devMinor: 0, inode: 0 };
}

/**
 * How many of the seven fields matched (sscanf's return, without EOF),
 * scanning text[pos, end).
 */
export function scanMappingLine(text: string, into: MappingFields, pos = 0, end = text.length): number {
  const lineStart = pos;
  let scanned = scanHex(text, pos, end);
  if (!scanned) return 0;
  into.start = scanned.value;
  into.startDigits = scanned === FAST ? text.slice(lineStart, scanned.next) : null;
  pos = scanned.next;
  if (pos >= end || text.charCodeAt(pos) !== 0x2d) return 1;
  scanned = scanHex(text, pos + 1, end);
  if (!scanned) return 1;
  into.end = scanned.value;
  pos = storePerms(text, scanned.next, end, into.perms);
  if (pos < 0) return 2;
  scanned = scanUnsigned(text, pos, end, 16);
  if (!scanned) return 3;
  into.offset = scanned.value;
  scanned = scanUnsigned(text, scanned.next, end, 16);
  if (!scanned) return 4;
  into.devMajor = toU32(scanned.value);
  pos = scanned.next;
  if (pos >= end || text.charCodeAt(pos) !== 0x3a) return 5;
  scanned = scanUnsigned(text, pos + 1, end, 16);
  if (!scanned) return 5;
  into.devMinor = toU32(scanned.value);
  scanned = scanUnsigned(text, scanned.next, end, 10);
  if (!scanned) return 6;
  into.inode = scanned.value;
  return 7;
}

const FAST: Scanned = { value: 0, next: 0 };

function lowerHexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * "%lx" for the common spelling, 1 to 13 lower-case hex digits with no
 * prefix (exact as a number), returned in FAST; anything else goes through
 * the full scanf emulation.
 */
function scanHex(text: string, pos: number, end: number): Scanned | null {
  let value = 0;
  let at = pos;
  for (; at < end && at - pos < 14; at++) {
    const digit = lowerHexDigit(text.charCodeAt(at));
    if (digit < 0) break;
    value = value * 16 + digit;
  }
  const count = at - pos;
  const prefixed = count === 1 && value === 0 && (text.charCodeAt(at) | 0x20) === 0x78;
  if (count === 0 || count > 13 || prefixed || (at < end && hexDigitAny(text.charCodeAt(at)))) {
    return scanUnsigned(text, pos, end, 16);
  }
  FAST.value = value;
  FAST.next = at;
  return FAST;
}

/** A hex digit of either case (the fast path declines upper case). */
function hexDigitAny(code: number): boolean {
  return lowerHexDigit(code | 0x20) >= 0;
}

/** "%31s" into the perms buffer: bytes past the new NUL keep old values. */
function storePerms(text: string, pos: number, end: number, buffer: Uint8Array): number {
  pos = skipSpace(text, pos, end);
  const start = pos;
  while (pos < end && pos - start < 31 && !isCSpace(text.charCodeAt(pos))) {
    buffer[pos - start] = text.charCodeAt(pos);
    pos++;
  }
  if (pos === start) return -1;
  buffer[pos - start] = 0;
  return pos;
}

/** Read a C string out of a byte buffer. */
export function cStringOf(buffer: Uint8Array): string {
  let text = '';
  for (let i = 0; i < buffer.length && buffer[i] !== 0; i++) text += String.fromCharCode(buffer[i]!);
  return text;
}

/** A typed view of one well-formed maps line, for the library API. */
export interface MapsEntry {
  start: U64;
  end: U64;
  perms: string;
  offset: U64;
  devMajor: number;
  devMinor: number;
  inode: U64;
  /** The name column as the kernel wrote it (may be empty). */
  name: string;
}

/**
 * Parse every mapping line of a maps or smaps file into typed entries,
 * skipping lines that are not mapping headers (smaps key lines). This is the
 * clean model behind --json, --summary and the API; pmap's own modes use
 * the line-by-line emulation in src/format instead.
 */
export function parseMapsEntries(text: string): MapsEntry[] {
  const entries: MapsEntry[] = [];
  const fields = newMappingFields();
  const lineEndOf = cStringEnds(text);
  for (let pos = 0; pos < text.length; ) {
    const lineEnd = fgetsEnd(text, pos, Number.MAX_SAFE_INTEGER);
    const line = text.slice(pos, lineEndOf(pos, lineEnd)).replace(/\n$/, '');
    pos = lineEnd;
    if (!isMappingHeader(line)) continue;
    if (scanMappingLine(line, fields) < 7) continue;
    entries.push({
      start: fields.start,
      end: fields.end,
      perms: cStringOf(fields.perms),
      offset: fields.offset,
      devMajor: fields.devMajor,
      devMinor: fields.devMinor,
      inode: fields.inode,
      name: nameColumn(line),
    });
  }
  return entries;
}

/**
 * pmap's "hex values are lower case or numeric, keys are upper" test: a
 * line whose first byte is A-Z is an smaps key line (even in maps mode),
 * any other line a mapping line. The one home of that rule.
 */
export function isSmapsKeyStart(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}

/** A mapping line, not a key line (isSmapsKeyStart). */
export function isMappingHeader(line: string): boolean {
  return !isSmapsKeyStart(line.charCodeAt(0));
}

/** The name after the inode column, with the kernel's padding removed. */
export function nameColumn(line: string): string {
  let pos = 0;
  for (let field = 0; field < 5; field++) {
    pos = skipSpace(line, pos, line.length);
    while (pos < line.length && line[pos] !== ' ' && line[pos] !== '\t') pos++;
  }
  return line.slice(skipSpace(line, pos, line.length));
}
