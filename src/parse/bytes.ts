/**
 * Small scans of latin1 bytes (a /proc file read as bytes), for the parsers
 * that read bytes and fall back to text for what is unusual.
 */

/** bytes[from, to) as latin1 text. */
export function latin1(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
}

/** Whether text is bytes[from, to) as latin1. */
export function sameLatin1(text: string, bytes: Uint8Array, from: number, to: number): boolean {
  if (text.length !== to - from) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[from + i]) return false;
  return true;
}

/**
 * The index of the next newline from pos (bytes.length when none): a loop,
 * because Buffer's indexOf() is a call into C++ that costs more than
 * scanning a line of smaps.
 */
export function newlineAt(bytes: Uint8Array, pos: number): number {
  while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
  return pos;
}

/** Whether bytes at pos start with these codes (a byte past the end never matches). */
export function startsWithCodes(bytes: Uint8Array, pos: number, codes: readonly number[]): boolean {
  for (let i = 0; i < codes.length; i++) if (bytes[pos + i] !== codes[i]) return false;
  return true;
}
