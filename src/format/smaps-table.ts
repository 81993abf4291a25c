/**
 * -X, -XX and -c/-C output: pmap's print_extended_maps() over the text of
 * /proc/PID/smaps (latin1: one char is one byte).
 *
 * pmap reads the file twice: a first pass measures column widths, builds
 * the list of fields and adds up their totals, a second pass prints. Given
 * the same text the second pass takes exactly the first one's path (it
 * meets no error the first did not), so this reads the text once, block by
 * block (begin(), feed(), finish()), keeps only the bytes the printing pass
 * prints in one compact record stream, and replays that stream at the end.
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
  // %127[^\n]: a chunk's only newline can be its last byte.
  const stop = end > pos && text.charCodeAt(end - 1) === 0x0a ? end - 1 : end;
  next = Math.min(pos + DESC_WIDTH, stop);
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
  if (end - pos < 8 || !isVmFlagsTag(text, pos)) return false;
  pos = skipSpace(text, pos + 8, end);
  let next = scanFlags(text, pos, end);
  if (next === pos) return false;
  if (text.charCodeAt(next - 1) === 0x20) next--;
  spans[0] = pos;
  spans[1] = next;
  return true;
}

/** "VmFlags:" at text[pos]. */
function isVmFlagsTag(text: string, pos: number): boolean {
  for (let i = 0; i < 8; i++) if (text.charCodeAt(pos + i) !== VMFLAGS_TAG[i]) return false;
  return true;
}

const VMFLAGS_TAG = [0x56, 0x6d, 0x46, 0x6c, 0x61, 0x67, 0x73, 0x3a];

/**
 * Where fgets(mapbuf, 1024, f) called at `pos` stops: after the first
 * newline, after 1023 bytes, or at the end of the text.
 */
function chunkEnd(text: string, pos: number): number {
  const limit = pos + MAPBUF_SIZE - 1;
  const newline = text.indexOf('\n', pos);
  const lineEnd = newline < 0 ? text.length : newline + 1;
  return lineEnd < limit ? lineEnd : Math.min(limit, text.length);
}

/** The latin1 bytes of a short string. */
function codesOf(text: string, start: number, end: number): Uint8Array {
  const codes = new Uint8Array(end - start);
  for (let i = start; i < end; i++) codes[i - start] = text.charCodeAt(i);
  return codes;
}

/** A flat (unsliced) string of latin1 bytes, so it does not pin a block. */
function stringOf(codes: Uint8Array, start = 0, end = codes.length): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(codes[i]!);
  return text;
}

// ---- the printing pass's output --------------------------------------------

/** Output piece size: the sink gets about this many bytes at a time. */
const PIECE_BYTES = 1 << 20;

/** Bytes of output in one reused buffer, passed on in pieces as it fills. */
class PieceWriter {
  buf: Buffer = Buffer.allocUnsafe(PIECE_BYTES);
  length = 0;

  constructor(private readonly emit: (buf: Buffer, length: number) => void) {}

  /** Make room for `n` more bytes, passing on what is there if needed. */
  room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  string(text: string): void {
    this.room(text.length);
    this.length += this.buf.write(text, this.length, 'latin1');
  }

  flush(): void {
    if (this.length > 0) this.emit(this.buf, this.length);
    this.length = 0;
  }
}

// ---- the run ----------------------------------------------------------------

/** Where the reading of one smaps file stands between two fgets() chunks. */
const AT_HEADER = 0;
/** In a header line longer than mapbuf: its remaining chunks are dropped. */
const IN_LONG_HEADER = 1;
/** After a header: field lines, then maybe VmFlags. */
const AT_FIELDS = 2;

/** No VmFlags line in this mapping (a flags record's length is at most 127). */
const NO_FLAGS = 0xff;

/**
 * fastFields() adds values of at most 15 digits (below 2^50) as doubles and
 * hands a sum on to the node's U64 total once it reaches 2^52, so it stays
 * exact; C's wrap-around addition does not care about the grouping.
 */
const SUM_FLUSH = 2 ** 52;

/** Initial size of the record stream; it doubles as needed. */
const STORE_BYTES = 1 << 16;

/**
 * One run over all PIDs: pmap keeps its field list and totals across them.
 *
 * Per PID: begin(), feed() for each block of the smaps text (blocks may be
 * cut anywhere; an unfinished last line waits for the next block), then
 * finish(). render() does all three over one string.
 *
 * While fed, each mapping becomes one record in a byte stream, holding only
 * what is printed, each span as a length byte and its bytes: the address,
 * the enabled ones of perms/offset/device/inode, the mapping's name as
 * printed (base name unless -p), a 4-byte count of field values and the
 * values, then (when VmFlags can show) the flags or NO_FLAGS.
 */
