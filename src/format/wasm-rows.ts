/**
 * The default and -d listings through WebAssembly (wasm/rows.ts's
 * runMaps()): the kernel-formatted lines of a block become rows inside the
 * module, and every other line goes through BasicBytes (JavaScript), as
 * before. See wasm-module.ts for why.
 */
import { BasicBytes } from './basic-bytes.js';
import type { BasicFormatter, BasicOptions } from './basic.js';
import { WasmBlock, WasmFeed, wasmBuilt } from './wasm-module.js';

/** Rows for the default and -d modes: WebAssembly where it runs, else JavaScript. */
export function newBasicRows(formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void): BasicBytes {
  return wasmBuilt() ? new WasmBasicBytes(formatter, options, sink) : new BasicBytes(formatter, options, sink);
}

export class WasmBasicBytes extends BasicBytes {
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
    // An error (an undefined field) or -A has ended this process's rows.
    if (this.formatter.isStopped) return length;
    const block = this.wasm.take(bytes, eof);
    if (block === null) return super.feed(bytes, eof);
    const wasm = block.wasm;
    let pos = 0;
    while (pos < length) {
      this.flush();
      pos = wasm.runMaps(block.inAt + pos, block.inAt + length) - block.inAt;
      this.adopt(bytes, block);
      const reason = wasm.reason();
      if (reason === block.outputFull) continue;
      let next: number;
      if (reason === block.declined) {
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
    this.formatter.addTotals(this.wasm.totals(3));
    super.end();
  }

  /**
   * After a run: its rows go out, and the formatter takes its last line as
   * if it had scanned it (a later unusual line may reuse its fields).
   */
  private adopt(bytes: Buffer, block: WasmBlock): void {
    if (!block.lastRow(bytes, this.wasm.last)) return;
    this.formatter.countLines(block.wasm.rows() - 1);
    this.formatter.acceptScanned(this.wasm.last, bytes, true);
    block.handOut(this.sink);
  }
}
