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

/** The byte that says a mapping has no VmFlags line (a flags span is at most 127 bytes). */
export const NO_FLAGS = 0xff;

export class RecordStore {
  bytes = new Uint8Array(0);
  length = 0;

  /** An empty stream for the next file. */
  reset(): void {
    this.bytes = new Uint8Array(STORE_BYTES);
    this.length = 0;
  }

  /** Drop the bytes once printed. */
  release(): void {
    this.bytes = new Uint8Array(0);
    this.length = 0;
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

  /** Room for a 4-byte count, filled in later by setCount(): where it is. */
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

  /** The span at `at` as a flat string (so it does not pin the stream). */
  stringAt(at: number): string {
    return latin1String(this.bytes, at + 1, at + 1 + this.bytes[at]!);
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
