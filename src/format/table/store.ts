/**
 * The compact record stream the measuring pass leaves for the printing
 * pass: what keeps -X fast and small on 60,000 mappings. Each mapping is
 * one record holding only what is printed, each span as a length byte and
 * its latin1 bytes: the address, the shown ones of perms/offset/device/inode,
 * the mapping's name as printed (base name unless -p), a 4-byte count of
 * field values and the values, then (when VmFlags can show) the flags or
 * NO_FLAGS.
 */

/** Initial size of the stream; it doubles as needed. */
export const STORE_BYTES = 1 << 16;

/**
 * Past this many bytes in memory, whole records move to a scratch file
 * (a ScratchFile) at the next record's start: -X on 500,000 mappings keeps
 * a few MiB in memory instead of ~50 MiB (and twice that while doubling).
 */
export const SPILL_BYTES = 4 << 20;

/** The byte that says a mapping has no VmFlags line (a flags span is at most 127 bytes). */
export const NO_FLAGS = 0xff;

/**
 * Where records go past SPILL_BYTES: cli/ passes proc/spill.ts's unlinked
 * temporary file (this layer does no I/O itself).
 */
export interface ScratchFile {
  /** Write bytes[0, length) at `position`; false when it fails. */
  write(bytes: Uint8Array, length: number, position: number): boolean;
  /** Read `length` bytes at `position` into target[offset...]. */
  read(target: Uint8Array, offset: number, length: number, position: number): void;
  close(): void;
}

/** Makes a scratch file, or null when none can be had (the records then stay in memory). */
export type ScratchFactory = () => ScratchFile | null;

/** A run of whole records moved to the scratch file. */
export interface SpilledChunk {
  /** Where it starts in the stream (and in the file), its length, its records. */
  start: number;
  length: number;
  mappings: number;
}

/**
 * The stream. `bytes[0, length)` is the part in memory, starting at stream
 * position `base`; positions kept across records (the last value of each
 * field, the last VmFlags) are stream positions, base + index.
 */
export class RecordStore {
  bytes = new Uint8Array(0);
  length = 0;
  base = 0;
  /** Records before `base`, in the scratch file. */
  readonly spilled: SpilledChunk[] = [];
  private spilledMappings = 0;
  private spill: ScratchFile | null = null;
  /** No scratch file could be made or written: keep everything in memory. */
  private spillFailed: boolean;

  constructor(private readonly scratch: ScratchFactory | null = null) {
    this.spillFailed = scratch === null;
  }

  /**
   * The first block, kept from one process to the next: a fresh zeroed
   * 64 KiB per process was 1.6 ms of a -X run over 73 small processes
   * (cpu profile). Grown blocks are still dropped once printed.
   */
  private firstBlock: Uint8Array<ArrayBuffer> | null = null;

  /** An empty stream for the next file. */
  reset(): void {
    this.release();
    this.bytes = this.firstBlock ?? new Uint8Array(STORE_BYTES);
    this.firstBlock = null;
  }

  /** Drop the bytes once printed. */
  release(): void {
    if (this.bytes.length === STORE_BYTES) this.firstBlock = this.bytes;
    this.bytes = new Uint8Array(0);
    this.length = 0;
    this.base = 0;
    this.spilled.length = 0;
    this.spilledMappings = 0;
    this.spill?.close();
    this.spill = null;
  }

  /** A stream position's place: where the next byte goes. */
  position(): number {
    return this.base + this.length;
  }

  /** Records in memory, of `mappings` so far. */
  mappingsInMemory(mappings: number): number {
    return mappings - this.spilledMappings;
  }

  /**
   * At a record's start (`mappings` records so far, all complete): move
   * the bytes in memory to the scratch file once they pass SPILL_BYTES.
   */
  startRecord(mappings: number): void {
    if (this.length < SPILL_BYTES || this.spillFailed) return;
    this.spill ??= this.scratch!();
    if (this.spill === null || !this.spill.write(this.bytes, this.length, this.base)) {
      this.spillFailed = true;
      return;
    }
    this.spilled.push({ start: this.base, length: this.length, mappings: mappings - this.spilledMappings });
    this.spilledMappings = mappings;
    this.base += this.length;
    this.length = 0;
  }

  /** Read a spilled chunk's bytes into target[offset...]. */
  readSpilled(chunk: SpilledChunk, target: Uint8Array, offset: number): void {
    this.spill!.read(target, offset, chunk.length, chunk.start);
  }

  /** Make room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = Math.max(this.bytes.length * 2, STORE_BYTES);
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** A length byte and text[start, end) (at most 127 bytes; room reserved). */
  span(text: string, start: number, end: number): void {
    const bytes = this.bytes;
    let at = this.length;
    bytes[at++] = end - start;
    for (let i = start; i < end; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** A length byte and a short string's bytes. */
  spanString(text: string): void {
    this.reserve(text.length + 1);
    this.span(text, 0, text.length);
  }

  /** Room for a 4-byte count, filled in later by setCount(): where it is in memory. */
  placeCount(): number {
    const at = this.length;
    this.length += 4;
    return at;
  }

  setCount(at: number, count: number): void {
    const bytes = this.bytes;
    bytes[at] = count & 0xff;
    bytes[at + 1] = (count >>> 8) & 0xff;
    bytes[at + 2] = (count >>> 16) & 0xff;
    bytes[at + 3] = count >>> 24;
  }

  /** The span (length byte and bytes) at stream position `at`, from memory or the scratch file. */
  spanAt(at: number): Uint8Array {
    if (at >= this.base) {
      const local = at - this.base;
      return this.bytes.subarray(local, local + 1 + this.bytes[local]!);
    }
    const head = new Uint8Array(1);
    this.spill!.read(head, 0, 1, at);
    const span = new Uint8Array(1 + head[0]!);
    this.spill!.read(span, 0, span.length, at);
    return span;
  }

  /** The span at stream position `at` as a flat string (so it does not pin the stream). */
  stringAt(at: number): string {
    const span = this.spanAt(at);
    return latin1String(span, 1, span.length);
  }
}

/** The latin1 bytes of text[start, end). */
export function latin1Bytes(text: string, start: number, end: number): Uint8Array {
  const codes = new Uint8Array(end - start);
  for (let i = start; i < end; i++) codes[i - start] = text.charCodeAt(i);
  return codes;
}

/** A flat (unsliced) string of latin1 bytes, so it does not pin a block. */
export function latin1String(codes: Uint8Array, start = 0, end = codes.length): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(codes[i]!);
  return text;
}
