/**
 * Parsing of /proc/PID/smaps: the key lines as pmap -x scans them, and a
 * typed per-mapping model for the extensions and the library API.
 */
import { cStringEnds, fgetsEnd, scanUnsigned, skipSpace } from './cscan.js';
import { MapsEntry, isMappingHeader, parseMapsEntries } from './maps.js';
import { U64 } from './u64.js';

export interface SmapsKeyValue {
  key: string;
  value: U64;
}

/**
 * A key line as pmap -x reads it with "%20[^:]: %llu": up to 20 chars that
 * are not ':', a ':', then an unsigned decimal. Keys longer than 20 chars or
 * lines without a number do not match.
 */
export function scanSmapsKey(line: string): SmapsKeyValue | null {
  const end = line.length;
  let pos = 0;
  while (pos < end && pos < 20 && line.charCodeAt(pos) !== 0x3a) pos++;
  if (pos === 0 || pos >= end || line.charCodeAt(pos) !== 0x3a) return null;
  const number = scanUnsigned(line, skipSpace(line, pos + 1, end), end, 10);
  if (!number) return null;
  return { key: line.slice(0, pos), value: number.value };
}

/** One mapping of smaps, with every "Key: N kB" field the kernel listed. */
export interface SmapsMapping extends MapsEntry {
  /** Field name to value in kB (unitless fields such as THPeligible as is). */
  fields: Map<string, U64>;
  /** VmFlags two-letter codes, when the kernel lists them. */
  vmFlags?: string[];
}

/**
 * Parse smaps into typed mappings. Lines are attached to the mapping header
 * above them; key lines before any header are ignored.
 */
export function parseSmaps(text: string): SmapsMapping[] {
  const mappings: SmapsMapping[] = [];
  let current: SmapsMapping | null = null;
  const lineEndOf = cStringEnds(text);
  for (let pos = 0; pos < text.length; ) {
    const lineEnd = fgetsEnd(text, pos, Number.MAX_SAFE_INTEGER);
    const line = text.slice(pos, lineEndOf(pos, lineEnd)).replace(/\n$/, '');
    pos = lineEnd;
    if (isMappingHeader(line)) {
      const [entry] = parseMapsEntries(line);
      current = entry ? { ...entry, fields: new Map() } : null;
      if (current) mappings.push(current);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('VmFlags:')) {
      current.vmFlags = line.slice(8).trim().split(/\s+/).filter(Boolean);
      continue;
    }
    const pair = scanSmapsKey(line);
    if (pair) current.fields.set(pair.key, pair.value);
  }
  return mappings;
}
