/**
 * A lean smaps reader for diff and watch: each mapping's header and the five
 * fields they total (Rss, Pss, Private_Clean, Private_Dirty, Swap), without
 * the per-mapping field maps of parseSmaps(). At 60k mappings smaps is ~45 MB
 * and is read once per watch sample, so this path avoids a Map and a regex
 * per line. Values are kB; they stay far below 2^53 kB, so numbers are exact.
 */
import { cStringOf, newMappingFields, nameColumn, scanMappingLine } from './maps.js';
import type { MapsEntry } from './maps.js';

export interface MeasuredMapping extends MapsEntry {
  rss: number;
  pss: number;
  privateClean: number;
  privateDirty: number;
  swap: number;
}

type Field = 'rss' | 'pss' | 'privateClean' | 'privateDirty' | 'swap';

/** The field a key line feeds, by its key including the colon. */
const FIELDS: ReadonlyArray<readonly [string, Field]> = [
  ['Rss:', 'rss'], ['Pss:', 'pss'], ['Private_Clean:', 'privateClean'], ['Private_Dirty:', 'privateDirty'], ['Swap:', 'swap'],
];

const startingWith = (letter: string): ReadonlyArray<readonly [string, Field]> => FIELDS.filter(([key]) => key[0] === letter);
const R_FIELDS = startingWith('R');
const P_FIELDS = startingWith('P');
const S_FIELDS = startingWith('S');
const NONE: ReadonlyArray<readonly [string, Field]> = [];

/** The decimal number after the key, skipping blanks; 0 when there is none. */
function numberAfter(text: string, pos: number, end: number): number {
  while (pos < end && (text.charCodeAt(pos) === 0x20 || text.charCodeAt(pos) === 0x09)) pos++;
  let value = 0;
  for (; pos < end; pos++) {
    const digit = text.charCodeAt(pos) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

export function parseSmapsMeasures(text: string): MeasuredMapping[] {
  const mappings: MeasuredMapping[] = [];
  const fields = newMappingFields();
  let current: MeasuredMapping | null = null;
  for (let pos = 0; pos < text.length; ) {
    const newline = text.indexOf('\n', pos);
    const end = newline < 0 ? text.length : newline;
    const first = text.charCodeAt(pos);
    if (first >= 0x41 && first <= 0x5a) {
      // A key line ("Rss:     12 kB"): only the five totals matter here.
      if (current) {
        // Only keys starting with R, P or S can be one of the five.
        const candidates = first === 0x52 ? R_FIELDS : first === 0x50 ? P_FIELDS : first === 0x53 ? S_FIELDS : NONE;
        for (const [key, field] of candidates) {
          if (text.startsWith(key, pos)) {
            current[field] = numberAfter(text, pos + key.length, end);
            break;
          }
        }
      }
    } else if (end > pos && scanMappingLine(text, fields, pos, end) >= 7) {
      const line = text.slice(pos, end);
      current = {
        start: fields.start, end: fields.end, perms: cStringOf(fields.perms), offset: fields.offset,
        devMajor: fields.devMajor, devMinor: fields.devMinor, inode: fields.inode, name: nameColumn(line),
        rss: 0, pss: 0, privateClean: 0, privateDirty: 0, swap: 0,
      };
      mappings.push(current);
    } else {
      current = null;
    }
    pos = end + 1;
  }
  return mappings;
}
