/**
 * -x through WebAssembly (wasm/rows.ts's runSmaps()): whole mappings whose
 * lines are all plain become rows inside the module; any other mapping goes
 * through ExtendedBytes (JavaScript), line by line, up to the next line
 * that is not a key line. See wasm-module.ts for why.
 */
import { isSmapsKeyStart } from '../parse/maps.js';
import { newFastMapsLine, scanKernelMapsLine } from '../parse/maps-fast.js';
import type { BasicFormatter, BasicOptions } from './basic.js';
import { ExtendedBytes } from './extended-bytes.js';
import { BLOCK_MAX, RowsExports, WasmBlock, rowsModule } from './wasm-module.js';
import { configureRows } from './wasm-rows.js';

/** -x rows: WebAssembly where it runs, else JavaScript. */
export function newExtendedRows(formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void): ExtendedBytes {
  const wasm = rowsModule();
  return wasm === null ? new ExtendedBytes(formatter, options, sink) : new WasmExtendedBytes(formatter, options, sink, wasm);
}

/** A mapping's lines are a few KiB: a longer unfinished rest is something else. */
const UNFINISHED_MAX = 64 * 1024;

export class WasmExtendedBytes extends ExtendedBytes {
  private readonly block: WasmBlock;
  private readonly last = newFastMapsLine();

  constructor(formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void, private readonly wasm: RowsExports) {
    super(formatter, options, sink);
    this.block = new WasmBlock(wasm);
    configureRows(wasm, options);
  }

  /** Consume the whole lines of `bytes` (all of it at EOF); returns how many bytes. */
  override feed(bytes: Buffer, eof: boolean): number {
    // No warm-up: that is for the JavaScript loop.
    if (!this.started) this.begin();
    const length = bytes.length;
    if (this.formatter.isStopped) return length;
    if (length > BLOCK_MAX) return super.feed(bytes, eof);
    const { wasm, block } = this;
    block.load(bytes);
    let pos = 0;
    while (pos < length) {
      this.flush();
      pos = wasm.runSmaps(block.inAt + pos, block.inAt + length, eof ? 1 : 0) - block.inAt;
      this.adopt(bytes);
      const reason = wasm.reason();
      if (reason === block.outputFull) continue;
      let next: number;
      if (reason === block.declined) {
        // A mapping the module does not take, through the JavaScript rows.
        next = mappingEnd(bytes, pos);
      } else {
        // The block ends inside a mapping: the rest waits for the next
        // block, unless it is too long for a plain mapping (such as a line
        // of many MiB), which the JavaScript rows read in fgets() chunks.
        if (length - pos <= UNFINISHED_MAX) break;
        next = length;
      }
      const used = super.feed(bytes.subarray(pos, next), eof && next === length);
      if (this.formatter.isStopped) return length;
      pos += used;
      if (pos < next) break;
    }
    return pos;
  }

  override end(): void {
    this.formatter.addTotals(this.block.totals(6));
    super.end();
  }

  /**
   * After a run: its rows go out, and the formatter takes its last mapping
   * line as if it had scanned it, then its Swap line's reset.
   */
  private adopt(bytes: Buffer): void {
    const rows = this.wasm.rows();
    if (rows === 0) return;
    const lineAt = this.wasm.lastRowLine() - this.block.inAt;
    scanKernelMapsLine(bytes, lineAt, bytes.indexOf(0x0a, lineAt), this.last);
    this.settle();
    const formatter = this.formatter;
    formatter.countLines(this.wasm.lines() - 1);
    formatter.acceptScanned(this.last, bytes, true);
    formatter.swapReset();
    this.block.handOut(this.sink);
  }
}

/** Where the mapping from pos ends: the start of the next line that is not a key line (or the end). */
function mappingEnd(bytes: Buffer, pos: number): number {
  let at = pos;
  do {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) return bytes.length;
    at = nl + 1;
  } while (at < bytes.length && isSmapsKeyStart(bytes[at]!));
  return at;
}
