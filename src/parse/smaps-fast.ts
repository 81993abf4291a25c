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

import { MAPBUF_SIZE } from './cscan.js';

/** fgets(mapbuf, 1024, ...) reads at most 1023 bytes of a line at once. */
export const FGETS_LINE_MAX = MAPBUF_SIZE - 1;
const DEC_DIGITS_MAX = 15;

/** Which key a scanned line holds; KEY_OTHER lines are ignored by pmap. */
export const KEY_OTHER = 0;
export const KEY_RSS = 1;
export const KEY_SHARED_DIRTY = 2;
export const KEY_PRIVATE_DIRTY = 3;
export const KEY_SWAP = 4;

/** The key with its ':' as bytes, so "Swap:" does not match "SwapPss:". */
const SHARED_DIRTY = Buffer.from('Shared_Dirty:', 'latin1');
const PRIVATE_DIRTY = Buffer.from('Private_Dirty:', 'latin1');
/** Where the value's padding starts, past the key and its ':'. */
export const KEY_VALUE_FROM = [0, 'Rss:'.length, SHARED_DIRTY.length, PRIVATE_DIRTY.length, 'Swap:'.length];

function startsWith(buf: Uint8Array, pos: number, nl: number, tag: Uint8Array): boolean {
  if (nl - pos < tag.length) return false;
  for (let i = 0; i < tag.length; i++) if (buf[pos + i] !== tag[i]) return false;
  return true;
}

/**
 * Which of -x's keys starts the line buf[pos, nl) (one byte or two tell
 * most lines apart; a byte read past nl only fails a comparison).
 */
export function kernelKeyAt(buf: Uint8Array, pos: number, nl: number): number {
  switch (buf[pos]) {
    case 0x52: // "Rss:"
      return nl - pos >= 4 && buf[pos + 1] === 0x73 && buf[pos + 2] === 0x73 && buf[pos + 3] === 0x3a ? KEY_RSS : KEY_OTHER;
    case 0x53: // "Swap:", "Shared_Dirty:"
      if (buf[pos + 1] === 0x77) {
        return nl - pos >= 5 && buf[pos + 2] === 0x61 && buf[pos + 3] === 0x70 && buf[pos + 4] === 0x3a ? KEY_SWAP : KEY_OTHER;
      }
      return buf[pos + 7] === 0x44 && startsWith(buf, pos, nl, SHARED_DIRTY) ? KEY_SHARED_DIRTY : KEY_OTHER;
    case 0x50: // "Private_Dirty:"
      return buf[pos + 8] === 0x44 && startsWith(buf, pos, nl, PRIVATE_DIRTY) ? KEY_PRIVATE_DIRTY : KEY_OTHER;
    default:
      return KEY_OTHER;
  }
}

/**
 * " %llu" from buf[from] on a line ending at nl, when it is plain: spaces,
 * then 1-15 digits (whatever follows them sscanf ignores). -1: use the
 * exact path.
 */
export function kernelKeyValue(buf: Uint8Array, from: number, nl: number): number {
  let at = from;
  while (at < nl && buf[at] === 0x20) at++;
  const digitsFrom = at;
  let value = 0;
  let code = buf[at]!;
  while (at < nl && code >= 0x30 && code <= 0x39) {
    value = value * 10 + (code - 0x30);
    code = buf[++at]!;
  }
  return at === digitsFrom || at - digitsFrom > DEC_DIGITS_MAX ? -1 : value;
}
