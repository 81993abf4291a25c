/**
 * AssemblyScript (see rows.ts): the -X, -XX and -c table's rows, from the
 * record stream (format/table/store.ts) that the caller copies to IN_AT, as
 * format/table/print.ts's printSegment() writes them: every span
 * right-aligned in its column's width ("%*s"), a field a mapping lacks
 * showing the value before it, the VmFlags shown the last ones read.
 */
import { LINES_MAX } from './table';
import { outAt, setOutput } from './out';

/** Widths of the shown header columns and of the field columns; where each field's shown value is. */
const HEADER_WIDTHS = memory.data(5 * 4);
const FIELD_WIDTHS = memory.data(LINES_MAX * 4);
const VALUE_AT = memory.data(LINES_MAX * 4);

let headerCount: u32 = 0;
let fieldCount: u32 = 0;
let showMapping = false;
let storesFlags = false;
let showFlags = false;
let flagsWidth: u32 = 0;
/** What putRight() may write past a row's end. */
export const ROW_SLACK: u32 = 32;

/** The longest row (with ROW_SLACK), and where the output must stop (the input's start). */
let rowMax: u32 = 0;
let outLimit: u32 = 0;

let readAt: u32 = 0;
let rowsLeft: u32 = 0;
let flagsAt: u32 = 0;

/** The table's columns; the widths go in with setHeaderWidth() and setFieldWidth(). */
export function configurePrint(headers: u32, fields: u32, mapping: bool, stores: bool, flags: bool, widthOfFlags: u32, longestRow: u32, limit: u32): void {
  headerCount = headers;
  fieldCount = fields;
  showMapping = mapping;
  storesFlags = stores;
  showFlags = flags;
  flagsWidth = widthOfFlags;
  rowMax = longestRow + ROW_SLACK;
  outLimit = limit;
}

export function setHeaderWidth(i: u32, width: u32): void { store<u32>(HEADER_WIDTHS + i * 4, width); }
export function setFieldWidth(k: u32, width: u32): void { store<u32>(FIELD_WIDTHS + k * 4, width); }
export function setValueAt(k: u32, at: u32): void { store<u32>(VALUE_AT + k * 4, at); }
export function valueAt(k: u32): u32 { return load<u32>(VALUE_AT + k * 4); }
export function printFlagsAt(): u32 { return flagsAt; }

/** `mappings` rows from the record at `at`, the flags shown so far at `flags`. */
export function startPrint(at: u32, mappings: u32, flags: u32): void {
  readAt = at;
  rowsLeft = mappings;
  flagsAt = flags;
}

/** Rows into the output area until it may not hold another: the rows still to print. */
export function printRows(): u32 {
  let r = readAt;
  let o = outAt;
  while (rowsLeft > 0 && o + rowMax <= outLimit) {
    for (let i: u32 = 0; i < headerCount; i++) {
      if (i > 0) store<u8>(o++, 0x20);
      o = putRight(o, r, load<u32>(HEADER_WIDTHS + i * 4));
      r += 1 + <u32>load<u8>(r);
    }
    const nameAt = r;
    if (showMapping) r += 1 + <u32>load<u8>(r);
    const count = load<u32>(r);
    r += 4;
    for (let k: u32 = 0; k < count; k++) {
      store<u32>(VALUE_AT + k * 4, r);
      r += 1 + <u32>load<u8>(r);
    }
    if (storesFlags) {
      if (load<u8>(r) != 0xff) {
        flagsAt = r;
        r += 1 + <u32>load<u8>(r);
      } else {
        r++;
      }
    }
    for (let k: u32 = 0; k < fieldCount; k++) {
      store<u8>(o++, 0x20);
      o = putRight(o, load<u32>(VALUE_AT + k * 4), load<u32>(FIELD_WIDTHS + k * 4));
    }
    if (showFlags) {
      store<u8>(o++, 0x20);
      o = putRight(o, flagsAt, flagsWidth);
    }
    if (showMapping) {
      store<u8>(o++, 0x20);
      o = putRight(o, nameAt, 0);
    }
    store<u8>(o++, 0x0a);
    rowsLeft--;
  }
  readAt = r;
  setOutput(o);
  return rowsLeft;
}

/** Eight spaces, for padding eight bytes at a time. */
const SPACES: u64 = 0x2020202020202020;

/**
 * printf("%*s", width, span) of the span at r, at o: where it ends. Pads
 * and spans of up to 16 bytes (nearly all) move eight bytes at a time and
 * may write up to 16 bytes past the end, which what follows overwrites
 * (ROW_SLACK keeps the last row's within the output area).
 */
function putRight(o: u32, r: u32, width: u32): u32 {
  const length = <u32>load<u8>(r);
  if (width > length) {
    const padEnd = o + width - length;
    for (let at = o; at < padEnd; at += 8) store<u64>(at, SPACES);
    o = padEnd;
  }
  if (length <= 16) {
    store<u64>(o, load<u64>(r + 1));
    store<u64>(o + 8, load<u64>(r + 9));
  } else {
    memory.copy(o, r + 1, length);
  }
  return o + length;
}
