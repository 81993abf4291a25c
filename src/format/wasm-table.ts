/**
 * The -X, -XX and -c table's measuring pass over bytes: kernel-formatted
 * lines through WebAssembly (wasm/table.ts), anything else through the
 * JavaScript measure (table/measure.ts, behind its fgets() reader) as latin1
 * text, a mapping at a time. Both keep one state: after each run of the
 * module its records join the store and the measure takes over its widths,
 * sums, last values and position, so either can go on from any line.
 *
 * Why: on a 61,000-mapping smaps the JavaScript measure's field-line loop
 * and the latin1 decoding of every block were most of -X's main thread
 * (61 and 22 ms of about 140, cpu profile), and the loop ran interpreted
 * until TurboFan had compiled it (see wasm-module.ts).
 */
import type { FgetsReader } from '../parse/fgets-reader.js';
import { add, normalize } from '../parse/u64.js';
import { AT_HEADER, SmapsMeasure } from './table/measure.js';
import { RowsExports, UNFINISHED_MAX, WasmBlock, rowsModule } from './wasm-module.js';

/** The most text handed to the reader at once. */
const READER_PIECE = 1 << 20;
/** Past this many mappings the module leaves to JavaScript in one file, JavaScript reads the rest of it. */
const DECLINES_MAX = 256;

export class TableBytes {
  /** The module for this file: undefined until the first block, null for JavaScript only. */
  private block: WasmBlock | null | undefined;
  /** The reader holds the start of a line: its rest goes to it too. */
  private midLine = false;
  /** The measure's line names may have changed since the module got them. */
  private namesChanged = true;
  private declines = 0;

  /** `everyFile`: the module even for a file read in one block (a run over many PIDs, and tests). */
  constructor(
    private readonly measure: SmapsMeasure,
    private readonly reader: FgetsReader,
    private readonly everyFile = false,
  ) {}

  /** Start a PID's smaps file. */
  begin(): void {
    this.block = undefined;
    this.midLine = false;
    this.namesChanged = true;
    this.declines = 0;
  }

  /**
   * The unconsumed bytes of the file (`eof`: all that will come): how many
   * were consumed, or -1 once pmap would have stopped reading (a fatal error).
   */
  feed(bytes: Buffer, eof: boolean): number {
    const length = bytes.length;
    let pos = 0;
    if (this.midLine) {
      const newline = bytes.indexOf(0x0a);
      pos = newline < 0 ? length : newline + 1;
      if (!this.toReader(bytes, 0, pos)) return -1;
    }
    if (this.block === undefined) this.block = this.blockFor(eof && pos === 0 && !this.everyFile);
    const block = this.block;
    if (pos === length) return length;
    if (bytes.lastIndexOf(0x0a, length - 1) < pos) {
      // No line ends here: the rest waits, or (a line of many MiB, or the
      // end) goes to the reader without a copy into the module.
      if (!eof && length - pos <= UNFINISHED_MAX) return pos;
      return this.toReader(bytes, pos, length) ? length : -1;
    }
    if (block === null || this.declines > DECLINES_MAX || !block.load(bytes)) {
      return this.toReader(bytes, pos, length) ? length : -1;
    }
    const wasm = block.wasm;
    const tableFull = wasm.TABLE_OUTPUT_FULL.value as number;
    const tableDeclined = wasm.TABLE_DECLINED.value as number;
    while (pos < length) {
      this.prepare(block);
      const measure = this.measure;
      pos = wasm.runTable(block.inAt + pos, block.inAt + length, measure.lineState, measure.line, measure.node) - block.inAt;
      this.adopt(block);
      const reason = wasm.tableReason();
      if (reason === tableFull) continue;
      let next: number;
      if (reason === tableDeclined) {
        this.declines++;
        next = mappingEnd(bytes, pos);
      } else {
        // The block ends inside a line: it waits for the next block, unless
        // this is the end or it is too long for a plain line.
        if (!eof && length - pos <= UNFINISHED_MAX) break;
        next = length;
      }
      if (!this.toReader(bytes, pos, next)) return -1;
      pos = next;
    }
    return pos;
  }

  /** The module for a file of more than one block (making it costs a small file more than it saves). */
  private blockFor(onlyBlock: boolean): WasmBlock | null {
    const wasm = onlyBlock ? null : rowsModule();
    if (wasm === null) return null;
    const columns = this.measure.columns;
    let mask = 0;
    for (const column of columns.shownHeader) mask |= 1 << column;
    wasm.configureTable(mask, +columns.showMapping, +columns.showPath, +columns.showVmFlags, +columns.quiet);
    return new WasmBlock(wasm);
  }

