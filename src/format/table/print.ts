/**
 * pmap's printing pass, replayed from the measuring pass's record stream:
 * the heading, one row per mapping, the totals. Every column is printed
 * right-aligned ("%*s") in the width the measuring pass found.
 */
import { HEADING } from '../../model/fields.js';
import { DESC_WIDTH, NUM_WIDTH, VMFLAGS_WIDTH } from '../../parse/smaps-line.js';
import { justify, padLeft } from '../columns.js';
import { HEADER_COLUMNS } from './config.js';
import type { SmapsMeasure } from './measure.js';
import { NO_FLAGS } from './store.js';
import { WASM_ROWS_MIN, printSegmentWasm } from '../wasm-print.js';

/** Output piece size: the sink gets about this many bytes at a time. */
export const PIECE_BYTES = 1 << 20;

/** Bytes of output in one reused buffer, passed on in pieces as it fills. */
export class PieceWriter {
  buf: Buffer;
  length = 0;

  /**
   * `reuse`: the buffer of a writer that is done (one table per process in
   * a many-PID run: a fresh 1 MiB each was ~2.7 ms of a -X run over 56
   * kernel threads, cpu profile).
   */
  constructor(
    private readonly emit: (buf: Buffer, length: number) => void,
    reuse?: Buffer,
  ) {
    this.buf = reuse ?? Buffer.allocUnsafe(PIECE_BYTES);
  }

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

  /** Pass on bytes written elsewhere (after flush()), valid only during the call. */
  emitView(bytes: Buffer): void {
    if (bytes.length > 0) this.emit(bytes, bytes.length);
  }
}

/** The widths the rows are printed in, once the heading has widened them. */
export interface RowWidths {
  /** Per shown header column (Address, Perm, ...), in order. */
  header: Int32Array;
  /** Per field node. */
  fields: Int32Array;
  flags: number;
}

/** The whole table of one file, after m.end() and the totals' flush. */
export function printTable(m: SmapsMeasure, out: PieceWriter): void {
  const fields = m.fields;
  fields.storeMissingValues(m.store);
  const headed = m.mappings > 0 && !m.columns.quiet;
  // End of the measuring pass: the widths of the totals.
  if (headed) {
    for (const node of fields.nodes) node.maxWidth = Math.max(node.maxWidth, String(node.total).length);
  }
  const widths: RowWidths = {
    header: Int32Array.from(m.columns.shownHeader, (column) => m.headerWidths[column]!),
    fields: Int32Array.from(fields.nodes, (node) => node.maxWidth),
    flags: m.flagsWidth,
  };
  if (headed) out.string(heading(m, widths));
  printRows(m, widths, out);
  fields.keepLastValues(m.store);
  if (!m.columns.quiet && fields.nodes.length > 0) out.string(totals(m, widths));
  out.flush();
}

/** The heading line; it widens `widths` to fit the header column labels. */
function heading(m: SmapsMeasure, widths: RowWidths): string {
  const shown = m.columns.shownHeader;
  let head = '';
  for (let i = 0; i < shown.length; i++) {
    const label = HEADER_COLUMNS[shown[i]!]!.label;
    head += justify(label, widths.header[i]!, 'right');
    widths.header[i] = Math.max(widths.header[i]!, label.length);
  }
  for (const node of m.fields.nodes) head += justify(node.description, node.maxWidth, 'right');
  if (m.hasVmFlags && m.columns.showVmFlags) {
    head += justify(HEADING.vmFlags, widths.flags, 'right');
    widths.flags = Math.max(widths.flags, HEADING.vmFlags.length);
  }
  return head + (m.columns.showMapping ? `${HEADING.mapping}\n` : '\n');
}

/** The row loop's state between two segments of the stream. */
export interface RowState {
  /** Where each field's value is in the segment: a field a mapping lacks keeps the one before. */
  valueAt: Float64Array;
  /** Where the VmFlags shown now are (pmap's buffer keeps the last ones read). */
  flagsAt: number;
}

/**
 * One row per mapping, each read from its record in the stream: from
 * memory, or, when the stream was spilled (store.ts), segment by segment,
 * each preceded by the spans the rows carry over from earlier records.
 */
