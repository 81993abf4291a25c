/**
 * The -X, -XX and -c table's rows through WebAssembly (wasm/print.ts): the
 * record stream of a segment is copied into the module, which writes the
 * rows as table/print.ts's printSegment() does, into its output area, passed
 * on as it fills. Only for a segment of many rows: for a small table making
 * the instance would cost more than it saves.
 *
 * Why: after the measuring pass moved into the module, the row loop was the
 * main thread's largest JavaScript in -XX on 61,000 mappings (cpu profile),
 * and it runs after the whole file is read, so all of it adds to the wall
 * time.
 */
import type { PieceWriter, RowState, RowWidths } from './table/print.js';
import { WasmBlock, rowsModule } from './wasm-module.js';

/** Segments of fewer rows are printed by JavaScript. */
export const WASM_ROWS_MIN = 2000;

/** What printSegment() needs of the table, besides the widths. */
export interface RowLayout {
  showMapping: boolean;
  storesFlags: boolean;
  showFlags: boolean;
  /** The longest a row can be. */
  lineMax: number;
}

/**
 * `mappings` rows from the records at st[r, end) into `out`, state kept
 * as printSegment() keeps it: false (nothing printed) where the module
 * cannot take them.
 */
export function printSegmentWasm(
  layout: RowLayout, widths: RowWidths, out: PieceWriter, st: Uint8Array, r: number, end: number, mappings: number, state: RowState,
): boolean {
  const wasm = rowsModule();
  const count = widths.fields.length;
  if (wasm === null || count > (wasm.LINES_MAX.value as number)) return false;
  const block = new WasmBlock(wasm);
  const inAt = block.inAt;
  if (layout.lineMax + 64 > inAt - wasm.outputStart() || !block.load(st.subarray(0, end))) return false;
  wasm.takeOutput();
  wasm.configurePrint(
    widths.header.length, count, +layout.showMapping, +layout.storesFlags, +layout.showFlags, widths.flags, layout.lineMax, inAt,
  );
  for (let i = 0; i < widths.header.length; i++) wasm.setHeaderWidth(i, widths.header[i]!);
  for (let k = 0; k < count; k++) {
    wasm.setFieldWidth(k, widths.fields[k]!);
    wasm.setValueAt(k, inAt + state.valueAt[k]!);
  }
  // 0 stands for no flags read yet (the stream starts at inAt).
  wasm.startPrint(inAt + r, mappings, state.flagsAt >= 0 ? inAt + state.flagsAt : 0);
  for (;;) {
    const left = wasm.printRows();
    const from = wasm.outputStart();
    out.flush();
    out.emitView(Buffer.from(block.memory.buffer, from, wasm.outputEnd() - from));
    wasm.takeOutput();
    if (left === 0) break;
  }
  for (let k = 0; k < count; k++) state.valueAt[k] = wasm.valueAt(k) - inAt;
  const flagsAt = wasm.printFlagsAt();
  state.flagsAt = flagsAt === 0 ? -1 : flagsAt - inAt;
  return true;
}
