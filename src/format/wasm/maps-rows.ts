/**
 * AssemblyScript, compiled to WebAssembly by scripts/wasm.mjs: the rows of
 * pmap's default and -d listings from kernel-formatted maps lines, for
 * format/wasm-rows.ts. WebAssembly runs at full speed from its first line
 * (Liftoff compiles it in under a millisecond), where the same loop in
 * JavaScript spent its first ~25 ms of a 60,000-mapping run interpreted
 * while TurboFan compiled it.
 *
 * It takes exactly the lines parse/maps-fast.ts's scanKernelMapsLine()
 * takes, minus those BasicBytes also sends to the exact path (end below
 * start, a major-0 "/SYSV" name), and stops at any other line, so that the
 * caller handles it; test/unit/wasm-rows.test.ts holds the two to the same
 * answers. Totals are unsigned 64-bit sums that wrap, as pmap's are.
 *
 * Memory: rows are written at OUT_AT; the caller copies its block to
 * IN_AT and grows the memory to fit.
 */

const OUT_AT: u32 = 64 * 1024;
const OUT_BYTES: u32 = 256 * 1024;
/** Room for one row: the fields, and a name of at most 1023 bytes. */
const ROW_MAX: u32 = 1200;
export const IN_AT: u32 = OUT_AT + OUT_BYTES + ROW_MAX;

/** fgets(mapbuf, 1024, ...) reads at most 1023 bytes of a line at once. */
const FGETS_LINE_MAX: u32 = 1023;
/** The digit limits of scanKernelMapsLine (values stay exact as doubles there). */
const HEX_DIGITS_MAX: u32 = 13;
const DEVICE_DIGITS_MAX: u32 = 7;
const DEC_DIGITS_MAX: u32 = 15;

/** Why run() stopped. */
export const STOP_NO_NEWLINE: i32 = 0;
export const STOP_OUTPUT_FULL: i32 = 1;
export const STOP_DECLINED: i32 = 2;

let device = false;
let showPath = false;
let kernelNames = false;
let startStack: u64 = 0;

let outAt: u32 = OUT_AT;
let stopReason: i32 = STOP_NO_NEWLINE;
let rowCount: u32 = 0;
let lastLineAt: u32 = 0;
let totalShared: u64 = 0;
let totalPrivateWriteable: u64 = 0;
let totalPrivateReadonly: u64 = 0;

/** One process's options; clears the totals and the output. */
export function configure(deviceMode: bool, fullPath: bool, kernel: bool, stack: u64): void {
  device = deviceMode;
  showPath = fullPath;
  kernelNames = kernel;
  startStack = stack;
  totalShared = 0;
  totalPrivateWriteable = 0;
  totalPrivateReadonly = 0;
  outAt = OUT_AT;
}

export function outputStart(): u32 { return OUT_AT; }
export function outputEnd(): u32 { return outAt; }
export function takeOutput(): void { outAt = OUT_AT; }
export function reason(): i32 { return stopReason; }
/** Rows written by the last run(), and where the last of their lines began. */
export function rows(): u32 { return rowCount; }
export function lastRowLine(): u32 { return lastLineAt; }
export function sharedTotal(): u64 { return totalShared; }
export function privateWriteableTotal(): u64 { return totalPrivateWriteable; }
export function privateReadonlyTotal(): u64 { return totalPrivateReadonly; }

@inline function hexDigit(code: u32): i32 {
  if (code - 0x30 < 10) return <i32>(code - 0x30);
  if (code - 0x61 < 6) return <i32>(code - 0x57);
  return -1;
}

/** Where the last hexField() stopped. */
let fieldEnd: u32 = 0;

/** The hex digits from `at` and their value (meaningless past 16 digits); fieldEnd is one past them. */
@inline function hexField(at: u32): u64 {
  let value: u64 = 0;
  let digit: i32;
  while ((digit = hexDigit(load<u8>(at))) >= 0) {
    value = (value << 4) | <u64>digit;
    at++;
  }
  fieldEnd = at;
  return value;
}

/** What row() returns for a line it does not take. */
const DECLINE: u32 = 0xffffffff;

/**
 * Rows for the whole lines in [from, to), where the caller put a newline at
 * `to` as a sentinel. Stops before a line it does not take (STOP_DECLINED),
 * when the output has no room for another row (STOP_OUTPUT_FULL), or where
 * no newline follows (STOP_NO_NEWLINE), and returns that line's start.
 */
