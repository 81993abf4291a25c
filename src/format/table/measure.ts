/**
 * pmap's measuring pass over one smaps file at a time: fed fgets() chunks
 * (by parse/fgets-reader.ts), it measures the column widths, builds the
 * field list, adds up the totals, and keeps what the printing pass prints
 * in the record stream. Given the same text pmap's printing pass takes
 * exactly the measuring pass's path (it meets no error the first did not),
 * so the file is read once and the stream replayed (print.ts).
 */
import { FgetsSink } from '../../parse/fgets-reader.js';
import {
  DETAIL_WIDTH, NUM_WIDTH, VMFLAGS_WIDTH, newFieldLine, scanFieldLine, scanSmapsHeader, scanVmFlags,
} from '../../parse/smaps-line.js';
import { TableColumns } from './config.js';
import { fastFields } from './fast-fields.js';
import { FieldList, LineNames } from './field-list.js';
import { NO_FLAGS, RecordStore } from './store.js';

export const UNKNOWN_FORMAT = 'Unknown format in smaps file!';
export const INCONSISTENT_FIELD = 'ERROR: inconsistent detail field in smaps file, line:\n ';

/** Where the reading of one smaps file stands between two fgets() chunks. */
export const AT_HEADER = 0;
/** In a header line longer than mapbuf: its remaining chunks are dropped. */
const IN_LONG_HEADER = 1;
/** After a header: field lines, then maybe VmFlags. */
export const AT_FIELDS = 2;

export class SmapsMeasure implements FgetsSink {
  readonly store: RecordStore;
  readonly fields: FieldList;
  readonly lines: LineNames;
  /** Widest span met per HEADER_COLUMNS column (all five, shown or not), in this file. */
  readonly headerWidths = new Int32Array(5);
  flagsWidth = 0;
  hasVmFlags = false;
  /** Where the last VmFlags record is, a stream position (-1: none yet). */
  lastFlags = -1;
  mappings = 0;
  /** Set when pmap would stop with xerrx(): the message, exit status 1. */
  fatal: string | undefined;
  /** Field lines read in this mapping, and the enabled ones (the node reached); fastFields() moves them too. */
  line = 0;
  node = 0;
  private state = AT_HEADER;
  /** Where the current mapping's value count goes. */
  private countAt = 0;
  private readonly header = new Array<number>(12).fill(0);
  private readonly detail = newFieldLine();
  private readonly flagSpan = [0, 0];

  constructor(readonly columns: TableColumns) {
    this.store = new RecordStore(columns.scratch);
    this.fields = new FieldList(columns.quiet);
    this.lines = new LineNames((name) => columns.isEnabled(name));
  }

  /** Start a PID's smaps file. */
  begin(): void {
    this.store.reset();
    this.fields.beginFile();
    this.headerWidths.fill(0);
    this.flagsWidth = 0;
    this.hasVmFlags = false;
    this.lastFlags = -1;
    this.mappings = 0;
    this.fatal = undefined;
    this.line = this.node = this.countAt = 0;
    this.state = AT_HEADER;
  }

  /** End of the file. */
  end(): void {
    if (this.fatal !== undefined) return;
    if (this.state === AT_FIELDS) this.endFields(false);
    // pmap's fgets() loop never ends there; tspmap calls the file malformed.
    else if (this.state === IN_LONG_HEADER) this.fatal = UNKNOWN_FORMAT;
  }

  /** Where the reading stands at a line's start: AT_HEADER or AT_FIELDS. */
  get lineState(): number {
    return this.state;
  }

  /**
   * Go on after lines measured elsewhere (format/wasm-table.ts), which
   * left the state at `state`; `countAt`, where they placed the open
   * mapping's count in the store (-1: it is still the one placed here).
   */
  resume(state: number, countAt: number): void {
    this.state = state;
    if (countAt >= 0) this.countAt = countAt;
  }

  /** The open mapping, whose header was measured here, was ended elsewhere with `count` values. */
  endElsewhere(count: number): void {
    this.store.setCount(this.countAt, count);
  }

  bulk(text: string, pos: number, end: number): number {
    return this.state === AT_FIELDS ? fastFields(this, text, pos, end) : pos;
  }

  chunk(text: string, start: number, end: number): boolean {
    if (this.state === IN_LONG_HEADER) {
      if (end === start) this.fatal = UNKNOWN_FORMAT;
      else if (text.charCodeAt(end - 1) === 0x0a) this.startFields();
      return this.fatal === undefined;
    }
    if (this.state === AT_FIELDS) {
      const detail = this.detail;
      if (scanFieldLine(text, start, end, DETAIL_WIDTH, NUM_WIDTH, detail) === 2) {
        const line = this.line++;
        this.lines.resolve(line, text, start, detail.keyEnd);
        if (!this.lines.enabled[line]) return true;
        if (this.fields.add(this.node, this.lines.names[line]!, text, detail.valueStart, detail.valueEnd, this.store)) {
          this.node++;
          return true;
        }
        this.fatal = INCONSISTENT_FIELD + text.slice(start, end);
        return false;
      }
      const flags = scanVmFlags(text, start, end, this.flagSpan);
      this.endFields(flags ? text : false);
      this.state = AT_HEADER;
      // Not a field nor VmFlags: the next mapping's header.
      if (flags) return true;
    }
    this.headerChunk(text, start, end);
    return this.fatal === undefined;
  }

  private headerChunk(text: string, start: number, end: number): void {
    const h = this.header;
    if (scanSmapsHeader(text, start, end, h) < 6) {
      this.fatal = UNKNOWN_FORMAT;
      return;
    }
    const widths = this.headerWidths;
    for (let column = 0; column < 5; column++) {
      const width = h[2 * column + 1]! - h[2 * column]!;
      if (width > widths[column]!) widths[column] = width;
    }
    const store = this.store;
    const columns = this.columns;
    store.startRecord(this.mappings);
    store.reserve(6 * 128 + 4);
    for (const column of columns.shownHeader) store.span(text, h[2 * column]!, h[2 * column + 1]!);
    if (columns.showMapping) {
      let descStart = h[10]!;
      const descEnd = h[11]!;
      if (!columns.showPath) {
        // strrchr(map_desc, '/'): what follows the last '/'. (Not
        // lastIndexOf(), which would search on through the whole block.)
        for (let i = descEnd - 1; i >= descStart; i--) {
          if (text.charCodeAt(i) === 0x2f) {
            descStart = i + 1;
            break;
          }
        }
      }
      store.span(text, descStart, descEnd);
    }
    this.countAt = store.placeCount();
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

  /** The mapping's fields are over; `flags` is the text whose flagSpan holds its VmFlags. */
  private endFields(flags: string | false): void {
    const store = this.store;
    store.setCount(this.countAt, this.node);
    const [start, end] = this.flagSpan as [number, number];
    if (flags !== false) {
      if (end - start > this.flagsWidth) this.flagsWidth = end - start;
      this.hasVmFlags = true;
    }
    if (!this.columns.showVmFlags) return;
    store.reserve(VMFLAGS_WIDTH + 1);
    if (flags !== false) {
      this.lastFlags = store.position();
      store.span(flags, start, end);
    } else {
      store.bytes[store.length++] = NO_FLAGS;
    }
  }
}