function printRows(m: SmapsMeasure, widths: RowWidths, out: PieceWriter): void {
  const store = m.store;
  const count = widths.fields.length;
  const state: RowState = { valueAt: m.fields.lastValue.slice(0, count), flagsAt: m.lastFlags };
  if (store.spilled.length === 0) {
    printSegment(m, widths, out, store.bytes, 0, store.length, m.mappings, state);
    return;
  }
  const spans = (source: Uint8Array | null): Uint8Array[] => {
    const at = (pos: number) => (source === null ? store.spanAt(pos) : source.subarray(pos, pos + 1 + source[pos]!));
    const list = Array.from(state.valueAt, at);
    if (state.flagsAt >= 0) list.push(at(state.flagsAt));
    return list;
  };
  const segments = [...store.spilled, { start: store.base, length: store.length, mappings: store.mappingsInMemory(m.mappings) }];
  let carry = spans(null);
  let size = 0;
  for (const segment of segments) size = Math.max(size, segment.length);
  // Each carried span is at most 128 bytes.
  const buffer = new Uint8Array(size + 128 * (count + 1));
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    let at = 0;
    for (let k = 0; k < carry.length; k++) {
      buffer.set(carry[k]!, at);
      if (k < count) state.valueAt[k] = at;
      else state.flagsAt = at;
      at += carry[k]!.length;
    }
    if (i < store.spilled.length) store.readSpilled(segment, buffer, at);
    else buffer.set(store.bytes.subarray(0, segment.length), at);
    printSegment(m, widths, out, buffer, at, at + segment.length, segment.mappings, state);
    carry = spans(buffer);
  }
}

/** `mappings` rows from the records at st[r, end). */
function printSegment(
  m: SmapsMeasure, widths: RowWidths, out: PieceWriter, st: Uint8Array, r: number, end: number, mappings: number, state: RowState,
): void {
  const { showMapping, showVmFlags: storesFlags } = m.columns;
  const showFlags = m.hasVmFlags && storesFlags;
  const shown = m.columns.shownHeader;
  const headerWidths = widths.header;
  const headerCount = headerWidths.length;
  const fieldWidths = widths.fields;
  const count = fieldWidths.length;
  const valueAt = state.valueAt;
  // The longest a row can be: each span is at most its scanf width.
  let lineMax = 1;
  for (let i = 0; i < headerCount; i++) lineMax += Math.max(headerWidths[i]!, HEADER_COLUMNS[shown[i]!]!.scanWidth) + 1;
  for (let k = 0; k < count; k++) lineMax += Math.max(fieldWidths[k]!, NUM_WIDTH) + 1;
  if (showFlags) lineMax += Math.max(widths.flags, VMFLAGS_WIDTH) + 1;
  if (showMapping) lineMax += DESC_WIDTH + 1;
  const layout = { showMapping, storesFlags, showFlags, lineMax };
  if (mappings >= WASM_ROWS_MIN && printSegmentWasm(layout, widths, out, st, r, end, mappings, state)) return;

  let flagsAt = state.flagsAt;
  for (let mapping = mappings; mapping > 0; mapping--) {
    out.room(lineMax);
    const buf = out.buf;
    let at = out.length;
    for (let i = 0; i < headerCount; i++) {
      if (i > 0) buf[at++] = 0x20;
      at = putRight(buf, at, st, r, headerWidths[i]!);
      r += 1 + st[r]!;
    }
    const nameAt = r;
    if (showMapping) r += 1 + st[r]!;
    const n = (st[r]! | (st[r + 1]! << 8) | (st[r + 2]! << 16) | (st[r + 3]! << 24)) >>> 0;
    r += 4;
    for (let k = 0; k < n; k++) {
      valueAt[k] = r;
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
      at = putRight(buf, at, st, valueAt[k]!, fieldWidths[k]!);
    }
    if (showFlags) {
      buf[at++] = 0x20;
      at = putRight(buf, at, st, flagsAt, widths.flags);
    }
    if (showMapping) {
      buf[at++] = 0x20;
      at = putRight(buf, at, st, nameAt, 0);
    }
    buf[at++] = 0x0a;
    out.length = at;
  }
  state.flagsAt = flagsAt;
}

/** The rule under the field columns and their totals ("KB" as pmap spells it). */
function totals(m: SmapsMeasure, widths: RowWidths): string {
  let gap = 0;
  for (const width of widths.header) gap += width + 1;
  const indent = ' '.repeat(gap);
  let rule = indent;
  let sums = indent;
  for (const node of m.fields.nodes) {
    rule += '='.repeat(Math.max(node.maxWidth, 0)) + ' ';
    sums += padLeft(String(node.total), node.maxWidth) + ' ';
  }
  return `${rule}\n${sums}KB \n`;
}

/** printf("%*s", width, s) of the span at st[r] into buf at `at`; where it ends. */
function putRight(buf: Uint8Array, at: number, st: Uint8Array, r: number, width: number): number {
  const length = st[r]!;
  for (let pad = width - length; pad > 0; pad--) buf[at++] = 0x20;
  const end = r + 1 + length;
  for (let i = r + 1; i < end; i++) buf[at++] = st[i]!;
  return at;
}
