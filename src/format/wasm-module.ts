/**
 * The WebAssembly rows module (format/wasm/rows.ts), made on first use, and
 * the block handling both of its row classes share (wasm-rows.ts for the
 * default and -d listings, wasm-extended.ts for -x).
 *
 * Why: JavaScript's byte loops are fast only once TurboFan has compiled
 * them. On a 60,000-mapping maps file the first 1 MB block took 29 ms where
 * each later one took 4.3 ms, because the loop ran interpreted while the
 * compiler thread worked (traced with --trace-opt and timed per block);
 * warming it longer, holding the scan until the file was read, splitting
 * the loop against on-stack replacement, and --maglev did not help. The
 * module needs no warm-up: Liftoff compiles it in under a millisecond.
 *
 * Where WebAssembly is missing (bin/tspmap.js runs `node --jitless
 * --no-expose-wasm` under a small `ulimit -v`), rowsModule() is null and the
 * JavaScript rows run.
 */

import { FastMapsLine, newFastMapsLine, scanKernelMapsLine } from '../parse/maps-fast.js';
import { normalize } from '../parse/u64.js';
import type { BasicOptions, Totals } from './basic-rows.js';

/** The module's bytes, base64, put in by the build (scripts/wasm.mjs). */
declare const __ROWS_WASM__: string | undefined;

/** What wasm/rows.ts exports. */
export interface RowsExports {
  memory: WebAssembly.Memory;
  IN_AT: WebAssembly.Global;
  STOP_OUTPUT_FULL: WebAssembly.Global;
  STOP_DECLINED: WebAssembly.Global;
  configure(device: number, showPath: number, kernelNames: number, startStack: bigint): void;
  runMaps(from: number, to: number): number;
  runSmaps(from: number, to: number, eof: number): number;
  reason(): number;
  rows(): number;
  lines(): number;
  lastRowLine(): number;
  outputStart(): number;
  outputEnd(): number;
  takeOutput(): void;
  total(which: number): bigint;
  /** The table's measuring pass (wasm/table.ts). */
  TABLE_OUTPUT_FULL: WebAssembly.Global;
  TABLE_DECLINED: WebAssembly.Global;
  LINES_MAX: WebAssembly.Global;
  LINE_BYTES: WebAssembly.Global;
  LINE_ENABLED: WebAssembly.Global;
  LINE_NODE_MATCH: WebAssembly.Global;
  configureTable(mask: number, mapping: number, path: number, vmFlags: number, quiet: number): void;
  lineTableAt(): number;
  setTableLines(count: number): void;
  runTable(from: number, to: number, state: number, line: number, node: number): number;
  tableReason(): number;
  tableState(): number;
  tableLine(): number;
  tableNode(): number;
  tableMappings(): number;
  openCountAt(): number;
  carriedCount(): number;
  lastFlags(): number;
  widestFlags(): number;
  sawVmFlags(): number;
  headerWidth(column: number): number;
  nodeLast(k: number): number;
  nodeSum(k: number): bigint;
  nodeWidth(k: number): number;
  /** The table's rows (wasm/print.ts). */
  configurePrint(headers: number, fields: number, mapping: number, stores: number, flags: number, flagsWidth: number, rowMax: number, limit: number): void;
  setHeaderWidth(i: number, width: number): void;
  setFieldWidth(k: number, width: number): void;
  setValueAt(k: number, at: number): void;
  valueAt(k: number): number;
  printFlagsAt(): number;
  startPrint(at: number, mappings: number, flags: number): void;
  printRows(): number;
}

/** total()'s argument for each of pmap's totals. */
export const TOTAL_KEYS: readonly (keyof Totals)[] = ['shared', 'privateWriteable', 'privateReadonly', 'rss', 'sharedDirty', 'privateDirty'];

const PAGE_BYTES = 64 * 1024;

/**
 * A mapping's lines are a few KiB: an unfinished rest of a block longer
 * than this is something else (a line of many MiB), which the JavaScript
 * paths read in fgets() chunks instead of waiting for its end.
 */
export const UNFINISHED_MAX = 64 * 1024;
const LOAD_SLACK = 32;

/**
 * Blocks up to this size are copied into the module's memory. streamBytes
 * hands on about 1 MB; a larger block holds an unended line of many MiB,
 * which the JavaScript rows take without a second copy of it.
 */
export const BLOCK_MAX = 32 << 20;

let loaded: RowsExports | null | undefined;

/** Whether the build put the module in and this Node has WebAssembly (not under --no-expose-wasm). */
export function wasmBuilt(): boolean {
  return typeof __ROWS_WASM__ === 'string' && typeof WebAssembly === 'object';
}

