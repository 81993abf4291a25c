/**
 * -X, -XX and -c/-C output: pmap's print_extended_maps() over the text of
 * /proc/PID/smaps (a latin1 byte string).
 *
 * pmap reads the file twice: a first pass measures column widths, builds
 * the list of fields and adds up their totals, a second pass prints. Given
 * the same text the second pass takes exactly the first one's path (it
 * meets no error the first did not), so this parses once, records what the
 * printing pass needs, and replays it.
 *
 * State that outlives one process, as pmap's static variables do: the field
 * list with each field's last value, total and width. So a later PID's
 * columns are at least as wide as an earlier one's, its totals include the
 * earlier PIDs' totals (procps-ng 4.0.2 never resets them), a field missing
 * from a mapping shows the value it had last, and a PID with fields the
 * list lacks appends them.
 */
import type { PmapOptions } from '../cli/args.js';
import type { RcSession } from '../cli/rc.js';
import { U64, U64_MAX, add, normalize } from '../parse/u64.js';
import { fgetsEnd } from '../parse/cscan.js';
import { justify, padLeft } from './columns.js';

export interface TableRender {
  text: string;
  /** Set when pmap would stop with xerrx(): the message, exit status 1. */
  fatal?: string;
}

/** pmap's fgets() buffer, mapbuf[1024]. */
const MAPBUF_SIZE = 1024;

/** Field widths of the sscanf() formats (DETL, NUML, VMFL and the literals). */
const NUM_WIDTH = 20;
const DETAIL_WIDTH = 31;
const DEVICE_WIDTH = 63;
const DESC_WIDTH = 127;
const VMFLAGS_WIDTH = 127;

export const UNKNOWN_FORMAT = 'Unknown format in smaps file!';
export const INCONSISTENT_FIELD = 'ERROR: inconsistent detail field in smaps file, line:\n ';

/** Headings, untranslated, as pmap's nls_* strings. */
const H_ADDRESS = 'Address';
const H_PERM = 'Perm';
const H_OFFSET = 'Offset';
const H_DEVICE = 'Device';
const H_INODE = 'Inode';
const H_MAPPING = 'Mapping';
const H_VMFLAGS = 'VmFlags';

/** Fields -X (exactly one X) leaves out: is_unimportant(). */
const UNIMPORTANT = new Set([
  'AnonHugePages', 'KernelPageSize', 'MMUPageSize', 'Shared_Dirty', 'Private_Dirty',
  'Shared_Clean', 'Private_Clean', 'VmFlags',
]);

/** One column of smaps fields: pmap's struct listnode. */
interface FieldNode {
  description: string;
  /** The value as last scanned, printed as is (leading zeros and all). */
  valueStr: string;
  total: U64;
  maxWidth: number;
}

// ---- scanf primitives over text[pos, end) ---------------------------------

function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

function skipSpace(text: string, pos: number, end: number): number {
  while (pos < end && isSpace(text.charCodeAt(pos))) pos++;
  return pos;
}

/** %N[0-9a-f] */
function scanLowerHex(text: string, pos: number, end: number, width: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) break;
    pos++;
  }
  return pos;
}

/** %63[0-9a-f:] */
function scanDevice(text: string, pos: number, end: number): number {
  const limit = Math.min(end, pos + DEVICE_WIDTH);
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (!((c >= 0x30 && c <= 0x3a) || (c >= 0x61 && c <= 0x66))) break;
    pos++;
  }
  return pos;
}

/** %Ns after its white space skip. */
function scanNonSpace(text: string, pos: number, end: number, width: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit && !isSpace(text.charCodeAt(pos))) pos++;
  return pos;
}

/** %N[0-9] */
function scanDigits(text: string, pos: number, end: number, width: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (c < 0x30 || c > 0x39) break;
    pos++;
  }
  return pos;
}

/** %N[^c] */
function scanUntil(text: string, pos: number, end: number, width: number, stop: number): number {
  const limit = Math.min(end, pos + width);
  while (pos < limit && text.charCodeAt(pos) !== stop) pos++;
  return pos;
}

/** %127[a-z ] */
function scanFlags(text: string, pos: number, end: number): number {
  const limit = Math.min(end, pos + VMFLAGS_WIDTH);
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (!((c >= 0x61 && c <= 0x7a) || c === 0x20)) break;
    pos++;
  }
  return pos;
}

/** sscanf(value_str, "%lu") of a digit string: saturates at ULONG_MAX. */
function digitsValue(text: string, start: number, end: number): U64 {
  if (end - start <= 15) {
    let value = 0;
    for (let i = start; i < end; i++) value = value * 10 + (text.charCodeAt(i) - 0x30);
    return value;
  }
  const big = BigInt(text.slice(start, end));
  return big > (U64_MAX as bigint) ? U64_MAX : normalize(big);
}