export function run(from: u32, to: u32): u32 {
  let pos = from;
  rowCount = 0;
  stopReason = STOP_NO_NEWLINE;
  while (pos < to) {
    if (outAt > OUT_AT + OUT_BYTES) {
      stopReason = STOP_OUTPUT_FULL;
      return pos;
    }
    const nl = row(pos, to);
    if (nl == DECLINE) {
      let end = pos;
      while (end < to && load<u8>(end) != 0x0a) end++;
      if (end < to) stopReason = STOP_DECLINED;
      return pos;
    }
    rowCount++;
    lastLineAt = pos;
    pos = nl + 1;
  }
  return pos;
}

/** One line from pos: its newline's index, or DECLINE (and nothing written) when it is not taken. */
function row(pos: u32, to: u32): u32 {
  const start = hexField(pos);
  const startTo = fieldEnd;
  if (startTo == pos || startTo - pos > HEX_DIGITS_MAX || load<u8>(startTo) != 0x2d) return DECLINE;
  const endFrom = startTo + 1;
  const end = hexField(endFrom);
  const endTo = fieldEnd;
  if (endTo == endFrom || endTo - endFrom > HEX_DIGITS_MAX || load<u8>(endTo) != 0x20) return DECLINE;
  const permsAt = endTo + 1;
  for (let i: u32 = 0; i < 4; i++) {
    const code = load<u8>(permsAt + i);
    if (code <= 0x20 || code >= 0x7f) return DECLINE;
  }
  if (load<u8>(permsAt + 4) != 0x20) return DECLINE;
  const offsetFrom = permsAt + 5;
  hexField(offsetFrom);
  const offsetTo = fieldEnd;
  if (offsetTo == offsetFrom || offsetTo - offsetFrom > HEX_DIGITS_MAX || load<u8>(offsetTo) != 0x20) return DECLINE;
  const majorFrom = offsetTo + 1;
  const major = <u32>hexField(majorFrom);
  const majorTo = fieldEnd;
  if (majorTo == majorFrom || majorTo - majorFrom > DEVICE_DIGITS_MAX || load<u8>(majorTo) != 0x3a) return DECLINE;
  const minorFrom = majorTo + 1;
  const minor = <u32>hexField(minorFrom);
  const minorTo = fieldEnd;
  if (minorTo == minorFrom || minorTo - minorFrom > DEVICE_DIGITS_MAX || load<u8>(minorTo) != 0x20) return DECLINE;
  const inodeFrom = minorTo + 1;
  let at = inodeFrom;
  while (<u32>load<u8>(at) - 0x30 < 10) at++;
  let code = <u32>load<u8>(at);
  if (at == inodeFrom || at - inodeFrom > DEC_DIGITS_MAX || (code != 0x0a && code != 0x20)) return DECLINE;
  while (load<u8>(at) == 0x20) at++;
  const nameFrom = at;
  // Printable in any locale, so pmap's "?" sanitising has nothing to do.
  let firstSlash: i32 = -1;
  let lastSlash: i32 = -1;
  while ((code = load<u8>(at)) != 0x0a) {
    if (code < 0x20 || code > 0x7e) return DECLINE;
    if (code == 0x2f) {
      if (firstSlash < 0) firstSlash = <i32>at;
      lastSlash = <i32>at;
    }
    at++;
  }
  const nl = at;
  if (nl >= to || nl - pos + 1 > FGETS_LINE_MAX || end < start) return DECLINE;
  // SysV shared memory is named from the inode: the caller's exact path.
  if (major == 0 && hasSysvMarker(nameFrom, nl)) return DECLINE;
  const diff = end - start;
  const shareMode = load<u8>(permsAt + 3);
  if (shareMode == 0x73) totalShared += diff;
  if (shareMode == 0x70) {
    if (load<u8>(permsAt + 1) == 0x77) totalPrivateWriteable += diff;
    else totalPrivateReadonly += diff;
  }
  writeRow(pos, startTo, diff, permsAt, offsetFrom, offsetTo, major, minor);
  writeName(pos, nl, nameFrom, firstSlash, lastSlash, start, end);
  return nl;
}

