/**
 * AssemblyScript (see rows.ts): the measuring pass of the -X, -XX and -c
 * table (format/table/measure.ts) over smaps lines as the kernel formats
 * them, for format/wasm-table.ts. It keeps what SmapsMeasure keeps: column
 * widths, the fields' sums and last values, and the record stream
 * (format/table/store.ts's layout) written to the output area, which the
 * caller appends to its store.
 *
 * runTable() stops before a line it does not take and leaves it to the
 * JavaScript measure: a line fgets() would split, a field under a name
 * other than the one this line of a mapping had before (or a new column), a
 * value of more than 15 digits, anything after a value but " kB", a header
 * with anything but single spaces between its fields or a byte the
 * sscanf() emulation would read differently, a NUL.
 */
import { FGETS_LINE_MAX } from './line';
import { OUT_AT, OUT_BYTES, outAt, setOutput } from './out';

/** measure.ts's states at a line's start. */
export const TABLE_AT_HEADER: i32 = 0;
export const TABLE_AT_FIELDS: i32 = 2;

/** Why runTable() stopped: no newline before `to`, output full (at a mapping's start), a line left to the caller. */
export const TABLE_NO_NEWLINE: i32 = 0;
export const TABLE_OUTPUT_FULL: i32 = 1;
export const TABLE_DECLINED: i32 = 2;

/**
 * The names of a mapping's field lines, as the caller's LineNames cache
 * holds them: per line, LINE_BYTES bytes of [name length, flags, name].
 */
export const LINES_MAX: u32 = 64;
export const LINE_BYTES: u32 = 64;
/** A line's flags: is_enabled() takes its name; its value goes to the column the list holds under that name. */
export const LINE_ENABLED: u32 = 1;
export const LINE_NODE_MATCH: u32 = 2;
const LINE_TABLE = memory.data(LINES_MAX * LINE_BYTES);

/** Per column (node): its last value's output position (or -1), the sum of its values, its widest value. */
const NODE_LAST = memory.data(LINES_MAX * 4);
const NODE_SUM = memory.data(LINES_MAX * 8);
const NODE_WIDTH = memory.data(LINES_MAX * 4);
/** Widest span per header column (address, perms, offset, device, inode). */
const HEADER_WIDTH = memory.data(5 * 4);
/** The last header's spans: start/end per column, then the description. */
const SPANS = memory.data(12 * 4);

/** A mapping's output is at most a header line and its counts, 64 values and the flags: stop before the area may not hold one. */
const MAPPING_ROOM: u32 = 4096;
const VMFLAGS_WIDTH: u32 = 127;
const DESC_WIDTH: u32 = 127;
const NO_FLAGS: u8 = 0xff;

let tableLines: u32 = 0;
let shownMask: u32 = 1;
let showMapping = false;
let showPath = false;
let showVmFlags = false;
let quiet = false;

let state: i32 = TABLE_AT_HEADER;
let line: u32 = 0;
let node: u32 = 0;
let stopReason: i32 = TABLE_NO_NEWLINE;
let mappings: u32 = 0;
/** Where the open mapping's count goes in the output (-1: its header was the caller's). */
let countAt: i32 = -1;
/** The value count of the caller's open mapping, when this run ended it (-1: it did not). */
let carried: i32 = -1;
let lastFlagsAt: i32 = -1;
let flagsWidth: u32 = 0;
let sawFlags = false;

/** The run's columns: a bit per shown header column, and the other switches of TableColumns. */
export function configureTable(mask: u32, mapping: bool, path: bool, vmFlags: bool, quietWidths: bool): void {
  shownMask = mask;
  showMapping = mapping;
  showPath = path;
  showVmFlags = vmFlags;
  quiet = quietWidths;
  setOutput(OUT_AT);
}

export function lineTableAt(): usize { return LINE_TABLE; }
export function setTableLines(count: u32): void { tableLines = min(count, LINES_MAX); }
export function tableReason(): i32 { return stopReason; }
export function tableState(): i32 { return state; }
export function tableLine(): u32 { return line; }
export function tableNode(): u32 { return node; }
export function tableMappings(): u32 { return mappings; }
/** The open mapping's count position, when this run wrote its header (-1: none, or the caller's). */
export function openCountAt(): i32 { return state == TABLE_AT_FIELDS ? countAt : -1; }
export function carriedCount(): i32 { return carried; }
export function lastFlags(): i32 { return lastFlagsAt; }
export function widestFlags(): u32 { return flagsWidth; }
export function sawVmFlags(): bool { return sawFlags; }
export function headerWidth(column: u32): u32 { return load<u32>(HEADER_WIDTH + column * 4); }
export function nodeLast(k: u32): i32 { return load<i32>(NODE_LAST + k * 4); }
export function nodeSum(k: u32): u64 { return load<u64>(NODE_SUM + k * 8); }
export function nodeWidth(k: u32): u32 { return load<u32>(NODE_WIDTH + k * 4); }