/** text.startsWith(word, at), which V8 makes slow on large strings. */
function sameChars(text: string, at: number, word: string, length: number): boolean {
  // Mostly names differ, when they do, near their end ("Shared_Clean", "Shared_Dirty").
  for (let i = length - 1; i >= 0; i--) if (text.charCodeAt(at + i) !== word.charCodeAt(i)) return false;
  return true;
}

// ---- the file as fgets() returns it ----------------------------------------

/**
 * fgets(mapbuf, 1024, f) over the text: `start` and `end` delimit the C
 * string in the buffer (up to the first NUL). At end of file next() returns
 * false and, as fgets() does, leaves the buffer as it was.
 */
class ChunkReader {
  start = 0;
  end = 0;
  private pos = 0;
  private nextNul: number;

  constructor(private readonly text: string) {
    this.nextNul = text.indexOf('\0');
  }

  next(): boolean {
    const text = this.text;
    if (this.pos >= text.length) return false;
    const chunkEnd = fgetsEnd(text, this.pos, MAPBUF_SIZE);
    this.start = this.pos;
    let end = chunkEnd;
    if (this.nextNul >= 0) {
      if (this.nextNul < this.start) this.nextNul = text.indexOf('\0', this.start);
      if (this.nextNul >= 0 && this.nextNul < chunkEnd) end = this.nextNul;
    }
    this.end = end;
    this.pos = chunkEnd;
    return true;
  }
}

// ---- the three sscanf() calls ---------------------------------------------

/**
 * "%20[0-9a-f]-%20[0-9a-f] %31s %20[0-9a-f] %63[0-9a-f:] %20s %127[^\n]":
 * the number of conversions; the spans land in `spans` as start/end pairs
 * for address, perms, offset, device, inode and description.
 */
function scanHeader(text: string, pos: number, end: number, spans: number[]): number {
  let next = scanLowerHex(text, pos, end, NUM_WIDTH);
  if (next === pos) return 0;
  spans[0] = pos;
  spans[1] = next;
  pos = next;
  if (pos >= end || text.charCodeAt(pos) !== 0x2d) return 1;
  pos++;
  next = scanLowerHex(text, pos, end, NUM_WIDTH);
  if (next === pos) return 1;
  pos = skipSpace(text, next, end);
  next = scanNonSpace(text, pos, end, DETAIL_WIDTH);
  if (next === pos) return 2;
  spans[2] = pos;
  spans[3] = next;
  pos = skipSpace(text, next, end);
  next = scanLowerHex(text, pos, end, NUM_WIDTH);
  if (next === pos) return 3;
  spans[4] = pos;
  spans[5] = next;
  pos = skipSpace(text, next, end);
  next = scanDevice(text, pos, end);
  if (next === pos) return 4;
  spans[6] = pos;
  spans[7] = next;
  pos = skipSpace(text, next, end);
  next = scanNonSpace(text, pos, end, NUM_WIDTH);
  if (next === pos) return 5;
  spans[8] = pos;
  spans[9] = next;
  pos = skipSpace(text, next, end);
  next = scanUntil(text, pos, end, DESC_WIDTH, 0x0a);
  // map_desc was emptied before the scan.
  spans[10] = pos;
  spans[11] = next;
  return next === pos ? 6 : 7;
}

/**
 * "%31[^:]: %20[0-9] kB %c": 2 is a field line. A line without " kB"
 * (THPeligible, ProtectionKey) stops the scan after the number and counts
 * as 2 too; one with text after "kB" gives 3 and ends the mapping's fields.
 */
function scanDetail(text: string, pos: number, end: number, spans: number[]): number {
  let next = scanUntil(text, pos, end, DETAIL_WIDTH, 0x3a);
  if (next === pos) return pos < end ? 0 : -1;
  spans[0] = pos;
  spans[1] = next;
  pos = next;
  if (pos >= end || text.charCodeAt(pos) !== 0x3a) return 1;
  pos = skipSpace(text, pos + 1, end);
  next = scanDigits(text, pos, end, NUM_WIDTH);
  if (next === pos) return 1;
  spans[2] = pos;
  spans[3] = next;
  pos = skipSpace(text, next, end);
  if (pos >= end || text.charCodeAt(pos) !== 0x6b) return 2;
  pos++;
  if (pos >= end || text.charCodeAt(pos) !== 0x42) return 2;
  pos = skipSpace(text, pos + 1, end);
  return pos < end ? 3 : 2;
}

