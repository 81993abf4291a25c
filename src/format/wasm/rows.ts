/**
 * AssemblyScript, compiled to WebAssembly by scripts/wasm.mjs for
 * format/wasm-module.ts: pmap's default, -d and -x rows from kernel-formatted
 * lines. WebAssembly runs at full speed from its first line (Liftoff
 * compiles this in under a millisecond), where the same loops in JavaScript
 * spent the first ~25 ms of a 60,000-mapping run interpreted while TurboFan
 * compiled them.
 *
 * Anything unusual is left to the caller's JavaScript (BasicBytes,
 * ExtendedBytes and the exact emulation behind them): runMaps() stops
 * before a line it does not take, runSmaps() before a mapping whose lines
 * are not all plain. Totals are unsigned 64-bit sums that wrap, as pmap's.
 *
 * Memory: rows are written at OUT_AT (out.ts); the caller copies its block
 * to IN_AT, a newline after it as a sentinel, and grows the memory to fit.
 */
import {
  DECLINE, FGETS_LINE_MAX, end, major, minor, nameStart, offsetFrom, offsetTo, permsAt, scanMappingLine, setNameOptions, start, startTo,
} from './line';
import { OUT_AT, OUT_BYTES, ROW_MAX, outAt, outputFull, put, putDecimal, putHex, putName, putPerms, putZeroPadded, resetOutput, setOutput } from './out';

export const IN_AT: u32 = OUT_AT + OUT_BYTES + ROW_MAX;

/** Why a run stopped. */
export const STOP_NO_NEWLINE: i32 = 0;
export const STOP_OUTPUT_FULL: i32 = 1;
export const STOP_DECLINED: i32 = 2;

let device = false;
let stopReason: i32 = STOP_NO_NEWLINE;
let rowCount: u32 = 0;
let lineCount: u32 = 0;
let lastLineAt: u32 = 0;
let totalShared: u64 = 0;
let totalPrivateWriteable: u64 = 0;
let totalPrivateReadonly: u64 = 0;
let totalRss: u64 = 0;
let totalSharedDirty: u64 = 0;
let totalPrivateDirty: u64 = 0;

/** One process's options; clears the totals and the output. */
export function configure(deviceMode: bool, fullPath: bool, kernel: bool, stack: u64): void {
  device = deviceMode;
  setNameOptions(fullPath, kernel, stack);
  totalShared = totalPrivateWriteable = totalPrivateReadonly = 0;
  totalRss = totalSharedDirty = totalPrivateDirty = 0;
  resetOutput();
}

export function outputStart(): u32 { return OUT_AT; }
export function outputEnd(): u32 { return outAt; }
export function takeOutput(): void { resetOutput(); }
export function reason(): i32 { return stopReason; }
/** Rows (mappings) the last run wrote, the lines they took (runSmaps only), and where the last one's line began. */
export function rows(): u32 { return rowCount; }
export function lines(): u32 { return lineCount; }
export function lastRowLine(): u32 { return lastLineAt; }
/** The totals (pmap's total_shared, total_private_writeable, ...) since configure(). */
export function total(which: i32): u64 {
  switch (which) {
    case 0: return totalShared;
    case 1: return totalPrivateWriteable;
    case 2: return totalPrivateReadonly;
    case 3: return totalRss;
    case 4: return totalSharedDirty;
    default: return totalPrivateDirty;
  }
}

/** accountPerms(): perms[3] 's' counts as shared, 'p' as private, writeable or not. */
function accountPerms(diff: u64): void {
  const shareMode = load<u8>(permsAt + 3);
  if (shareMode == 0x73) totalShared += diff;
  if (shareMode == 0x70) {
    if (load<u8>(permsAt + 1) == 0x77) totalPrivateWriteable += diff;
    else totalPrivateReadonly += diff;
  }
}

/**
 * Default and -d rows for the whole lines in [from, to). Stops before a
 * line it does not take (STOP_DECLINED), when the output may not hold
 * another row (STOP_OUTPUT_FULL), or where no newline follows
 * (STOP_NO_NEWLINE), and returns that line's start.
 */