/** Start a run where the caller's measure stands. */
function begin(atState: i32, atLine: u32, atNode: u32): void {
  state = atState;
  line = atLine;
  node = atNode;
  mappings = 0;
  countAt = -1;
  carried = -1;
  lastFlagsAt = -1;
  flagsWidth = 0;
  sawFlags = false;
  memory.fill(NODE_LAST, 0xff, LINES_MAX * 4);
  memory.fill(NODE_SUM, 0, LINES_MAX * 8);
  memory.fill(NODE_WIDTH, 0, LINES_MAX * 4);
  memory.fill(HEADER_WIDTH, 0, 5 * 4);
}

/**
 * The measuring pass over the whole lines in [from, to) (a newline at `to`
 * as a sentinel), from the caller's state: the position it stopped at.
 */
export function runTable(from: u32, to: u32, atState: i32, atLine: u32, atNode: u32): u32 {
  begin(atState, atLine, atNode);
  let pos = from;
  stopReason = TABLE_NO_NEWLINE;
  while (pos < to) {
    let nl = pos;
    while (load<u8>(nl) != 0x0a) nl++;
    if (nl >= to) return pos;
    // The line, newline included, fits one fgets() chunk.
    if (nl - pos >= FGETS_LINE_MAX) return decline(pos);
    if (state == TABLE_AT_FIELDS) {
      if (field(pos, nl)) {
        pos = nl + 1;
        continue;
      }
      if (isVmFlags(pos, nl)) {
        const flagsEnd = vmFlagsEnd(pos + 8, nl);
        if (flagsEnd == 0) return decline(pos);
        endFields(true, load<u32>(SPANS), flagsEnd);
        state = TABLE_AT_HEADER;
        pos = nl + 1;
        continue;
      }
      // A colon where sscanf's "%31[^:]:" could find it: a field line the caller reads.
      if (colonWithin(pos, nl, 32) || !scanHeader(pos, nl)) return decline(pos);
      endFields(false, 0, 0);
      state = TABLE_AT_HEADER;
    }
    if (outAt > OUT_AT + OUT_BYTES - MAPPING_ROOM) {
      stopReason = TABLE_OUTPUT_FULL;
      return pos;
    }
    if (!scanHeader(pos, nl)) return decline(pos);
    header();
    state = TABLE_AT_FIELDS;
    line = 0;
    node = 0;
    pos = nl + 1;
  }
  return pos;
}

function decline(pos: u32): u32 {
  stopReason = TABLE_DECLINED;
  return pos;
}

/** "Name:   123 kB" or "Name:   1" under this line's cached name: taken (false: not such a line). */
function field(pos: u32, nl: u32): bool {
  if (line >= tableLines) return false;
  const entry = LINE_TABLE + line * LINE_BYTES;
  const nameLength = <u32>load<u8>(entry);
  let at = pos + nameLength;
  if (at >= nl || load<u8>(at) != 0x3a) return false;
  for (let i: u32 = 0; i < nameLength; i++) if (load<u8>(pos + i) != load<u8>(entry + 2 + i)) return false;
  at++;
  while (load<u8>(at) == 0x20) at++;
  const digitsFrom = at;
  let value: u64 = 0;
  while (<u32>load<u8>(at) - 0x30 < 10) {
    value = value * 10 + <u64>(load<u8>(at) - 0x30);
    at++;
  }
  const digits = at - digitsFrom;
  if (digits == 0 || digits > 15) return false;
  if (at != nl && !(at + 3 == nl && load<u8>(at) == 0x20 && load<u8>(at + 1) == 0x6b && load<u8>(at + 2) == 0x42)) return false;
  const flags = <u32>load<u8>(entry + 1);
  if (flags & LINE_ENABLED) {
    if (!(flags & LINE_NODE_MATCH)) return false;
    const o = outAt;
    store<i32>(NODE_LAST + node * 4, <i32>o);
    store<u8>(o, <u8>digits);
    memory.copy(o + 1, digitsFrom, digits);
    setOutput(o + 1 + digits);
    store<u64>(NODE_SUM + node * 8, load<u64>(NODE_SUM + node * 8) + value);
    if (quiet && digits > load<u32>(NODE_WIDTH + node * 4)) store<u32>(NODE_WIDTH + node * 4, digits);
    node++;
  }
  line++;
  return true;
}

function isVmFlags(pos: u32, nl: u32): bool {
  return nl - pos >= 8 && load<u64>(pos) == 0x3a7367616c466d56; // "VmFlags:", little-endian
}

/**
 * "VmFlags: %127[a-z ]" on a plain line: spaces, then 1-127 bytes of [a-z ]
 * that reach the newline. Their start lands in SPANS[0]; returns their end
 * without one trailing space (pmap cuts it), or 0 for a line left to the caller.
 */
function vmFlagsEnd(from: u32, nl: u32): u32 {
  let at = from;
  while (load<u8>(at) == 0x20) at++;
  const flagsFrom = at;
  while (at < nl && at - flagsFrom < VMFLAGS_WIDTH) {
    const c = load<u8>(at);
    if (c != 0x20 && <u32>c - 0x61 >= 26) break;
    at++;
  }
  if (at != nl || at == flagsFrom) return 0;
  store<u32>(SPANS, flagsFrom);
  return load<u8>(at - 1) == 0x20 ? at - 1 : at;
}