/** "%016lx %6luK %s " or -d's "%016lx %7lu %5s %016llx %03x:%05x ". */
function writeRow(pos: u32, startTo: u32, diff: u64, permsAt: u32, offsetFrom: u32, offsetTo: u32, major: u32, minor: u32): void {
  let o = copyZeroPadded(pos, startTo, outAt, 16);
  store<u8>(o++, 0x20);
  o = writeDecimal(o, diff >> 10, device ? 7 : 6);
  if (!device) store<u8>(o++, 0x4b);
  store<u8>(o++, 0x20);
  // accountPerms(): a private 'p' prints as '-', and the fifth column is '-'.
  const shareMode = load<u8>(permsAt + 3);
  store<u8>(o++, load<u8>(permsAt));
  store<u8>(o++, load<u8>(permsAt + 1));
  store<u8>(o++, load<u8>(permsAt + 2));
  store<u8>(o++, shareMode == 0x70 ? 0x2d : shareMode);
  store<u8>(o++, 0x2d);
  store<u8>(o++, 0x20);
  if (device) {
    o = copyZeroPadded(offsetFrom, offsetTo, o, 16);
    store<u8>(o++, 0x20);
    o = writeHex(o, major, 3);
    store<u8>(o++, 0x3a);
    o = writeHex(o, minor, 5);
    store<u8>(o++, 0x20);
  }
  outAt = o;
}

/** mapping_name(): the path's last part (or the path, -p), a kernel name (-k), or a label. */
function writeName(pos: u32, nl: u32, nameFrom: u32, firstSlash: i32, lastSlash: i32, start: u64, end: u64): void {
  let o = outAt;
  let from: i32 = -1;
  if (lastSlash >= 0) {
    from = showPath ? firstSlash : <u32>lastSlash + 1 < nl ? lastSlash + 1 : lastSlash;
  } else if (kernelNames && nl > nameFrom && load<u8>(nl - 1) == 0x5d) {
    for (let at = pos; at < nl; at++) {
      if (load<u8>(at) == 0x5b) {
        from = <i32>at;
        break;
      }
    }
  }
  if (from >= 0) {
    for (let at = <u32>from; at < nl; at++) store<u8>(o++, load<u8>(at));
  } else {
    const stack = startStack >= start && startStack <= end;
    o = writeLabel(o, stack);
  }
  store<u8>(o++, 0x0a);
  outAt = o;
}

/** "  [ stack ]" or "  [ anon ]". */
function writeLabel(o: u32, stack: bool): u32 {
  store<u8>(o++, 0x20);
  store<u8>(o++, 0x20);
  store<u8>(o++, 0x5b);
  store<u8>(o++, 0x20);
  if (stack) {
    store<u8>(o++, 0x73); store<u8>(o++, 0x74); store<u8>(o++, 0x61); store<u8>(o++, 0x63); store<u8>(o++, 0x6b);
  } else {
    store<u8>(o++, 0x61); store<u8>(o++, 0x6e); store<u8>(o++, 0x6f); store<u8>(o++, 0x6e);
  }
  store<u8>(o++, 0x20);
  store<u8>(o++, 0x5d);
  return o;
}

/** Whether [from, to) contains "/SYSV". */
function hasSysvMarker(from: u32, to: u32): bool {
  for (let at = from; at + 5 <= to; at++) {
    if (load<u8>(at) == 0x2f && load<u8>(at + 1) == 0x53 && load<u8>(at + 2) == 0x59 && load<u8>(at + 3) == 0x53 && load<u8>(at + 4) == 0x56) {
      return true;
    }
  }
  return false;
}

/** "%0Nlx" of a value whose digits are at [from, to): pad them with zeros. */
function copyZeroPadded(from: u32, to: u32, o: u32, width: u32): u32 {
  for (let pad = <i32>width - <i32>(to - from); pad > 0; pad--) store<u8>(o++, 0x30);
  for (let at = from; at < to; at++) store<u8>(o++, load<u8>(at));
  return o;
}

/** "%*lu". */
function writeDecimal(o: u32, value: u64, width: u32): u32 {
  let digits: u32 = 1;
  for (let rest = value; rest >= 10; rest /= 10) digits++;
  for (let pad = <i32>width - <i32>digits; pad > 0; pad--) store<u8>(o++, 0x20);
  let at = o + digits;
  let rest = value;
  do {
    store<u8>(--at, <u8>(0x30 + rest % 10));
    rest /= 10;
  } while (rest > 0);
  return o + digits;
}

/** "%0Nx" of an unsigned int. */
function writeHex(o: u32, value: u32, width: u32): u32 {
  let digits: u32 = 1;
  for (let rest = value; rest >= 16; rest >>= 4) digits++;
  for (let pad = <i32>width - <i32>digits; pad > 0; pad--) store<u8>(o++, 0x30);
  let at = o + digits;
  let rest = value;
  do {
    const digit = rest & 15;
    store<u8>(--at, <u8>(digit < 10 ? 0x30 + digit : 0x57 + digit));
    rest >>= 4;
  } while (rest > 0);
  return o + digits;
}
