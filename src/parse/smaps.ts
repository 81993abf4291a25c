/**
 * Parsing of /proc/PID/smaps into a typed per-mapping model for the
 * extensions and the library API.
 */
import { cStringEnds, decimalValue } from './cscan.js';
import { MapsEntry, isMappingHeader, parseMapsEntries } from './maps.js';
import { isFieldName, newFieldLine, scanFieldLine } from './smaps-line.js';
import { U64 } from './u64.js';

/**
 * One mapping of smaps with every field the kernel listed: the typed model
 * behind --json, --summary and the library API (pmap's own modes use the
 * line emulation in src/format instead).
 */
export interface SmapsMapping extends MapsEntry {
  /** "Key: N kB" lines, in the kernel's order. */
  kB: Map<string, U64>;
  /** Numeric lines without a unit (THPeligible, ProtectionKey, ...). */
  values: Map<string, U64>;
  /** VmFlags two-letter codes, when the kernel lists them. */
  vmFlags?: string[];
}

/**
 * Parse smaps (or maps, giving mappings without fields) keeping every field
 * whatever its length, unlike pmap's 20-character "%20[^:]" scan. Values too
 * large for 64 bits saturate, as strtoull() makes them in pmap. A line is
 * read up to a NUL byte, as C reads it; key lines before any mapping are
 * ignored.
 */
export function parseSmaps(text: string): SmapsMapping[] {
  const mappings: SmapsMapping[] = [];
  let current: SmapsMapping | null = null;
  const lineEndOf = cStringEnds(text);
  const field = newFieldLine();
  for (let pos = 0; pos < text.length; ) {
    const newline = text.indexOf('\n', pos);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(pos, lineEndOf(pos, lineEnd));
    pos = lineEnd + 1;
    if (isMappingHeader(line)) {
      const [entry] = parseMapsEntries(line);
      current = entry ? { ...entry, kB: new Map(), values: new Map() } : null;
      if (current) mappings.push(current);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('VmFlags:')) {
      current.vmFlags = line.slice(8).trim().split(/\s+/).filter(Boolean);
      continue;
    }
    // "Name: N kB" or "Name: N" and nothing more, with a name of any length.
    const count = scanFieldLine(line, 0, line.length, Infinity, Infinity, field);
    if (count !== 2 || field.next !== line.length || !isFieldName(line, 0, field.keyEnd)) continue;
    const value = decimalValue(line, field.valueStart, field.valueEnd);
    (field.kB ? current.kB : current.values).set(line.slice(0, field.keyEnd), value);
  }
  return mappings;
}