function colonWithin(pos: u32, nl: u32, width: u32): bool {
  const stop = min(nl, pos + width);
  for (let at = pos; at < stop; at++) if (load<u8>(at) == 0x3a) return true;
  return false;
}

/** The mapping's fields are over: its count, then its flags or NO_FLAGS. */
function endFields(hasFlags: bool, flagsFrom: u32, flagsTo: u32): void {
  if (countAt >= 0) store<u32>(countAt, node);
  else carried = <i32>node;
  if (hasFlags) {
    flagsWidth = max(flagsWidth, flagsTo - flagsFrom);
    sawFlags = true;
  }
  if (!showVmFlags) return;
  if (hasFlags) {
    lastFlagsAt = <i32>outAt;
    setOutput(span(outAt, flagsFrom, flagsTo));
  } else {
    store<u8>(outAt, NO_FLAGS);
    setOutput(outAt + 1);
  }
}

/** A length byte and the bytes [from, to) at o: the next position. */
function span(o: u32, from: u32, to: u32): u32 {
  store<u8>(o, <u8>(to - from));
  memory.copy(o + 1, from, to - from);
  return o + 1 + to - from;
}

function isHex(c: u32): bool {
  return c - 0x30 < 10 || c - 0x61 < 6;
}

/** The end of a run of at most `width` bytes that `take` accepts, from `at`. */
@inline function run(at: u32, width: u32, kind: i32): u32 {
  const from = at;
  while (at - from < width) {
    const c = <u32>load<u8>(at);
    const taken = kind == 0 ? isHex(c) : kind == 1 ? c - 0x21 < 0x5e : kind == 2 ? isHex(c) || c == 0x3a : c - 0x30 < 10;
    if (!taken) break;
    at++;
  }
  return at;
}

const HEX: i32 = 0;
const GRAPH: i32 = 1;
const HEX_COLON: i32 = 2;
const DIGIT: i32 = 3;

/**
 * A header line in the kernel's shape, "start-end perms offset dev inode
 * [spaces name]", with single spaces: the spans scanSmapsHeader() finds in
 * SPANS; false for a line left to the caller.
 */
function scanHeader(pos: u32, nl: u32): bool {
  let at = run(pos, 20, HEX);
  if (at == pos || load<u8>(at) != 0x2d) return false;
  store<u32>(SPANS, pos);
  store<u32>(SPANS + 4, at);
  const endFrom = at + 1;
  at = run(endFrom, 20, HEX);
  if (at == endFrom || load<u8>(at) != 0x20) return false;
  at = spanField(at + 1, 1, 31, GRAPH);
  if (at == 0) return false;
  at = spanField(at, 2, 20, HEX);
  if (at == 0) return false;
  at = spanField(at, 3, 63, HEX_COLON);
  if (at == 0) return false;
  const inodeFrom = at;
  at = run(at, 20, DIGIT);
  if (at == inodeFrom || (load<u8>(at) != 0x20 && at != nl)) return false;
  store<u32>(SPANS + 32, inodeFrom);
  store<u32>(SPANS + 36, at);
  while (at < nl && load<u8>(at) == 0x20) at++;
  // C's isspace() beyond the spaces would be skipped too: left to the caller.
  if (at < nl && <u32>load<u8>(at) - 9 < 5) return false;
  const descTo = min(at + DESC_WIDTH, nl);
  for (let i = at; i < nl; i++) if (load<u8>(i) == 0) return false;
  store<u32>(SPANS + 40, at);
  store<u32>(SPANS + 44, descTo);
  return true;
}

/** Header column `column` as a run of `kind` from `at`, then one space: the position after the space, or 0. */
function spanField(at: u32, column: u32, width: u32, kind: i32): u32 {
  const to = run(at, width, kind);
  if (to == at || load<u8>(to) != 0x20) return 0;
  store<u32>(SPANS + column * 8, at);
  store<u32>(SPANS + column * 8 + 4, to);
  return to + 1;
}

/** The scanned header's record: the shown columns, the name as shown, room for the count. */
function header(): void {
  let o = outAt;
  for (let column: u32 = 0; column < 5; column++) {
    const from = load<u32>(SPANS + column * 8);
    const to = load<u32>(SPANS + column * 8 + 4);
    const widthAt = HEADER_WIDTH + column * 4;
    if (to - from > load<u32>(widthAt)) store<u32>(widthAt, to - from);
    if (shownMask & (1 << column)) o = span(o, from, to);
  }
  if (showMapping) {
    let descFrom = load<u32>(SPANS + 40);
    const descTo = load<u32>(SPANS + 44);
    if (!showPath) {
      // strrchr(map_desc, '/'): what follows the last '/'.
      for (let i = descTo; i > descFrom; i--) {
        if (load<u8>(i - 1) == 0x2f) {
          descFrom = i;
          break;
        }
      }
    }
    o = span(o, descFrom, descTo);
  }
  countAt = <i32>o;
  setOutput(o + 4);
  mappings++;
}