export function runMaps(from: u32, to: u32): u32 {
  let pos = from;
  rowCount = 0;
  stopReason = STOP_NO_NEWLINE;
  while (pos < to) {
    if (outputFull()) {
      stopReason = STOP_OUTPUT_FULL;
      return pos;
    }
    const nl = scanMappingLine(pos, to);
    if (nl == DECLINE) {
      stopReason = hasNewline(pos, to) ? STOP_DECLINED : STOP_NO_NEWLINE;
      return pos;
    }
    const diff = end - start;
    accountPerms(diff);
    // "%016lx %6luK %s %s\n", or -d's "%016lx %7lu %5s %016llx %03x:%05x %s\n".
    let o = putZeroPadded(outAt, pos, startTo, 16);
    o = put(o, 0x20);
    o = putDecimal(o, diff >> 10, device ? 7 : 6);
    if (!device) o = put(o, 0x4b);
    o = putPerms(put(o, 0x20));
    if (device) {
      o = put(putZeroPadded(o, offsetFrom, offsetTo, 16), 0x20);
      o = put(putHex(o, major, 3), 0x3a);
      o = put(putHex(o, minor, 5), 0x20);
    }
    setOutput(putName(o, nameStart(pos, nl), nl));
    rowCount++;
    lastLineAt = pos;
    pos = nl + 1;
  }
  return pos;
}

function hasNewline(pos: u32, to: u32): bool {
  while (pos < to && load<u8>(pos) != 0x0a) pos++;
  return pos < to;
}

/** The four keys -x reads (parse/smaps-fast.ts's KEY_*). */
const KEY_OTHER = 0;
const KEY_RSS = 1;
const KEY_SHARED_DIRTY = 2;
const KEY_PRIVATE_DIRTY = 3;
const KEY_SWAP = 4;
/** Where each key's value padding starts: past "Rss:", "Shared_Dirty:", "Private_Dirty:", "Swap:". */
const VALUE_FROM: StaticArray<u32> = [0, 4, 13, 14, 5];

/** kernelKeyAt() of parse/smaps-fast.ts, for the key line [pos, nl). */
function keyAt(pos: u32, nl: u32): i32 {
  const first = load<u8>(pos);
  const length = nl - pos;
  if (first == 0x52) return length >= 4 && load<u8>(pos + 1) == 0x73 && load<u8>(pos + 2) == 0x73 && load<u8>(pos + 3) == 0x3a ? KEY_RSS : KEY_OTHER;
  if (first == 0x53) {
    if (load<u8>(pos + 1) == 0x77) {
      return length >= 5 && load<u8>(pos + 2) == 0x61 && load<u8>(pos + 3) == 0x70 && load<u8>(pos + 4) == 0x3a ? KEY_SWAP : KEY_OTHER;
    }
    return length >= 13 && matches(pos, 'Shared_Dirty:') ? KEY_SHARED_DIRTY : KEY_OTHER;
  }
  if (first == 0x50) return length >= 14 && matches(pos, 'Private_Dirty:') ? KEY_PRIVATE_DIRTY : KEY_OTHER;
  return KEY_OTHER;
}

function matches(pos: u32, tag: string): bool {
  for (let i = 0; i < tag.length; i++) if (<u32>load<u8>(pos + <u32>i) != <u32>tag.charCodeAt(i)) return false;
  return true;
}

/** kernelKeyValue(): " %llu" when plain (spaces, then 1-15 digits), else -1. */
function keyValue(from: u32, nl: u32): i64 {
  let at = from;
  while (at < nl && load<u8>(at) == 0x20) at++;
  const digitsFrom = at;
  let value: i64 = 0;
  while (at < nl && <u32>load<u8>(at) - 0x30 < 10) {
    value = value * 10 + <i64>(load<u8>(at) - 0x30);
    at++;
  }
  return at == digitsFrom || at - digitsFrom > 15 ? -1 : value;
}

/** What mapping() returns when the block ends before the mapping does (and more is to come). */
const INCOMPLETE: u32 = 0xfffffffe;

/**
 * -x rows for the whole mappings in [from, to): a mapping line and its key
 * lines, up to the next line that is not a key line (or the end of the
 * file, with `eof`). Stops before a mapping it does not take
 * (STOP_DECLINED), when the output may not hold another row
 * (STOP_OUTPUT_FULL), or before a mapping the block does not hold whole
 * (STOP_NO_NEWLINE), and returns that mapping's start.
 */
