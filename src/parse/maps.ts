/**
 * Parsing of /proc/PID/maps lines (and the mapping header lines of smaps).
 */
import { cStringEnds, fgetsEnd, scanToken, scanUnsigned, skipSpace } from './cscan.js';
import { U64, toU32 } from './u64.js';

/**
 * The variables pmap scans a mapping line into with
 * "%lx-%lx %31s %llx %x:%x %llu". sscanf() only assigns the fields it
 * matched, so a malformed line leaves the rest holding the previous line's
 * values; the record is therefore updated in place, never recreated.
 */
export interface MappingFields {
  start: U64;
  end: U64;
  /** The 32-byte perms buffer, whose bytes past the NUL are stale. */
  perms: Uint8Array;
  offset: U64;
  devMajor: number;
  devMinor: number;
  inode: U64;
}

export function newMappingFields(start: U64 = 0): MappingFields {
  return { start, end: 0, perms: new Uint8Array(32), offset: 0, devMajor: 0, devMinor: 0, inode: 0 };
}

/** How many of the seven fields matched (sscanf's return, without EOF). */
export function scanMappingLine(line: string, into: MappingFields): number {
  const end = line.length;
  const start = scanUnsigned(line, 0, end, 16);
  if (!start) return 0;
  into.start = start.value;
  if (line.charCodeAt(start.next) !== 0x2d) return 1;
  const stop = scanUnsigned(line, start.next + 1, end, 16);
  if (!stop) return 1;
  into.end = stop.value;
  const perms = scanToken(line, stop.next, end, 31);
  if (!perms) return 2;
  storeCString(into.perms, perms.token);
  const offset = scanUnsigned(line, perms.next, end, 16);
  if (!offset) return 3;
  into.offset = offset.value;
  const major = scanUnsigned(line, offset.next, end, 16);
  if (!major) return 4;
  into.devMajor = toU32(major.value);
  if (line.charCodeAt(major.next) !== 0x3a) return 5;
  const minor = scanUnsigned(line, major.next + 1, end, 16);
  if (!minor) return 5;
  into.devMinor = toU32(minor.value);
  const inode = scanUnsigned(line, minor.next, end, 10);
  if (!inode) return 6;
  into.inode = inode.value;
  return 7;
}

function storeCString(buffer: Uint8Array, token: string): void {
  for (let i = 0; i < token.length; i++) buffer[i] = token.charCodeAt(i);
  buffer[token.length] = 0;
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

/** smaps key lines start with an upper-case letter; mapping lines never do. */
export function isMappingHeader(line: string): boolean {
  const first = line.charCodeAt(0);
  return !(first >= 0x41 && first <= 0x5a);
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
