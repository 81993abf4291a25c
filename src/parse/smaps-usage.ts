/**
 * The lean smaps scanner of the exporter (metrics, serve) and of diff and
 * watch. Scraping hundreds of processes, or sampling a 60k-mapping one every
 * second, reads hundreds of megabytes of smaps, so instead of building the
 * full per-mapping model (parseSmaps: a Map per mapping) it keeps only the
 * totals those publish, testing each line's key by its first character. It
 * is fed line-aligned blocks (ProcFS.streamProcessFile), so a huge smaps is
 * never held whole. Values are kB, far below 2^53, so numbers are exact.
 */
import { MapsEntry, cStringOf, nameColumn, newMappingFields, scanMappingLine } from './maps.js';

/** The smaps fields a scrape publishes for one mapping, in kB. */
export interface UsageFields {
  rss: number;
  pss: number;
  privateClean: number;
  privateDirty: number;
  sharedClean: number;
  sharedDirty: number;
  swap: number;
  swapPss: number;
  anonymous: number;
  /** Whether VmFlags lists "ac" (charged to the commit limit); null without a VmFlags line. */
  accountable: boolean | null;
}

export interface ScannedMapping {
  entry: MapsEntry;
  fields: UsageFields;
}

const KEYS: ReadonlyArray<readonly [string, Exclude<keyof UsageFields, 'accountable'>]> = [
  ['Rss:', 'rss'], ['Pss:', 'pss'], ['Private_Clean:', 'privateClean'], ['Private_Dirty:', 'privateDirty'],
  ['Shared_Clean:', 'sharedClean'], ['Shared_Dirty:', 'sharedDirty'], ['Swap:', 'swap'], ['SwapPss:', 'swapPss'],
  ['Anonymous:', 'anonymous'],
];

/** Keys by first character, so most lines are rejected after one comparison. */
const BY_FIRST = new Map<number, Array<readonly [string, Exclude<keyof UsageFields, 'accountable'>]>>();
for (const key of KEYS) {
  const code = key[0].charCodeAt(0);
  BY_FIRST.set(code, [...(BY_FIRST.get(code) ?? []), key]);
}
const V = 'V'.charCodeAt(0);

function emptyFields(): UsageFields {
  return { rss: 0, pss: 0, privateClean: 0, privateDirty: 0, sharedClean: 0, sharedDirty: 0, swap: 0, swapPss: 0, anonymous: 0, accountable: null };
}

/** The decimal number after position `pos` (spaces skipped), as strtoul reads it; 0 when none. */
function numberAt(text: string, pos: number, end: number): number {
  while (pos < end && (text.charCodeAt(pos) === 0x20 || text.charCodeAt(pos) === 0x09)) pos++;
  let value = 0;
  for (; pos < end; pos++) {
    const digit = text.charCodeAt(pos) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

export class SmapsUsageScanner {
  private current: ScannedMapping | null = null;
  private readonly header = newMappingFields();

  constructor(private readonly onMapping: (mapping: ScannedMapping) => void) {}

  /** Scan a block of whole lines (the last may lack its newline at EOF). */
  feed(block: string): void {
    for (let pos = 0; pos < block.length; ) {
      let end = block.indexOf('\n', pos);
      if (end < 0) end = block.length;
      this.line(block, pos, end);
      pos = end + 1;
    }
  }

  /** Hand over the last mapping. */
  end(): void {
    if (this.current) this.onMapping(this.current);
    this.current = null;
  }

  private line(text: string, start: number, end: number): void {
    const first = text.charCodeAt(start);
    const candidates = BY_FIRST.get(first);
    if (candidates && this.current) {
      for (const [key, field] of candidates) {
        if (text.startsWith(key, start)) {
          this.current.fields[field] = numberAt(text, start + key.length, end);
          return;
        }
      }
    }
    if (first === V && this.current && text.startsWith('VmFlags:', start)) {
      this.current.fields.accountable = / ac(?= |$)/.test(text.slice(start + 8, end));
      return;
    }
    // Other keys start with a capital; a mapping header with a hex address
    // and all seven columns (the kernel always prints them in smaps).
    if (first >= 0x41 && first <= 0x5a) return;
    const header = this.header;
    if (scanMappingLine(text, header, start, end) < 7) return;
    const entry: MapsEntry = {
      start: header.start, end: header.end, perms: cStringOf(header.perms), offset: header.offset,
      devMajor: header.devMajor, devMinor: header.devMinor, inode: header.inode, name: nameColumn(text.slice(start, end)),
    };
    if (this.current) this.onMapping(this.current);
    this.current = { entry, fields: emptyFields() };
  }
}