/**
 * "VmFlags: %127[a-z ]": whether it matched; the flags, without one
 * trailing space, land in spans[0..1].
 */
function scanVmFlags(text: string, pos: number, end: number, spans: number[]): boolean {
  if (end - pos < 8 || !text.startsWith('VmFlags:', pos)) return false;
  pos = skipSpace(text, pos + 8, end);
  let next = scanFlags(text, pos, end);
  if (next === pos) return false;
  if (text.charCodeAt(next - 1) === 0x20) next--;
  spans[0] = pos;
  spans[1] = next;
  return true;
}

// ---- storage -----------------------------------------------------------------

/** A growable list of int32s. */
class IntList {
  data = new Int32Array(256);
  length = 0;

  private grow(need: number): void {
    let size = this.data.length * 2;
    while (size < need) size *= 2;
    const next = new Int32Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  push1(a: number): void {
    if (this.length + 1 > this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = a;
  }

  push(a: number, b: number): void {
    if (this.length + 2 > this.data.length) this.grow(this.length + 2);
    this.data[this.length++] = a;
    this.data[this.length++] = b;
  }

  set(at: number, a: number, b: number): void {
    this.data[at] = a;
    this.data[at + 1] = b;
  }
}

/** The output as bytes: one char of a byte string is one byte. */
class ByteWriter {
  private buf: Buffer;
  private length = 0;

  /**
   * With a sink, full pieces of about `initial` bytes are handed over as
   * they fill, so a 20 MB -XX table is never held whole.
   */
  constructor(
    initial: number,
    private readonly sink?: (piece: string) => void,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(initial, 1024));
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    if (this.sink && this.length > 0) {
      this.sink(this.buf.toString('latin1', 0, this.length));
      this.length = 0;
      if (n <= this.buf.length) return;
    }
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  copy(text: string, start: number, end: number): void {
    this.reserve(end - start);
    const buf = this.buf;
    let at = this.length;
    for (let i = start; i < end; i++) buf[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** printf("%*s", width, s) of text[start, end). */
  right(text: string, start: number, end: number, width: number): void {
    const pad = width - (end - start);
    this.reserve((pad > 0 ? pad : 0) + end - start);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < pad; i++) buf[at++] = 0x20;
    for (let i = start; i < end; i++) buf[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** printf(" %*s", width, s) of text[start, end). */
  spaceRight(text: string, start: number, end: number, width: number): void {
    this.byte(0x20);
    this.right(text, start, end, width);
  }

  string(text: string): void {
    this.copy(text, 0, text.length);
  }

  text(): string {
    return this.buf.toString('latin1', 0, this.length);
  }
}

/** Output piece size when render() is given a sink. */
const PIECE_BYTES = 1 << 20;

// ---- the run ----------------------------------------------------------------

/** One run over all PIDs: pmap keeps its field list and totals across them. */
export class SmapsTableRun {
  private readonly nodes: FieldNode[] = [];
  private readonly enabledCache = new Map<string, boolean>();
  private readonly quiet: boolean;
  private readonly showPath: boolean;
  private readonly showPerm: boolean;
  private readonly showOffset: boolean;
  private readonly showDevice: boolean;
  private readonly showInode: boolean;
  private readonly showMapping: boolean;
  private readonly showVmFlags: boolean;

  constructor(
    private readonly options: PmapOptions,
    private readonly rc: RcSession | null,
  ) {
    this.quiet = options.quiet;
    // Each ShowPath in the rc file toggles what -p set.
    this.showPath = options.showPath !== ((rc?.showPathToggles ?? 0) % 2 === 1);
    this.showPerm = this.isEnabled(H_PERM);
    this.showOffset = this.isEnabled(H_OFFSET);
    this.showDevice = this.isEnabled(H_DEVICE);
    this.showInode = this.isEnabled(H_INODE);
    this.showMapping = this.isEnabled(H_MAPPING);
    this.showVmFlags = this.isEnabled(H_VMFLAGS);
  }

  /** is_enabled(): -X hides the unimportant fields, -c shows the rc's, -XX all. */
  private isEnabled(name: string): boolean {
    let enabled = this.enabledCache.get(name);
    if (enabled === undefined) {
      if (this.options.xLevel === 1) enabled = !UNIMPORTANT.has(name);
      else if (this.rc) enabled = this.rc.fields.has(name);
      else enabled = true;
      this.enabledCache.set(name, enabled);
    }
    return enabled;
  }

  render(text: string, sink?: (piece: string) => void): TableRender {
    const nodes = this.nodes;
    const quiet = this.quiet;
    const reader = new ChunkReader(text);
    const header: number[] = new Array<number>(12).fill(0);
    const detail: number[] = [0, 0, 0, 0];

    // What the printing pass needs, as offsets into the text.
    const spans = new IntList(); // 12 per mapping: see scanHeader()
    const valueBase = new IntList(); // per mapping: index into values
    const valueCount = new IntList();
    const values = new IntList(); // start/end pairs of value_str, in node order
    const vmFlags = new IntList(); // start/end per mapping, -1 when none was read
    /** Where each node's value_str is now (-1: as left by an earlier PID). */
    const current = new IntList();
    for (let i = 0; i < nodes.length; i++) current.push(-1, -1);

    let w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, wv = 0;
    let hasVmFlags = false;
    let flagsStart = -1;
    let flagsEnd = -1;
    let names: string[] = [];
    let nameEnabled: boolean[] = [];

    let ret = reader.next();
    while (ret) {
      // === READ MAPPING ===
      if (scanHeader(text, reader.start, reader.end, header) < 6) return { text: '', fatal: UNKNOWN_FORMAT };
      // A header line longer than the buffer: the rest of it is read and dropped.
      let last = text.charCodeAt(reader.end - 1);
      while (last !== 0x0a) {
        // At end of file pmap's fgets() leaves the buffer as it was and the
        // loop never ends; tspmap reports the file as malformed instead.
        if (!reader.next() || reader.end === reader.start) return { text: '', fatal: UNKNOWN_FORMAT };
        last = text.charCodeAt(reader.end - 1);
      }
      if (header[1]! - header[0]! > w1) w1 = header[1]! - header[0]!;
      if (header[3]! - header[2]! > w2) w2 = header[3]! - header[2]!;
      if (header[5]! - header[4]! > w3) w3 = header[5]! - header[4]!;
      if (header[7]! - header[6]! > w4) w4 = header[7]! - header[6]!;
      if (header[9]! - header[8]! > w5) w5 = header[9]! - header[8]!;
      for (let i = 0; i < 12; i++) spans.push1(header[i]!);
      valueBase.push1(values.length);

      // === READ MAPPING DETAILS ===
      ret = reader.next();
      let fields = ret ? scanDetail(text, reader.start, reader.end, detail) : 0;
      let node = 0;
      let line = 0;
      while (ret && fields === 2) {
        // The names repeat from one mapping to the next: reuse the strings.
        const nameStart = detail[0]!;
        const nameLength = detail[1]! - nameStart;
        let name = names[line];
        let enabled: boolean;
        if (name !== undefined && name.length === nameLength && sameChars(text, nameStart, name, nameLength)) {
          enabled = nameEnabled[line]!;
        } else {
          name = text.slice(nameStart, nameStart + nameLength);
          enabled = this.isEnabled(name);
          if (line < names.length) {
            names = names.slice(0, line);
            nameEnabled = nameEnabled.slice(0, line);
          }
          names.push(name);
          nameEnabled.push(enabled);
        }
        line++;
        if (enabled) {
          const valueStart = detail[2]!;
          const valueEnd = detail[3]!;
          let target = nodes[node];
          if (target === undefined) {
            target = { description: name, valueStr: '', total: 0, maxWidth: quiet ? 0 : nameLength };
            nodes.push(target);
            current.push(-1, -1);
          } else if (target.description !== name) {
            return { text: '', fatal: INCONSISTENT_FIELD + text.slice(reader.start, reader.end) };
          }
          current.set(2 * node, valueStart, valueEnd);
          values.push(valueStart, valueEnd);
          const value = digitsValue(text, valueStart, valueEnd);
          const total = target.total;
          target.total =
            typeof total === 'number' && typeof value === 'number' && total + value <= Number.MAX_SAFE_INTEGER
              ? total + value
              : add(total, value);
          if (quiet && valueEnd - valueStart > target.maxWidth) target.maxWidth = valueEnd - valueStart;
          node++;
        }
        ret = reader.next();
        fields = ret ? scanDetail(text, reader.start, reader.end, detail) : 0;
      }
      valueCount.push1(node);

      // === GET VMFLAGS ===
      if (ret && scanVmFlags(text, reader.start, reader.end, detail)) {
        flagsStart = detail[0]!;
        flagsEnd = detail[1]!;
        if (flagsEnd - flagsStart > wv) wv = flagsEnd - flagsStart;
        hasVmFlags = true;
        vmFlags.push(flagsStart, flagsEnd);
        ret = reader.next();
      } else {
        vmFlags.push(-1, -1);
      }
    }

    // End of the measuring pass: the widths of the totals.
    const mappings = valueBase.length;
    if (mappings > 0 && !quiet) {
      for (const target of nodes) {
        const width = String(target.total).length;
        if (width > target.maxWidth) target.maxWidth = width;
      }
    }

    // === PRINT ===
    const out = new ByteWriter(sink ? PIECE_BYTES : mappings * 64 + 256, sink);
    if (mappings > 0 && !quiet) {
      let head = justify(H_ADDRESS, w1, 'right');
      w1 = Math.max(w1, H_ADDRESS.length);
      if (this.showPerm) {
        head += justify(H_PERM, w2, 'right');
        w2 = Math.max(w2, H_PERM.length);
      }
      if (this.showOffset) {
        head += justify(H_OFFSET, w3, 'right');
        w3 = Math.max(w3, H_OFFSET.length);
      }
      if (this.showDevice) {
        head += justify(H_DEVICE, w4, 'right');
        w4 = Math.max(w4, H_DEVICE.length);
      }
      if (this.showInode) {
        head += justify(H_INODE, w5, 'right');
        w5 = Math.max(w5, H_INODE.length);
      }
      for (const target of nodes) head += justify(target.description, target.maxWidth, 'right');
      if (hasVmFlags && this.showVmFlags) {
        head += justify(H_VMFLAGS, wv, 'right');
        wv = Math.max(wv, H_VMFLAGS.length);
      }
      head += this.showMapping ? `${H_MAPPING}\n` : '\n';
      out.string(head);
    }

    const showVm = hasVmFlags && this.showVmFlags;
    const cur = current.data;
    const spanData = spans.data;
    const valueData = values.data;
    for (let m = 0; m < mappings; m++) {
      const s = m * 12;
      const base = valueBase.data[m]!;
      const count = valueCount.data[m]!;
      for (let k = 0; k < count; k++) {
        cur[2 * k] = valueData[base + 2 * k]!;
        cur[2 * k + 1] = valueData[base + 2 * k + 1]!;
      }
      if (vmFlags.data[2 * m]! >= 0) {
        flagsStart = vmFlags.data[2 * m]!;
        flagsEnd = vmFlags.data[2 * m + 1]!;
      }

      out.right(text, spanData[s]!, spanData[s + 1]!, w1);
      if (this.showPerm) out.spaceRight(text, spanData[s + 2]!, spanData[s + 3]!, w2);
      if (this.showOffset) out.spaceRight(text, spanData[s + 4]!, spanData[s + 5]!, w3);
      if (this.showDevice) out.spaceRight(text, spanData[s + 6]!, spanData[s + 7]!, w4);
      if (this.showInode) out.spaceRight(text, spanData[s + 8]!, spanData[s + 9]!, w5);
      for (let k = 0; k < nodes.length; k++) {
        const target = nodes[k]!;
        const at = cur[2 * k]!;
        if (at >= 0) out.spaceRight(text, at, cur[2 * k + 1]!, target.maxWidth);
        else out.spaceRight(target.valueStr, 0, target.valueStr.length, target.maxWidth);
      }
      if (showVm) out.spaceRight(text, flagsStart, flagsEnd, wv);
      if (this.showMapping) {
        let descStart = spanData[s + 10]!;
        const descEnd = spanData[s + 11]!;
        if (!this.showPath) {
          // strrchr(map_desc, '/'): print what follows the last '/'.
          for (let i = descEnd - 1; i >= descStart; i--) {
            if (text.charCodeAt(i) === 0x2f) {
              descStart = i + 1;
              break;
            }
          }
        }
        out.byte(0x20);
        out.copy(text, descStart, descEnd);
      }
      out.byte(0x0a);
    }

    // The values stay with the list for the next PID.
    for (let k = 0; k < nodes.length; k++) {
      if (cur[2 * k]! >= 0) nodes[k]!.valueStr = text.slice(cur[2 * k], cur[2 * k + 1]);
    }

    // === PRINT TOTALS ===
    if (!quiet && nodes.length > 0) {
      let gap = w1 + 1;
      if (this.showPerm) gap += w2 + 1;
      if (this.showOffset) gap += w3 + 1;
      if (this.showDevice) gap += w4 + 1;
      if (this.showInode) gap += w5 + 1;
      const indent = ' '.repeat(gap);
      let rule = indent;
      let totals = indent;
      for (const target of nodes) {
        rule += '='.repeat(Math.max(target.maxWidth, 0)) + ' ';
        totals += padLeft(String(target.total), target.maxWidth) + ' ';
      }
      out.string(`${rule}\n${totals}KB \n`);
    }
    return { text: out.text() };
  }
}
