/**
 * The thread-group id, as libproc2's listed_nextpid() finds it for pmap:
 * strstr(status, "Tgid:") then atoi(). Only the text before the first NUL
 * is searched, because the buffer is a C string.
 */
import { isCSpace } from './cscan.js';

/** The Tgid field as C's atoi() reads it, or null when there is none. */
export function parseTgid(text: string): number | null {
  const nul = text.indexOf('\0');
  const at = text.indexOf('Tgid:');
  if (at < 0 || (nul >= 0 && at > nul)) return null;
  return atoi(text, at + 5, nul >= 0 ? nul : text.length);
}

/** glibc atoi(): (int) strtol(s, NULL, 10), with strtol's saturation. */
export function atoi(text: string, pos: number, end: number): number {
  while (pos < end && isCSpace(text.charCodeAt(pos))) pos++;
  let negative = false;
  if (pos < end && (text[pos] === '+' || text[pos] === '-')) {
    negative = text[pos] === '-';
    pos++;
  }
  let value = 0n;
  const LONG_MAX = (1n << 63n) - 1n;
  let saturated = false;
  for (; pos < end; pos++) {
    const code = text.charCodeAt(pos);
    if (code < 0x30 || code > 0x39) break;
    if (!saturated) {
      value = value * 10n + BigInt(code - 0x30);
      if (value > LONG_MAX + (negative ? 1n : 0n)) saturated = true;
    }
  }
  let long = saturated ? (negative ? -LONG_MAX - 1n : LONG_MAX) : negative ? -value : value;
  // The cast from long to int keeps the low 32 bits.
  long = BigInt.asIntN(32, long);
  return Number(long);
}