export class SmapsTableRun {
  private readonly nodes: FieldNode[] = [];
  /** nodes[i].description, for a quick identity check. */
  private readonly nodeNames: string[] = [];
  private readonly enabledCache = new Map<string, boolean>();
  private readonly quiet: boolean;
  private readonly showPath: boolean;
  private readonly showPerm: boolean;
  private readonly showOffset: boolean;
  private readonly showDevice: boolean;
  private readonly showInode: boolean;
  private readonly showMapping: boolean;
  private readonly showVmFlags: boolean;

  /**
   * The field names met at each line of a mapping's fields, a cache that
   * holds across mappings and PIDs: names[i] with its bytes and whether
   * is_enabled() takes it.
   */
  private names: string[] = [];
  private nameCodes: Uint8Array[] = [];
  private nameEnabled: boolean[] = [];

  // ---- per PID -------------------------------------------------------------
  private store = new Uint8Array(0);
  private storeLength = 0;
  private mappings = 0;
  private state = AT_HEADER;
  /** Field lines read in this mapping, and enabled ones (the node reached). */
  private line = 0;
  private node = 0;
  /** Where the current mapping's value count goes. */
  private countAt = 0;
  /** Per node, where its last value is in the store (-1: an earlier PID's). */
  private lastValue = new Int32Array(16).fill(-1);
  /** Per node, what fastFields() added to its total since it last flushed. */
  private sums = new Float64Array(16);
  /** Where the last VmFlags record is (-1: none yet). */
  private lastFlags = -1;
  private hasVmFlags = false;
  private w1 = 0;
  private w2 = 0;
  private w3 = 0;
  private w4 = 0;
  private w5 = 0;
  private wv = 0;
  /** An unfinished last line, waiting for the rest of it. */
  private pending = '';
  private fatal: string | undefined;
  /** Position of the next NUL in the text being scanned (-1: none). */
  private nextNul = -1;
  private readonly header: number[] = new Array<number>(12).fill(0);
  private readonly detail: number[] = [0, 0, 0, 0];

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

  /** The whole table for one PID's smaps text, in one go. */
  render(text: string, sink?: (piece: string) => void): TableRender {
    this.begin();
    this.feed(text);
    if (sink) return { text: '', ...this.finish(sink) };
    const pieces: string[] = [];
    const done = this.finish((piece) => pieces.push(piece));
    return done.fatal !== undefined ? { text: '', fatal: done.fatal } : { text: pieces.join('') };
  }

  /** Start a PID's smaps file. */
  begin(): void {
    this.store = new Uint8Array(STORE_BYTES);
    this.storeLength = 0;
    this.mappings = 0;
    this.state = AT_HEADER;
    this.line = 0;
    this.node = 0;
    this.countAt = 0;
    if (this.lastValue.length < this.nodes.length) {
      this.lastValue = new Int32Array(this.nodes.length * 2);
      this.sums = new Float64Array(this.nodes.length * 2);
    }
    this.lastValue.fill(-1);
    this.sums.fill(0);
    this.lastFlags = -1;
    this.hasVmFlags = false;
    this.w1 = this.w2 = this.w3 = this.w4 = this.w5 = this.wv = 0;
    this.pending = '';
    this.fatal = undefined;
  }

