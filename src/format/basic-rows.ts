/**
 * The pieces of pmap's default, -x and -d rows: the option types, the
 * permission accounting, the mapping name (SysV, stack, path) and the
 * printf() layouts of rows, headings and footers, as one_proc() prints them.
 * The state machine that feeds them lives in basic.ts.
 */
import type { MappingFields } from '../parse/maps.js';
import { U64, add, shr10 } from '../parse/u64.js';
import { justify, padLeft, padRight, zeroPad } from './columns.js';

export type BasicMode = 'default' | 'extended' | 'device';

export interface BasicOptions {
  mode: BasicMode;
  quiet: boolean;
  showPath: boolean;
  /** -A: null when no range was given. */
  range: { low: U64; high: U64 } | null;
  /** Field 28 of stat: a mapping containing it is "[ stack ]". */
  startStack: U64;
  /**
   * Device minor of SysV shared memory, or NO_SHM_MINOR. Read only for a
   * major-0 line containing "/SYSV", so a caller may compute it lazily
   * (a getter): finding it live can mean reading the target's maps again.
   */
  readonly shmMinor: number;
  /** -k: print the kernel's names ([heap], [vdso]) instead of "[ anon ]". */
  kernelNames?: boolean;
  /** isprint() per byte in pmap's locale, asked for when a line needs it; absent: C. */
  printable?: () => Uint8Array | null;
}

export interface Totals {
  shared: U64;
  privateWriteable: U64;
  privateReadonly: U64;
  rss: U64;
  sharedDirty: U64;
  privateDirty: U64;
}

/** Column widths pmap hard-codes for 64-bit longs. */
const ADDRESS_WIDTH = 16;
const EXTENDED_WIDTHS = { kbytes: 7, rss: 7, dirty: 7, mode: 5 };
const DEVICE_WIDTHS = { kbytes: 7, mode: 5, offset: 16, device: 9 };

/** perms[3] 's' counts as shared, 'p' as private and is shown as '-'. */
export function accountPerms(perms: Uint8Array, diff: U64, totals: Totals | null): void {
  // Without totals the size was counted already (format/wasm-module.ts): only the printed perms change.
  if (totals && perms[3] === 0x73) totals.shared = add(totals.shared, diff);
  if (perms[3] === 0x70) {
    perms[3] = 0x2d;
    if (totals && perms[1] === 0x77) totals.privateWriteable = add(totals.privateWriteable, diff);
    else if (totals) totals.privateReadonly = add(totals.privateReadonly, diff);
  }
  // The fifth column is always '-' (Solaris' reserved-swap 'R' flag).
  perms[4] = 0x2d;
  perms[5] = 0;
}

/** "%016lx" of the start address, from the line's own digits when it can. */
function startColumn(fields: MappingFields): string {
  return zeroPad(fields.startDigits ?? fields.start.toString(16), ADDRESS_WIDTH);
}

/** The perms C string; accountPerms() put a NUL at index 5. */
function permsText(perms: Uint8Array): string {
  if (perms[0] && perms[1] && perms[2] && perms[3] && perms[4]) {
    return String.fromCharCode(perms[0], perms[1], perms[2], perms[3], perms[4]);
  }
  let text = '';
  for (let i = 0; i < perms.length && perms[i] !== 0; i++) text += String.fromCharCode(perms[i]!);
  return text;
}

/**
 * A mapping's name as pmap prints it. When the name is a pointer into the
 * line buffer (a path), `offset` says where, because -x prints it only
 * after later lines have been read into the same buffer.
 */
export interface MappingName {
  text: string;
  offset: number | null;
}

export function mappingName(line: string, fields: MappingFields, diff: U64, options: BasicOptions): MappingName {
  if (fields.devMajor === 0 && line.includes('/SYSV') && fields.devMinor === options.shmMinor) {
    return { text: `  [ shmid=0x${fields.inode.toString(16)} ]`, offset: null };
  }
  const lastSlash = line.lastIndexOf('/');
  if (lastSlash >= 0) {
    // -p prints from the first '/' of the whole line; otherwise the text
    // after the last '/', or "/" itself when the line ends with one.
    const offset = options.showPath ? line.indexOf('/') : lastSlash + 1 < line.length ? lastSlash + 1 : lastSlash;
    return { text: line.slice(offset), offset };
  }
  // -k (procps-ng 4.0.6): a name ending in ']' prints from its first '['.
  if (options.kernelNames && line.endsWith(']')) {
    const open = line.indexOf('[');
    if (open >= 0) return { text: line.slice(open), offset: open };
  }
  const stack = options.startStack;
  const inStack = stack >= fields.start && stack <= add(fields.start, diff);
  return { text: inStack ? '  [ stack ]' : '  [ anon ]', offset: null };
}

/**
 * The -x row waiting for its Swap line. pmap's cp2 points into the line
 * buffer, so if a later line is long enough to reach the name's offset,
 * the printed name is what the buffer holds by then, not the original.
 */
export class PendingExtended {
  name: string | null = null;
  /** Its name read a device or inode no line had assigned. */
  nameUndefined = false;
  rss: U64 = 0;
  sharedDirty: U64 = 0;
  privateDirty: U64 = 0;
  private offset: number | null = null;
  private header = '';
  private writes: string[] = [];

