/**
 * A byte scanner for the smaps key lines -x reads, as the kernel formats
 * them ("Rss:" padded, a decimal, " kB"). pmap's -x applies
 * "%20[^:]: %llu" to every line starting with A-Z and keeps only Rss,
 * Shared_Dirty, Private_Dirty and Swap. This accepts a line only when that
 * reading is plain: the line fits one fgets() chunk, and for those four
 * keys the value is spaces then 1-15 digits. Anything else (a sign, a tab,
 * a value of 16 digits or more, a line fgets() would split) is declined and goes
 * through the exact emulation (format/basic.ts with parse/smaps-line.ts).
 * Any other key's line is ignored by pmap whatever it holds, so only its
 * length matters. It allocates nothing.
 */

/** fgets(mapbuf, 1024, ...) reads at most 1023 bytes of a line at once. */
const FGETS_LINE_MAX = 1023;
const DEC_DIGITS_MAX = 15;

/** Which key a scanned line holds; KEY_OTHER lines are ignored by pmap. */
export const KEY_OTHER = 0;
export const KEY_RSS = 1;
export const KEY_SHARED_DIRTY = 2;
export const KEY_PRIVATE_DIRTY = 3;
export const KEY_SWAP = 4;

export interface FastKeyLine {
  key: number;
  /** The value, for the four keys -x reads. */
  value: number;
  /** The index of the line's newline. */
  nl: number;
}

export function newFastKeyLine(): FastKeyLine {
  return { key: KEY_OTHER, value: 0, nl: 0 };
}

/** The key with its ':' as bytes, so "Swap:" does not match "SwapPss:". */
const RSS = Buffer.from('Rss:', 'latin1');
const SWAP = Buffer.from('Swap:', 'latin1');
const SHARED_DIRTY = Buffer.from('Shared_Dirty:', 'latin1');
const PRIVATE_DIRTY = Buffer.from('Private_Dirty:', 'latin1');

function startsWith(buf: Uint8Array, pos: number, nl: number, tag: Uint8Array): boolean {
  if (nl - pos < tag.length) return false;
  for (let i = 0; i < tag.length; i++) if (buf[pos + i] !== tag[i]) return false;
  return true;
}

/** Which of -x's keys starts buf[pos, nl). */
function keyOf(buf: Uint8Array, pos: number, nl: number): number {
  const first = buf[pos];
  if (first === 0x52) return startsWith(buf, pos, nl, RSS) ? KEY_RSS : KEY_OTHER;
  if (first === 0x53) {
    if (startsWith(buf, pos, nl, SWAP)) return KEY_SWAP;
    return startsWith(buf, pos, nl, SHARED_DIRTY) ? KEY_SHARED_DIRTY : KEY_OTHER;
  }
  if (first === 0x50) return startsWith(buf, pos, nl, PRIVATE_DIRTY) ? KEY_PRIVATE_DIRTY : KEY_OTHER;
  return KEY_OTHER;
}

const TAG_LENGTH = [0, RSS.length, SHARED_DIRTY.length, PRIVATE_DIRTY.length, SWAP.length];

/**
 * Scan the line at buf[pos] (whose first byte is A-Z) up to `end`; false:
 * use the exact path (no newline within one fgets() chunk, which includes
 * a line the block cuts off, or an unusual value of one of the four keys).
 */
export function scanKernelKeyLine(buf: Buffer, pos: number, end: number, into: FastKeyLine): boolean {
  // Buffer#indexOf is memchr(): faster than a byte loop even for short lines.
  const nl = buf.indexOf(0x0a, pos);
  if (nl < 0 || nl >= end || nl - pos >= FGETS_LINE_MAX) return false;
  into.nl = nl;
  const key = keyOf(buf, pos, nl);
  into.key = key;
  if (key === KEY_OTHER) return true;
  let at = pos + TAG_LENGTH[key]!;
  while (buf[at] === 0x20) at++;
  const digitsFrom = at;
  let value = 0;
  let code = buf[at]!;
  while (code >= 0x30 && code <= 0x39) {
    value = value * 10 + (code - 0x30);
    code = buf[++at]!;
  }
  // at <= nl: the newline stops both loops.
  if (at === digitsFrom || at - digitsFrom > DEC_DIGITS_MAX) return false;
  into.value = value;
  return true;
}
