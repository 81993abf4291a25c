/**
 * The default and -d listings through WebAssembly (wasm/rows.ts's
 * runMaps()): the kernel-formatted lines of a block become rows inside the
 * module, and every other line goes through BasicBytes (JavaScript), as
 * before. See wasm-module.ts for why.
 */
import { newFastMapsLine, scanKernelMapsLine } from '../parse/maps-fast.js';
import { BasicBytes } from './basic-bytes.js';
import type { BasicFormatter, BasicOptions } from './basic.js';
import { BLOCK_MAX, RowsExports, WasmBlock, rowsModule } from './wasm-module.js';

/** Rows for the default and -d modes: WebAssembly where it runs, else JavaScript. */
export function newBasicRows(formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void): BasicBytes {
  const wasm = rowsModule();
  return wasm === null ? new BasicBytes(formatter, options, sink) : new WasmBasicBytes(formatter, options, sink, wasm);
}

/** The module's configure() for one process. */
export function configureRows(wasm: RowsExports, options: BasicOptions): void {
  const stack = BigInt.asUintN(64, BigInt(options.startStack));
  wasm.configure(options.mode === 'device' ? 1 : 0, options.showPath ? 1 : 0, options.kernelNames ? 1 : 0, stack);
}

export class WasmBasicBytes extends BasicBytes {
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
    // An error (an undefined field) or -A has ended this process's rows.
    if (this.formatter.isStopped) return length;
    if (length > BLOCK_MAX) return super.feed(bytes, eof);
    const { wasm, block } = this;
    block.load(bytes);
    let pos = 0;
    while (pos < length) {
      this.flush();
      pos = wasm.runMaps(block.inAt + pos, block.inAt + length) - block.inAt;
      this.adopt(bytes);
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
    this.formatter.addTotals(this.block.totals(3));
    super.end();
  }

  /**
   * After a run: its rows go out, and the formatter takes its last line as
   * if it had scanned it (a later unusual line may reuse its fields).
   */
  private adopt(bytes: Buffer): void {
    const rows = this.wasm.rows();
    if (rows === 0) return;
    const lineAt = this.wasm.lastRowLine() - this.block.inAt;
    scanKernelMapsLine(bytes, lineAt, bytes.indexOf(0x0a, lineAt), this.last);
    this.formatter.countLines(rows - 1);
    this.formatter.acceptScanned(this.last, bytes, true);
    this.block.handOut(this.sink);
  }
}
