/**
 * Warming the byte paths (basic-bytes.ts, extended-bytes.ts) before a big
 * file. TurboFan compiles their loops after a few thousand lines; a branch
 * those lines never took (the first flush, the first anonymous row, a key
 * line of another kind) then has no type feedback, and the optimised code
 * is thrown away ("Insufficient type feedback", --trace-deopt), costing a
 * recompile of 10-30 ms each time. So once per run and per sample, the same
 * code first runs over synthetic kernel lines of each kind, with the real
 * run's options and its output dropped.
 */
import { BasicFormatter } from './basic.js';
import type { BasicOptions } from './basic.js';

/** What a byte path offers for warming: the same calls a real run makes. */
export interface WarmableRows {
  begin(): void;
  /** Make the next row flush first, so the flushing branch runs too. */
  fillUp(): void;
  feed(bytes: Buffer, eof: boolean): number;
  end(): void;
}

/**
 * Sinks that drop what they are given. Two of them, taken in turn, so the
 * flush's call of its sink is left megamorphic: with one, the real run's
 * sink would be a "wrong call target" for the code compiled meanwhile.
 */
const DROP_SINKS = [(): void => undefined, (): void => undefined];

/** The mapping lines: a path, anonymous, shared, the stack, a kernel name. */
const MAPS_LINES = [
  '55e0c0000000-55e0c0001000 r--p 00000000 fe:00 1234                       /usr/bin/warm',
  '7f0000000000-7f0000021000 rw-p 00000000 00:00 0 ',
  '7f0000021000-7f0000022000 rw-s 00001000 00:01 5                          /memfd:warm (deleted)',
  '7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]',
  'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]',
];
/** Inside the stack line above: its row is "[ stack ]". */
const WARM_STACK = 0x7ffc00010000;

/** An smaps entry's lines as a 6.x kernel writes them, with some values set. */
function smapsKeys(kB: number): string[] {
  const keys = [
    'Size', 'KernelPageSize', 'MMUPageSize', 'Rss', 'Pss', 'Pss_Dirty', 'Shared_Clean', 'Shared_Dirty', 'Private_Clean',
    'Private_Dirty', 'Referenced', 'Anonymous', 'KSM', 'LazyFree', 'AnonHugePages', 'ShmemPmdMapped', 'FilePmdMapped',
    'Shared_Hugetlb', 'Private_Hugetlb', 'Swap', 'SwapPss', 'Locked',
  ];
  const lines = keys.map((key, i) => `${`${key}:`.padEnd(16)}${String(i % 3 === 0 ? kB : 0).padStart(8)} kB`);
  return [...lines, 'THPeligible:    0', 'VmFlags: rd wr mr mw me ac '];
}

export const WARM_MAPS = Buffer.from(`${MAPS_LINES.join('\n')}\n`, 'latin1');
export const WARM_SMAPS = Buffer.from(`${MAPS_LINES.flatMap((line, i) => [line, ...smapsKeys(4 * (i + 1))]).join('\n')}\n`, 'latin1');

/** A mapping line that one block ends inside, after PARTIAL_BYTES. */
const LAST_LINE = Buffer.from(`${MAPS_LINES[1]}\n`, 'latin1');
const PARTIAL_BYTES = 17;

/** Passes over a sample: V8 gives a function feedback only after some calls. */
const WARM_PASSES = 12;
const warmed = new Set<Buffer>();

/** Run `sample` through rows made by `make`, WARM_PASSES times, once per run. */
export function warmRows(options: BasicOptions, sample: Buffer, make: (formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void) => WarmableRows): void {
  if (warmed.has(sample)) return;
  warmed.add(sample);
  // Plain values: the real shmMinor may be a getter that reads a file.
  const { mode, quiet, showPath, kernelNames, printable } = options;
  const warmOptions: BasicOptions = { mode, quiet, showPath, range: null, startStack: WARM_STACK, shmMinor: -1, kernelNames, printable };
  for (let pass = 0; pass < WARM_PASSES; pass++) {
    const rows = make(new BasicFormatter(warmOptions, { start: 0 }), warmOptions, DROP_SINKS[pass % DROP_SINKS.length]!);
    rows.begin();
    if (pass % 2 === 1) {
      // A block that ends inside a line, as a real run's blocks do.
      rows.fillUp();
      const block = Buffer.concat([sample, LAST_LINE.subarray(0, PARTIAL_BYTES)]);
      const used = rows.feed(block, false);
      rows.feed(Buffer.concat([block.subarray(used), LAST_LINE.subarray(PARTIAL_BYTES)]), true);
    } else {
      rows.feed(sample, true);
    }
    rows.end();
  }
}