  /**
   * bytes[from, to) through the JavaScript measure, as latin1 text of at
   * most READER_PIECE bytes at a time (a line of many MiB is not one string):
   * false once it met a fatal error.
   */
  private toReader(bytes: Buffer, from: number, to: number): boolean {
    if (to <= from) return this.measure.fatal === undefined;
    for (let at = from; at < to && this.measure.fatal === undefined; at += READER_PIECE) {
      this.reader.feed(bytes.toString('latin1', at, Math.min(to, at + READER_PIECE)));
    }
    this.midLine = bytes[to - 1] !== 0x0a;
    this.namesChanged = true;
    return this.measure.fatal === undefined;
  }

  /** Before a run: the line names to the module, and a record's start to the store (which may spill there). */
  private prepare(block: WasmBlock): void {
    const measure = this.measure;
    if (this.namesChanged) {
      putLineNames(block, measure);
      this.namesChanged = false;
    }
    if (measure.lineState === AT_HEADER) measure.store.startRecord(measure.mappings);
  }

  /** After a run: its records join the store, and the measure takes over where it stopped. */
  private adopt(block: WasmBlock): void {
    const wasm = block.wasm;
    const measure = this.measure;
    const store = measure.store;
    const outFrom = wasm.outputStart();
    const written = wasm.outputEnd() - outFrom;
    // Stream positions (base + index) of the output's first byte, and its index in memory.
    const local = store.length;
    const stream = store.position();
    store.reserve(written);
    store.bytes.set(block.memory.subarray(outFrom, outFrom + written), local);
    store.length += written;
    wasm.takeOutput();
    const carried = wasm.carriedCount();
    if (carried >= 0) measure.endElsewhere(carried);
    const openAt = wasm.openCountAt();
    measure.resume(wasm.tableState(), openAt >= 0 ? local + openAt - outFrom : -1);
    measure.line = wasm.tableLine();
    measure.node = wasm.tableNode();
    measure.mappings += wasm.tableMappings();
    const widths = measure.headerWidths;
    for (let column = 0; column < 5; column++) widths[column] = Math.max(widths[column]!, wasm.headerWidth(column));
    measure.flagsWidth = Math.max(measure.flagsWidth, wasm.widestFlags());
    if (wasm.sawVmFlags()) measure.hasVmFlags = true;
    const flagsAt = wasm.lastFlags();
    if (flagsAt >= 0) measure.lastFlags = stream + flagsAt - outFrom;
    adoptColumns(wasm, measure, stream - outFrom);
  }
}

/** The columns' last values (output positions + `shift` = stream positions), sums and widths from the run. */
function adoptColumns(wasm: RowsExports, measure: SmapsMeasure, shift: number): void {
  const { nodes, lastValue, quiet } = measure.fields;
  const count = Math.min(nodes.length, wasm.LINES_MAX.value as number);
  for (let k = 0; k < count; k++) {
    const last = wasm.nodeLast(k);
    if (last < 0) continue;
    lastValue[k] = last + shift;
    const node = nodes[k]!;
    const sum = wasm.nodeSum(k);
    if (sum !== 0n) node.total = add(node.total, normalize(sum));
    if (quiet) node.maxWidth = Math.max(node.maxWidth, wasm.nodeWidth(k));
  }
}

/**
 * The measure's line names into the module's table: per line, its name,
 * whether is_enabled() takes it, and whether the field list's column for it
 * (the enabled lines before it count the columns) has that name.
 */
function putLineNames(block: WasmBlock, measure: SmapsMeasure): void {
  const wasm = block.wasm;
  const memory = block.memory;
  const tableAt = wasm.lineTableAt();
  const lineBytes = wasm.LINE_BYTES.value as number;
  const { codes, enabled, names } = measure.lines;
  const columnNames = measure.fields.names;
  const count = Math.min(codes.length, wasm.LINES_MAX.value as number);
  const enabledFlag = wasm.LINE_ENABLED.value as number;
  const matchFlag = wasm.LINE_NODE_MATCH.value as number;
  let column = 0;
  let line = 0;
  for (; line < count; line++) {
    const name = codes[line]!;
    if (name.length > lineBytes - 2) break;
    const at = tableAt + line * lineBytes;
    memory[at] = name.length;
    let flags = 0;
    if (enabled[line]) {
      flags = enabledFlag | (column < columnNames.length && columnNames[column] === names[line] ? matchFlag : 0);
      column++;
    }
    memory[at + 1] = flags;
    memory.set(name, at + 2);
  }
  wasm.setTableLines(line);
}

/** Where the mapping at pos ends: the start of the next line that begins with a lower-case hex digit (or the end). */
function mappingEnd(bytes: Buffer, pos: number): number {
  let at = pos;
  for (;;) {
    const newline = bytes.indexOf(0x0a, at);
    if (newline < 0) return bytes.length;
    at = newline + 1;
    if (at >= bytes.length) return at;
    const c = bytes[at]!;
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) return at;
  }
}