  /** The next block of the file: any cut, best at a line's end. */
  feed(block: string): void {
    if (this.fatal !== undefined) return;
    let text = block;
    if (this.pending.length > 0) {
      text = this.pending + block;
      this.pending = '';
    }
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) this.pending = text.slice(end);
    if (end > 0) this.scan(text, end);
  }

  /**
   * End of file: print the table to the sink in pieces of about 1 MiB. With
   * `fatal` set pmap would have died while measuring, before printing any
   * of it, and the sink gets nothing.
   */
  finish(sink: (piece: string) => void): { fatal?: string } {
    return this.complete((buf, length) => sink(buf.toString('latin1', 0, length)));
  }

  /**
   * finish() with the pieces as bytes, which are valid only during the call
   * (the buffer is reused): no strings to build and collect.
   */
  finishBytes(sink: (bytes: Uint8Array) => void): { fatal?: string } {
    return this.complete((buf, length) => sink(buf.subarray(0, length)));
  }

  private complete(emit: (buf: Buffer, length: number) => void): { fatal?: string } {
    if (this.fatal === undefined && this.pending.length > 0) {
      const text = this.pending;
      this.pending = '';
      this.scan(text, text.length);
    }
    if (this.fatal === undefined) {
      if (this.state === AT_FIELDS) this.endFields(null);
      // pmap's fgets() loop never ends there; tspmap calls the file malformed.
      else if (this.state === IN_LONG_HEADER) this.fatal = UNKNOWN_FORMAT;
    }
    const fatal = this.fatal;
    if (fatal === undefined) {
      const nodes = this.nodes;
      for (let k = 0; k < nodes.length; k++) {
        if (this.sums[k] !== 0) nodes[k]!.total = add(nodes[k]!.total, this.sums[k]!);
        this.sums[k] = 0;
      }
      this.print(new PieceWriter(emit));
    }
    this.store = new Uint8Array(0);
    this.storeLength = 0;
    this.pending = '';
    return fatal === undefined ? {} : { fatal };
  }

  // ---- reading -------------------------------------------------------------

  /** Scan text[0, end), whole lines (or the rest of the file). */
  private scan(text: string, end: number): void {
    let pos = 0;
    this.nextNul = text.indexOf('\0');
    while (pos < end) {
      if (this.state === AT_FIELDS) {
        pos = this.fastFields(text, pos, end);
        if (pos >= end) break;
      }
      if (this.nextNul >= 0 && this.nextNul < pos) this.nextNul = text.indexOf('\0', pos);
      const stop = chunkEnd(text, pos);
      const nul = this.nextNul;
      this.chunk(text, pos, nul >= 0 && nul < stop ? nul : stop);
      if (this.fatal !== undefined) return;
      pos = stop;
    }
  }

  /**
   * Field lines in their common form, "Name:   123 kB\n" or "Name:   1\n",
   * under the names these lines of a mapping had before and for fields
   * already in the list, as many as follow text[pos], in one pass over
   * each: the position after them. The first line that differs in any way
   * is left for chunk(). Every byte of a line taken here is checked, so it
   * holds no NUL, and it fits one fgets() chunk.
   */
  private fastFields(text: string, pos: number, end: number): number {
    const names = this.names;
    const nameCodes = this.nameCodes;
    const nameEnabled = this.nameEnabled;
    const nodes = this.nodes;
    const nodeNames = this.nodeNames;
    const nodeCount = nodeNames.length;
    const lastValue = this.lastValue;
    const sums = this.sums;
    const quiet = this.quiet;
    const nameCount = names.length;
    let line = this.line;
    let node = this.node;
    let store = this.store;
    let length = this.storeLength;
    while (pos < end && line < nameCount) {
      const codes = nameCodes[line]!;
      const nameLength = codes.length;
      let at = pos + nameLength;
      if (text.charCodeAt(at) !== 0x3a) break;
      let i = 0;
      while (i < nameLength && text.charCodeAt(pos + i) === codes[i]) i++;
      if (i < nameLength) break;
      let c = text.charCodeAt(++at);
      while (c === 0x20) c = text.charCodeAt(++at);
      const valueStart = at;
      let value = 0;
      while (c >= 0x30 && c <= 0x39) {
        value = value * 10 + (c - 0x30);
        c = text.charCodeAt(++at);
      }
      const digits = at - valueStart;
      // Up to 15 digits is exact as a double; longer ones go the long way.
      if (digits === 0 || digits > 15) break;
      if (c === 0x20) {
        if (text.charCodeAt(at + 1) !== 0x6b || text.charCodeAt(at + 2) !== 0x42 || text.charCodeAt(at + 3) !== 0x0a) break;
        at += 3;
      } else if (c !== 0x0a) {
        break;
      }
      // The line, newline included, must fit one fgets() chunk.
      if (at - pos >= MAPBUF_SIZE - 1) break;
      if (nameEnabled[line]) {
        // A new node or an inconsistent one: the long way.
        if (node >= nodeCount || nodeNames[node] !== names[line]) break;
        if (length + NUM_WIDTH + 1 > store.length) {
          this.storeLength = length;
          this.reserve(NUM_WIDTH + 1);
          store = this.store;
        }
        lastValue[node] = length;
        store[length++] = digits;
        for (let j = valueStart; j < valueStart + digits; j++) store[length++] = text.charCodeAt(j);
        const sum = sums[node]! + value;
        if (sum < SUM_FLUSH) {
          sums[node] = sum;
        } else {
          nodes[node]!.total = add(nodes[node]!.total, sum);
          sums[node] = 0;
        }
        if (quiet && digits > nodes[node]!.maxWidth) nodes[node]!.maxWidth = digits;
        node++;
      }
      line++;
      pos = at + 1;
    }
    this.line = line;
    this.node = node;
    this.storeLength = length;
    return pos;
  }

  /** One fgets() chunk: mapbuf is text[start, end) (end: at a NUL or its end). */
  private chunk(text: string, start: number, end: number): void {
    if (this.state === IN_LONG_HEADER) {
      if (end === start) this.fatal = UNKNOWN_FORMAT;
      else if (text.charCodeAt(end - 1) === 0x0a) this.startFields();
      return;
    }
    if (this.state === AT_FIELDS) {
      const detail = this.detail;
      if (scanDetail(text, start, end, detail) === 2) {
        const line = this.lineName(text, detail[0]!, detail[1]!);
        if (this.nameEnabled[line]) {
          const valueStart = detail[2]!;
          const valueEnd = detail[3]!;
          this.value(this.names[line]!, text, valueStart, valueEnd, start, end);
        }
        return;
      }
      const flags = scanVmFlags(text, start, end, detail);
      this.endFields(flags ? text : null);
      if (flags) {
        this.state = AT_HEADER;
        return;
      }
      // Not a field: the next mapping's header.
      this.state = AT_HEADER;
    }
    this.headerChunk(text, start, end);
  }

  private headerChunk(text: string, start: number, end: number): void {
    const h = this.header;
    if (scanHeader(text, start, end, h) < 6) {
      this.fatal = UNKNOWN_FORMAT;
      return;
    }
    if (h[1]! - h[0]! > this.w1) this.w1 = h[1]! - h[0]!;
    if (h[3]! - h[2]! > this.w2) this.w2 = h[3]! - h[2]!;
    if (h[5]! - h[4]! > this.w3) this.w3 = h[5]! - h[4]!;
    if (h[7]! - h[6]! > this.w4) this.w4 = h[7]! - h[6]!;
    if (h[9]! - h[8]! > this.w5) this.w5 = h[9]! - h[8]!;
    this.reserve(6 * 128 + 4);
    this.span(text, h[0]!, h[1]!);
    if (this.showPerm) this.span(text, h[2]!, h[3]!);
    if (this.showOffset) this.span(text, h[4]!, h[5]!);
    if (this.showDevice) this.span(text, h[6]!, h[7]!);
    if (this.showInode) this.span(text, h[8]!, h[9]!);
    if (this.showMapping) {
      let descStart = h[10]!;
      const descEnd = h[11]!;
      if (!this.showPath) {
        // strrchr(map_desc, '/'): what follows the last '/'.
        for (let i = descEnd - 1; i >= descStart; i--) {
          if (text.charCodeAt(i) === 0x2f) {
            descStart = i + 1;
            break;
          }
        }
      }
      this.span(text, descStart, descEnd);
    }
    this.countAt = this.storeLength;
    this.storeLength += 4;
    this.mappings++;
    // A header line longer than the buffer: the rest of it is read and dropped.
    if (text.charCodeAt(end - 1) !== 0x0a) this.state = IN_LONG_HEADER;
    else this.startFields();
  }

  private startFields(): void {
    this.state = AT_FIELDS;
    this.line = 0;
    this.node = 0;
  }

  /** The mapping's fields are over; with `flags`, this.detail holds its VmFlags there. */
  private endFields(flags: string | null): void {
    const store = this.store;
    const count = this.node;
    const at = this.countAt;
    store[at] = count & 0xff;
    store[at + 1] = (count >>> 8) & 0xff;
    store[at + 2] = (count >>> 16) & 0xff;
    store[at + 3] = count >>> 24;
    const start = this.detail[0]!;
    const end = this.detail[1]!;
    if (flags !== null) {
      if (end - start > this.wv) this.wv = end - start;
      this.hasVmFlags = true;
    }
    if (!this.showVmFlags) return;
    this.reserve(VMFLAGS_WIDTH + 1);
    if (flags !== null) {
      this.lastFlags = this.storeLength;
      this.span(flags, start, end);
    } else {
      this.store[this.storeLength++] = NO_FLAGS;
    }
  }

  /** Which line of the name cache text[start, end) is, adding it if new. */
  private lineName(text: string, start: number, end: number): number {
    const line = this.line++;
    const length = end - start;
    if (line < this.names.length) {
      const codes = this.nameCodes[line]!;
      if (codes.length === length) {
        let same = true;
        for (let i = 0; i < length; i++) {
          if (text.charCodeAt(start + i) !== codes[i]) {
            same = false;
            break;
          }
        }
        if (same) return line;
      }
      this.names.length = line;
      this.nameCodes.length = line;
      this.nameEnabled.length = line;
    }
    const codes = codesOf(text, start, end);
    const name = stringOf(codes);
    this.names.push(name);
    this.nameCodes.push(codes);
    this.nameEnabled.push(this.isEnabled(name));
    return line;
  }

  /**
   * An enabled field's value text[valueStart, valueEnd) in the fgets() chunk
   * text[start, end), the long way: a new node, an inconsistent one, or a
   * value of any length.
   */
  private value(name: string, text: string, valueStart: number, valueEnd: number, start: number, end: number): void {
    const k = this.node;
    const nodes = this.nodes;
    let target = nodes[k];
    const length = valueEnd - valueStart;
    if (target === undefined) {
      target = { description: name, valueStr: '', total: 0, maxWidth: this.quiet ? 0 : name.length };
      nodes.push(target);
      this.nodeNames.push(name);
      if (this.lastValue.length < nodes.length) {
        const grown = new Int32Array(nodes.length * 2).fill(-1);
        grown.set(this.lastValue);
        this.lastValue = grown;
        const sums = new Float64Array(nodes.length * 2);
        sums.set(this.sums);
        this.sums = sums;
      }
    } else if (target.description !== name) {
      this.fatal = INCONSISTENT_FIELD + text.slice(start, end);
      return;
    }
    this.reserve(NUM_WIDTH + 1);
    this.lastValue[k] = this.storeLength;
    this.span(text, valueStart, valueEnd);
    const amount = digitsValue(text, valueStart, valueEnd);
    const total = target.total;
    target.total =
      typeof total === 'number' && typeof amount === 'number' && total + amount <= Number.MAX_SAFE_INTEGER
        ? total + amount
        : add(total, amount);
    if (this.quiet && length > target.maxWidth) target.maxWidth = length;
    this.node = k + 1;
  }

  // ---- the record stream -----------------------------------------------------

  private reserve(n: number): void {
    if (this.storeLength + n <= this.store.length) return;
    let size = Math.max(this.store.length * 2, STORE_BYTES);
    while (size < this.storeLength + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.store.subarray(0, this.storeLength));
    this.store = grown;
  }

  /** A length byte and text[start, end) (at most 127 bytes; room reserved). */
  private span(text: string, start: number, end: number): void {
    const store = this.store;
    let at = this.storeLength;
    store[at++] = end - start;
    for (let i = start; i < end; i++) store[at++] = text.charCodeAt(i);
    this.storeLength = at;
  }

  /** A length byte and a short string's bytes. */
  private spanString(text: string): void {
    this.reserve(text.length + 1);
    this.span(text, 0, text.length);
  }

  // ---- printing ----------------------------------------------------------------

  /** pmap's printing pass, replayed from the record stream. */
  private print(out: PieceWriter): void {
    const nodes = this.nodes;
    const count = nodes.length;
    const quiet = this.quiet;
    const mappings = this.mappings;
    const lastValue = this.lastValue;
    // Fields this file never had show the value an earlier PID left.
    for (let k = 0; k < count; k++) {
      if (lastValue[k]! < 0) {
        lastValue[k] = this.storeLength;
        this.spanString(nodes[k]!.valueStr);
      }
    }

    // End of the measuring pass: the widths of the totals.
    if (mappings > 0 && !quiet) {
      for (const target of nodes) {
        const width = String(target.total).length;
        if (width > target.maxWidth) target.maxWidth = width;
      }
    }

    let w1 = this.w1, w2 = this.w2, w3 = this.w3, w4 = this.w4, w5 = this.w5, wv = this.wv;
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
      if (this.hasVmFlags && this.showVmFlags) {
        head += justify(H_VMFLAGS, wv, 'right');
        wv = Math.max(wv, H_VMFLAGS.length);
      }
      head += this.showMapping ? `${H_MAPPING}\n` : '\n';
      out.string(head);
    }

    const showPerm = this.showPerm;
    const showOffset = this.showOffset;
    const showDevice = this.showDevice;
    const showInode = this.showInode;
    const showMapping = this.showMapping;
    const storesFlags = this.showVmFlags;
    const showVm = this.hasVmFlags && storesFlags;
    const widths = new Int32Array(count);
    const cur = new Int32Array(count);
    // The longest a row can be: each span is at most its scanf width.
    let lineMax = Math.max(w1, NUM_WIDTH) + 1;
    if (showPerm) lineMax += Math.max(w2, DETAIL_WIDTH) + 1;
    if (showOffset) lineMax += Math.max(w3, NUM_WIDTH) + 1;
    if (showDevice) lineMax += Math.max(w4, DEVICE_WIDTH) + 1;
    if (showInode) lineMax += Math.max(w5, NUM_WIDTH) + 1;
    for (let k = 0; k < count; k++) {
      widths[k] = nodes[k]!.maxWidth;
      cur[k] = lastValue[k]!;
      lineMax += Math.max(widths[k]!, NUM_WIDTH) + 1;
    }
    if (showVm) lineMax += Math.max(wv, VMFLAGS_WIDTH) + 1;
    if (showMapping) lineMax += DESC_WIDTH + 1;

    const st = this.store;
    let flagsAt = this.lastFlags;
    let r = 0;
    for (let m = 0; m < mappings; m++) {
      out.room(lineMax);
      const buf = out.buf;
      let at = putRight(buf, out.length, st, r, w1);
      r += 1 + st[r]!;
      if (showPerm) {
        buf[at++] = 0x20;
        at = putRight(buf, at, st, r, w2);
        r += 1 + st[r]!;
      }
      if (showOffset) {
        buf[at++] = 0x20;
        at = putRight(buf, at, st, r, w3);
        r += 1 + st[r]!;
      }
      if (showDevice) {
        buf[at++] = 0x20;
        at = putRight(buf, at, st, r, w4);
        r += 1 + st[r]!;
      }
      if (showInode) {
        buf[at++] = 0x20;
        at = putRight(buf, at, st, r, w5);
        r += 1 + st[r]!;
      }
      let descAt = 0;
      if (showMapping) {
        descAt = r;
        r += 1 + st[r]!;
      }
      const n = (st[r]! | (st[r + 1]! << 8) | (st[r + 2]! << 16) | (st[r + 3]! << 24)) >>> 0;
      r += 4;
      for (let k = 0; k < n; k++) {
        cur[k] = r;
        r += 1 + st[r]!;
      }
      if (storesFlags) {
        if (st[r] !== NO_FLAGS) {
          flagsAt = r;
          r += 1 + st[r]!;
        } else {
          r++;
        }
      }
      for (let k = 0; k < count; k++) {
        buf[at++] = 0x20;
        at = putRight(buf, at, st, cur[k]!, widths[k]!);
      }
      if (showVm) {
        buf[at++] = 0x20;
        at = putRight(buf, at, st, flagsAt, wv);
      }
      if (showMapping) {
        buf[at++] = 0x20;
        at = putRight(buf, at, st, descAt, 0);
      }
      buf[at++] = 0x0a;
      out.length = at;
    }

    // The values stay with the list for the next PID.
    for (let k = 0; k < count; k++) {
      const at = lastValue[k]!;
      nodes[k]!.valueStr = stringOf(st, at + 1, at + 1 + st[at]!);
    }

    // === PRINT TOTALS ===
    if (!quiet && count > 0) {
      let gap = w1 + 1;
      if (showPerm) gap += w2 + 1;
      if (showOffset) gap += w3 + 1;
      if (showDevice) gap += w4 + 1;
      if (showInode) gap += w5 + 1;
      const indent = ' '.repeat(gap);
      let rule = indent;
      let totals = indent;
      for (const target of nodes) {
        rule += '='.repeat(Math.max(target.maxWidth, 0)) + ' ';
        totals += padLeft(String(target.total), target.maxWidth) + ' ';
      }
      out.string(`${rule}\n${totals}KB \n`);
    }
    out.flush();
  }
}

/** printf("%*s", width, s) of the span at st[r] into buf at `at`; where it ends. */
function putRight(buf: Uint8Array, at: number, st: Uint8Array, r: number, width: number): number {
  const length = st[r]!;
  for (let pad = width - length; pad > 0; pad--) buf[at++] = 0x20;
  const end = r + 1 + length;
  for (let i = r + 1; i < end; i++) buf[at++] = st[i]!;
  return at;
}
