/**
 * -x through WebAssembly (wasm/rows.ts's runSmaps()): whole mappings whose
 * lines are all plain become rows inside the module; any other mapping goes
 * through ExtendedBytes (JavaScript), line by line, up to the next line
 * that is not a key line. See wasm-module.ts for why.
 */
import { isSmapsKeyStart } from '../parse/maps.js';
import type { BasicFormatter, BasicOptions } from './basic.js';
import { ExtendedBytes } from './extended-bytes.js';
import { UNFINISHED_MAX, WasmBlock, WasmFeed, wasmBuilt } from './wasm-module.js';

/** -x rows: WebAssembly where it runs, else JavaScript. */
export function newExtendedRows(formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void): ExtendedBytes {
  return wasmBuilt() ? new WasmExtendedBytes(formatter, options, sink) : new ExtendedBytes(formatter, options, sink);
}

export class WasmExtendedBytes extends ExtendedBytes {
  private readonly wasm: WasmFeed;

  /** `everyFile`: the module even for a file read in one block (for tests). */
  constructor(formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void, everyFile = false) {
    super(formatter, options, sink);
    this.wasm = new WasmFeed(options, everyFile);
  }

  /** Consume the whole lines of `bytes` (all of it at EOF); returns how many bytes. */
  override feed(bytes: Buffer, eof: boolean): number {
    if (!this.started) this.begin();
    const length = bytes.length;
    if (this.formatter.isStopped) return length;
    const block = this.wasm.take(bytes, eof);
    if (block === null) return super.feed(bytes, eof);
    const wasm = block.wasm;
    let pos = 0;
    while (pos < length) {
      this.flush();
      pos = wasm.runSmaps(block.inAt + pos, block.inAt + length, eof ? 1 : 0) - block.inAt;
      this.adopt(bytes, block);
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
    this.formatter.addTotals(this.wasm.totals(6));
    super.end();
  }

  /**
   * After a run: its rows go out, and the formatter takes its last mapping
   * line as if it had scanned it, then its Swap line's reset.
   */
  private adopt(bytes: Buffer, block: WasmBlock): void {
    if (!block.lastRow(bytes, this.wasm.last)) return;
    this.settle();
    const formatter = this.formatter;
    formatter.countLines(block.wasm.lines() - 1);
    formatter.acceptScanned(this.wasm.last, bytes, true);
    formatter.swapReset();
    block.handOut(this.sink);
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
