/**
 * -X, -XX and -c/-C output: pmap's print_extended_maps() over the text of
 * /proc/PID/smaps (latin1: one char is one byte).
 *
 * pmap reads the file twice: a first pass measures column widths, builds
 * the list of fields and adds up their totals, a second pass prints. Here
 * the measuring pass (table/measure.ts, over the fgets() chunks of
 * parse/fgets-reader.ts) reads the text once, block by block (begin(),
 * feed(), finish()), and keeps only the bytes the printing pass prints in a
 * compact record stream (table/store.ts), which the printing pass
 * (table/print.ts) replays at the end.
 *
 * One run covers all PIDs, as pmap's field list and totals outlive a
 * process (table/field-list.ts).
 */
import { FgetsReader } from '../parse/fgets-reader.js';
import { TableColumns, TableConfig } from './table/config.js';
import { SmapsMeasure } from './table/measure.js';
import { PIECE_BYTES, PieceWriter, printTable } from './table/print.js';
import { TableBytes } from './wasm-table.js';

export type { TableConfig } from './table/config.js';
export { INCONSISTENT_FIELD, UNKNOWN_FORMAT } from './table/measure.js';

export interface TableRender {
  text: string;
  /** Set when pmap would stop with xerrx(): the message, exit status 1. */
  fatal?: string;
}

/**
 * One run over all PIDs. Per PID: begin(), feed() for each block of the
 * smaps text (blocks may be cut anywhere; an unfinished last line waits for
 * the next block), then finish(). render() does all three over one string.
 */
export class SmapsTableRun {
  private readonly measure: SmapsMeasure;
  private readonly reader: FgetsReader;
  private readonly bytes: TableBytes;
  /** The output buffer, lent from one process's table to the next. */
  private pieceBuffer: Buffer | undefined;

  /** `wasmEveryFile`: the WebAssembly measure even for a file read in one block (a run over many PIDs, and tests). */
  constructor(config: TableConfig, wasmEveryFile = false) {
    this.measure = new SmapsMeasure(new TableColumns(config));
    this.reader = new FgetsReader(this.measure);
    this.bytes = new TableBytes(this.measure, this.reader, wasmEveryFile);
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
    this.measure.begin();
    this.reader.reset();
    this.bytes.begin();
  }

  /** The next block of the file: any cut, best at a line's end. False once pmap would have stopped reading. */
  feed(block: string): boolean {
    return this.reader.feed(block);
  }

  /**
   * The unconsumed bytes of the file, as proc/procfs.ts's streamBytes()
   * hands them on (`eof`: all that will come): how many it consumed, or -1
   * once pmap would have stopped reading.
   */
  feedBytes(bytes: Buffer, eof: boolean): number {
    return this.bytes.feed(bytes, eof);
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
    const measure = this.measure;
    this.reader.end();
    measure.end();
    const fatal = measure.fatal;
    if (fatal === undefined) {
      measure.fields.flushSums();
      const writer = new PieceWriter(emit, this.pieceBuffer);
      printTable(measure, writer);
      // A buffer grown for one huge piece is not kept.
      this.pieceBuffer = writer.buf.length === PIECE_BYTES ? writer.buf : undefined;
    }
    measure.store.release();
    this.reader.reset();
    return fatal === undefined ? {} : { fatal };
  }
}