  /** `bufferText` is the line buffer's content as pmap left it after cleaning. */
  remember(name: MappingName, bufferText: string): void {
    this.name = name.text;
    this.offset = name.offset;
    this.header = bufferText;
    this.writes = [];
  }

  /** A line that fgets() wrote over the buffer; only long ones reach the name. */
  overwrittenBy(text: string, start: number, end: number): void {
    if (this.offset !== null && end - start >= this.offset) this.writes.push(text.slice(start, end));
  }

  /** A new mapping line whose name the byte path keeps (format/extended-bytes.ts). */
  forgetName(): void {
    this.name = null;
    this.offset = null;
    this.writes = [];
  }

  /** Where the name sits in the line buffer, null for a label. */
  get nameOffset(): number | null {
    return this.offset;
  }

  reset(fields: MappingFields): void {
    this.name = null;
    this.offset = null;
    this.writes = [];
    this.rss = this.sharedDirty = this.privateDirty = 0;
    fields.perms[0] = 0;
  }

  render(fields: MappingFields, diff: U64): string {
    const name = this.offset !== null && this.writes.length > 0 ? this.overlaidName(this.offset) : this.name!;
    return (
      `${startColumn(fields)} ${padLeft(String(shr10(diff)), EXTENDED_WIDTHS.kbytes)} ` +
      `${padLeft(String(this.rss), EXTENDED_WIDTHS.rss)} ${padLeft(String(add(this.privateDirty, this.sharedDirty)), EXTENDED_WIDTHS.dirty)} ` +
      `${padLeft(permsText(fields.perms), EXTENDED_WIDTHS.mode)} ${name}\n`
    );
  }

  /** Replay the buffer writes since the header to read the C string at offset. */
  private overlaidName(offset: number): string {
    const layers = [this.header + '\0', ...this.writes.map((chunk) => chunk + '\0')];
    let text = '';
    for (let pos = offset; ; pos++) {
      let byte = 0;
      for (let i = layers.length - 1; i >= 0; i--) {
        if (pos < layers[i]!.length) {
          byte = layers[i]!.charCodeAt(pos);
          break;
        }
      }
      if (byte === 0) return text;
      text += String.fromCharCode(byte);
    }
  }
}

export function defaultLine(fields: MappingFields, diff: U64, name: string): string {
  return `${startColumn(fields)} ${padLeft(String(shr10(diff)), 6)}K ${permsText(fields.perms)} ${name}\n`;
}

export function deviceLine(fields: MappingFields, diff: U64, name: string): string {
  const w = DEVICE_WIDTHS;
  return (
    `${startColumn(fields)} ${padLeft(String(shr10(diff)), w.kbytes)} ` +
    `${padLeft(permsText(fields.perms), w.mode)} ${zeroPad(fields.offset.toString(16), w.offset)} ` +
    `${zeroPad(fields.devMajor.toString(16), 3)}:${zeroPad(fields.devMinor.toString(16), 5)} ${name}\n`
  );
}

export function headerLine(mode: BasicMode): string {
  if (mode === 'extended') {
    return (
      justify('Address', ADDRESS_WIDTH, 'left') + justify('Kbytes', EXTENDED_WIDTHS.kbytes, 'right') +
      justify('RSS', EXTENDED_WIDTHS.rss, 'right') + justify('Dirty', EXTENDED_WIDTHS.dirty, 'right') +
      justify('Mode', EXTENDED_WIDTHS.mode, 'left') + 'Mapping\n'
    );
  }
  if (mode === 'device') {
    return (
      justify('Address', ADDRESS_WIDTH, 'left') + justify('Kbytes', DEVICE_WIDTHS.kbytes, 'right') +
      justify('Mode', DEVICE_WIDTHS.mode, 'left') + justify('Offset', DEVICE_WIDTHS.offset, 'left') +
      justify('Device', DEVICE_WIDTHS.device, 'left') + 'Mapping\n'
    );
  }
  return '';
}

export function footer(mode: BasicMode, totals: Totals): string {
  const mapped = shr10(add(add(totals.shared, totals.privateWriteable), totals.privateReadonly));
  if (mode === 'extended') {
    const dashes =
      justify('-'.repeat(ADDRESS_WIDTH), ADDRESS_WIDTH, 'left') + justify('-------', EXTENDED_WIDTHS.kbytes, 'right') +
      justify('-------', EXTENDED_WIDTHS.rss, 'right') + justify('-------', EXTENDED_WIDTHS.dirty, 'right');
    return (
      `${dashes}\n${padRight('total kB', ADDRESS_WIDTH)} ${padLeft(String(mapped), EXTENDED_WIDTHS.kbytes)} ` +
      `${padLeft(String(totals.rss), EXTENDED_WIDTHS.rss)} ${padLeft(String(add(totals.sharedDirty, totals.privateDirty)), EXTENDED_WIDTHS.dirty)}\n`
    );
  }
  if (mode === 'device') {
    return `mapped: ${mapped}K    writeable/private: ${shr10(totals.privateWriteable)}K    shared: ${shr10(totals.shared)}K\n`;
  }
  return ` total ${padLeft(String(mapped), 16)}K\n`;
}