/** The module's instance; null without WebAssembly or the build's bytes. */
export function rowsModule(): RowsExports | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (typeof WebAssembly !== 'object' || typeof __ROWS_WASM__ !== 'string') return loaded;
  try {
    const module = new WebAssembly.Module(Buffer.from(__ROWS_WASM__, 'base64'));
    loaded = new WebAssembly.Instance(module, {}).exports as unknown as RowsExports;
  } catch {
    loaded = null;
  }
  return loaded;
}

/** One block in the module's memory, and its rows handed out. */
export class WasmBlock {
  readonly inAt: number;
  readonly outputFull: number;
  readonly declined: number;
  memory = new Uint8Array(0);

  constructor(readonly wasm: RowsExports) {
    this.inAt = wasm.IN_AT.value as number;
    this.outputFull = wasm.STOP_OUTPUT_FULL.value as number;
    this.declined = wasm.STOP_DECLINED.value as number;
  }

  /**
   * Copy `bytes` in (the memory grown to fit), with the newline the module
   * stops at after it; false, and nothing copied, for a block over
   * BLOCK_MAX (the JavaScript rows take it).
   */
  load(bytes: Uint8Array): boolean {
    if (bytes.length > BLOCK_MAX) return false;
    const memory = this.wasm.memory;
    // The sentinel, and room for the eight-byte loads past the end of wasm/print.ts's putRight().
    const short = this.inAt + bytes.length + LOAD_SLACK - memory.buffer.byteLength;
    if (short > 0) memory.grow(Math.ceil(short / PAGE_BYTES));
    this.memory = new Uint8Array(memory.buffer);
    this.memory.set(bytes, this.inAt);
    this.memory[this.inAt + bytes.length] = 0x0a;
    return true;
  }

  /**
   * The last row's line, scanned again into `into` as the formatter needs
   * it (the module takes only lines this scanner takes: wasm-rows.test.ts);
   * false when the run wrote no row.
   */
  lastRow(bytes: Buffer, into: FastMapsLine): boolean {
    if (this.wasm.rows() === 0) return false;
    const lineAt = this.wasm.lastRowLine() - this.inAt;
    scanKernelMapsLine(bytes, lineAt, bytes.indexOf(0x0a, lineAt), into);
    return true;
  }

  /** The rows the last run wrote, to `sink`, and the output area emptied. */
  handOut(sink: (bytes: Uint8Array) => void): void {
    const wasm = this.wasm;
    const from = wasm.outputStart();
    const to = wasm.outputEnd();
    if (to > from) sink(this.memory.subarray(from, to));
    wasm.takeOutput();
  }

  /** The first `count` totals (in TOTAL_KEYS' order) since configure(), as the formatter's U64 values. */
  totals(count: number): Partial<Totals> {
    const totals: Partial<Totals> = {};
    for (let which = 0; which < count; which++) totals[TOTAL_KEYS[which]!] = normalize(this.wasm.total(which));
    return totals;
  }
}

/**
 * The module with one process's options, for a file of more than one
 * block; null (the JavaScript rows) for a file read in one block, where
 * making the instance (about 0.5 ms) would cost more than it saves, or
 * without WebAssembly.
 */
export function blockFor(options: BasicOptions, firstBlockIsLast: boolean): WasmBlock | null {
  const wasm = firstBlockIsLast ? null : rowsModule();
  if (wasm === null) return null;
  const stack = BigInt.asUintN(64, BigInt(options.startStack));
  wasm.configure(options.mode === 'device' ? 1 : 0, options.showPath ? 1 : 0, options.kernelNames ? 1 : 0, stack);
  return new WasmBlock(wasm);
}

/**
 * What a row class keeps of the module for one process: its block, made at
 * the first feed (null: the JavaScript rows), and the last row's line.
 */
export class WasmFeed {
  private block: WasmBlock | null | undefined;
  readonly last = newFastMapsLine();

  /** `everyFile`: the module even for a file read in one block (for tests). */
  constructor(
    private readonly options: BasicOptions,
    private readonly everyFile: boolean,
  ) {}

  /** The block holding `bytes` now, or null: the JavaScript rows take them. */
  take(bytes: Buffer, eof: boolean): WasmBlock | null {
    if (this.block === undefined) this.block = blockFor(this.options, eof && !this.everyFile);
    return this.block !== null && this.block.load(bytes) ? this.block : null;
  }

  /** The module's first `count` totals; none when it never ran. */
  totals(count: number): Partial<Totals> {
    return this.block ? this.block.totals(count) : {};
  }
}