export function runSmaps(from: u32, to: u32, eof: bool): u32 {
  let pos = from;
  rowCount = 0;
  lineCount = 0;
  stopReason = STOP_NO_NEWLINE;
  while (pos < to) {
    if (outputFull()) {
      stopReason = STOP_OUTPUT_FULL;
      return pos;
    }
    const next = mapping(pos, to, eof);
    if (next == INCOMPLETE) return pos;
    if (next == DECLINE) {
      stopReason = STOP_DECLINED;
      return pos;
    }
    rowCount++;
    lastLineAt = pos;
    pos = next;
  }
  return pos;
}

/**
 * One mapping of -x: taken only when every line is plain, so that pmap
 * would print it as the rows here do. Its mapping line is kernel-formatted;
 * Rss, Shared_Dirty and Private_Dirty come before Swap, whose line prints
 * the row, and none of the four comes after it; no key line reaches the
 * name's offset (pmap prints the name from its line buffer, cp2, after
 * fgets() has read the key lines over it); every line ends with a newline.
 * Returns the position after it, DECLINE or INCOMPLETE (nothing kept).
 */
function mapping(pos: u32, to: u32, eof: bool): u32 {
  const nl = scanMappingLine(pos, to);
  if (nl == DECLINE) return hasNewline(pos, to) || eof ? DECLINE : INCOMPLETE;
  const from = nameStart(pos, nl);
  // A line of n bytes writes mapbuf[0..n], its NUL at n: it changes a name at offset o once n >= o.
  const keyLineMax: u32 = from >= 0 ? min(FGETS_LINE_MAX, <u32>from - pos - 1) : FGETS_LINE_MAX;
  const rowAt = outAt;
  let rss: u64 = 0;
  let sharedDirty: u64 = 0;
  let privateDirty: u64 = 0;
  let seen = 0;
  let printed = false;
  let count: u32 = 1;
  let at = nl + 1;
  while (at < to && <u32>load<u8>(at) - 0x41 < 26) {
    let lineEnd = at;
    while (load<u8>(lineEnd) != 0x0a) lineEnd++;
    if (lineEnd >= to) break;
    const key = lineEnd - at < keyLineMax ? keyAt(at, lineEnd) : -1;
    if (key != KEY_OTHER) {
      const value = key < 0 || printed ? -1 : keyValue(at + VALUE_FROM[key], lineEnd);
      if (value < 0 || (key == KEY_SWAP && seen != 7)) return undo(rowAt, DECLINE);
      if (key == KEY_RSS) {
        rss = value;
        seen |= 1;
      } else if (key == KEY_SHARED_DIRTY) {
        sharedDirty = value;
        seen |= 2;
      } else if (key == KEY_PRIVATE_DIRTY) {
        privateDirty = value;
        seen |= 4;
      } else {
        extendedRow(pos, nl, from, rss, sharedDirty + privateDirty);
        printed = true;
      }
    }
    count++;
    at = lineEnd + 1;
  }
  if (at < to && <u32>load<u8>(at) - 0x41 < 26) return undo(rowAt, eof ? DECLINE : INCOMPLETE);
  if (at >= to && !eof) return undo(rowAt, INCOMPLETE);
  if (!printed) return undo(rowAt, DECLINE);
  accountPerms(end - start);
  totalRss += rss;
  totalSharedDirty += sharedDirty;
  totalPrivateDirty += privateDirty;
  lineCount += count;
  return at;
}

/** Drop a mapping's row already written. */
function undo(rowAt: u32, answer: u32): u32 {
  setOutput(rowAt);
  return answer;
}

/** "%016lx %7lu %7llu %7llu %5s %s\n" for the mapping line just scanned. */
function extendedRow(pos: u32, nl: u32, from: i32, rss: u64, dirty: u64): void {
  let o = put(putZeroPadded(outAt, pos, startTo, 16), 0x20);
  o = put(putDecimal(o, (end - start) >> 10, 7), 0x20);
  o = put(putDecimal(o, rss, 7), 0x20);
  o = put(putDecimal(o, dirty, 7), 0x20);
  setOutput(putName(putPerms(o), from, nl));
}

export * from './table';
export * from './print';
