/**
 * The default and -d listings through WebAssembly (wasm/maps-rows.ts): the
 * kernel-formatted lines of a block become rows inside the module, and
 * every other line goes through BasicBytes (JavaScript), as before.
 *
 * Why: JavaScript's byte loop is fast only once TurboFan has compiled it.
 * On a 60,000-mapping maps file the first 1 MB block took 29 ms where each
 * later one took 4.3 ms, because the loop ran interpreted while the
 * compiler thread worked (traced with --trace-opt and timed per block).
 * The module needs no warm-up: it compiled in 0.7 ms and wrote all 61,000
 * rows in 9 ms.
 *
 * Where WebAssembly is missing (bin/tspmap.js runs `node --jitless
 * --no-expose-wasm` under a small `ulimit -v`), newBasicRows() returns the
 * JavaScript rows.
 */
import { newFastMapsLine, scanKernelMapsLine } from '../parse/maps-fast.js';
import { normalize } from '../parse/u64.js';
import { BasicBytes } from './basic-bytes.js';
import type { BasicFormatter, BasicOptions } from './basic.js';

/** The module's bytes, base64, put in by the build (scripts/wasm.mjs). */
declare const __MAPS_ROWS_WASM__: string | undefined;

/** What wasm/maps-rows.ts exports. */
interface MapsRowsExports {
  memory: WebAssembly.Memory;
  IN_AT: WebAssembly.Global;
  STOP_OUTPUT_FULL: WebAssembly.Global;
  STOP_DECLINED: WebAssembly.Global;
  configure(device: number, showPath: number, kernelNames: number, startStack: bigint): void;
  run(from: number, to: number): number;
  reason(): number;
  rows(): number;
  lastRowLine(): number;
  outputStart(): number;
  outputEnd(): number;
  takeOutput(): void;
  sharedTotal(): bigint;
  privateWriteableTotal(): bigint;
  privateReadonlyTotal(): bigint;
}

const PAGE_BYTES = 64 * 1024;

let loaded: MapsRowsExports | null | undefined;

/** The module's instance, made on first use; null without WebAssembly or the build's bytes. */
export function mapsRowsModule(): MapsRowsExports | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (typeof __MAPS_ROWS_WASM__ !== 'string' || typeof WebAssembly !== 'object') return loaded;
  try {
    const module = new WebAssembly.Module(Buffer.from(__MAPS_ROWS_WASM__, 'base64'));
    loaded = new WebAssembly.Instance(module, {}).exports as unknown as MapsRowsExports;
  } catch {
    loaded = null;
  }
  return loaded;
}

/** Rows for the default and -d modes: WebAssembly where it runs, else JavaScript. */
export function newBasicRows(formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void): BasicBytes {
  const wasm = mapsRowsModule();
  return wasm === null ? new BasicBytes(formatter, options, sink) : new WasmBasicBytes(formatter, options, sink, wasm);
}

export class WasmBasicBytes extends BasicBytes {
  private readonly inAt: number;
  private readonly outputFull: number;
  private readonly declined: number;
  private readonly last = newFastMapsLine();

  constructor(formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void, private readonly wasm: MapsRowsExports) {
    super(formatter, options, sink);
    this.inAt = wasm.IN_AT.value as number;
    this.outputFull = wasm.STOP_OUTPUT_FULL.value as number;
    this.declined = wasm.STOP_DECLINED.value as number;
    const stack = options.startStack;
    wasm.configure(options.mode === 'device' ? 1 : 0, options.showPath ? 1 : 0, options.kernelNames ? 1 : 0, BigInt.asUintN(64, BigInt(stack)));
  }

  /** Consume the whole lines of `bytes` (all of it at EOF); returns how many bytes. */
  override feed(bytes: Buffer, eof: boolean): number {
    // No warm-up: that is for the JavaScript loop.
    if (!this.started) this.begin();
    const wasm = this.wasm;
    const length = bytes.length;
    // An error (an undefined field) or -A has ended this process's rows.
    if (this.formatter.isStopped) return length;
    const memory = this.input(length + 1);
    memory.set(bytes, this.inAt);
    // The sentinel run() stops at: no line reads past the block.
    memory[this.inAt + length] = 0x0a;
    let pos = 0;
    while (pos < length) {
      this.flush();
      pos = wasm.run(this.inAt + pos, this.inAt + length) - this.inAt;
      this.adopt(bytes, memory);
      const reason = wasm.reason();
      if (reason === this.outputFull) continue;
      let next: number;
      if (reason === this.declined) {
        next = bytes.indexOf(0x0a, pos) + 1;
      } else {
        // No newline follows pos: the rest waits for the next block, or is
        // the file's last, unended line.
        if (!eof || pos >= length) break;
        next = length;
      }
      // One line the module does not take, through the JavaScript rows.
      super.feed(bytes.subarray(pos, next), eof && next === length);
      if (this.formatter.isStopped) return length;
      pos = next;
    }
    return pos;
  }

  override end(): void {
    const wasm = this.wasm;
    this.formatter.addSizes(normalize(wasm.sharedTotal()), normalize(wasm.privateWriteableTotal()), normalize(wasm.privateReadonlyTotal()));
    super.end();
  }

  /** The module's memory, grown to hold `length` input bytes. */
  private input(length: number): Uint8Array {
    const memory = this.wasm.memory;
    const short = this.inAt + length - memory.buffer.byteLength;
    if (short > 0) memory.grow(Math.ceil(short / PAGE_BYTES));
    return new Uint8Array(memory.buffer);
  }

  /**
   * After run(): its rows go out, and the formatter takes its last line as
   * if it had scanned it (a later unusual line may reuse its fields).
   */
  private adopt(bytes: Buffer, memory: Uint8Array): void {
    const wasm = this.wasm;
    const rows = wasm.rows();
    if (rows === 0) return;
    const lineAt = wasm.lastRowLine() - this.inAt;
    scanKernelMapsLine(bytes, lineAt, bytes.indexOf(0x0a, lineAt), this.last);
    this.formatter.countLines(rows - 1);
    this.formatter.acceptScanned(this.last, bytes, true);
    this.sink(memory.subarray(wasm.outputStart(), wasm.outputEnd()));
    wasm.takeOutput();
  }
}
