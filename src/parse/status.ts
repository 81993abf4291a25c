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

const TGID_KEY = 'Tgid:';
const LONG_MAX = (1n << 63n) - 1n;

/**
 * parseTgid() fed the file in pieces: strstr() for "Tgid:" across the cuts,
 * then atoi() as the digits arrive. feed() says when the answer is settled
 * (a NUL ended the C string, or atoi() stopped), so the rest can stay unread
 * and a status of any size is read in bounded memory.
 */
export class TgidScanner {
  /** The last bytes of the text before "Tgid:" was found, for a key cut in two. */
  private carry = '';
  private found = false;
  /** atoi()'s progress: 0 before the number, 1 after a sign, 2 in the digits, 3 done. */
  private phase = 0;
  private negative = false;
  private value = 0n;

  /** The next piece; true once the answer cannot change. */
  feed(piece: string): boolean {
    const nul = piece.indexOf('\0');
    const end = nul >= 0 ? nul : piece.length;
    let pos = 0;
    if (!this.found) {
      const text = this.carry + piece.slice(0, end);
      const at = text.indexOf(TGID_KEY);
      if (at < 0) {
        this.carry = text.slice(-(TGID_KEY.length - 1));
        return nul >= 0;
      }
      this.found = true;
      pos = at + TGID_KEY.length - this.carry.length;
      this.carry = '';
    }
    this.atoi(piece, pos, end);
    return nul >= 0 || this.phase === 3;
  }

  private atoi(text: string, pos: number, end: number): void {
    for (; pos < end && this.phase < 3; pos++) {
      const code = text.charCodeAt(pos);
      if (this.phase === 0 && isCSpace(code)) continue;
      if (this.phase === 0 && (code === 0x2b || code === 0x2d)) {
        this.negative = code === 0x2d;
        this.phase = 1;
        continue;
      }
      if (code < 0x30 || code > 0x39) {
        this.phase = 3;
        break;
      }
      this.phase = 2;
      this.value = this.value * 10n + BigInt(code - 0x30);
      // Past LONG_MAX strtol() saturates: more digits change nothing.
      if (this.value > LONG_MAX + 1n) this.phase = 3;
    }
  }

  /** The Tgid as atoi() reads it, or null when there is none. */
  result(): number | null {
    if (!this.found) return null;
    let long = this.value;
    if (long > LONG_MAX + (this.negative ? 1n : 0n)) long = this.negative ? -LONG_MAX - 1n : LONG_MAX;
    else if (this.negative) long = -long;
    return Number(BigInt.asIntN(32, long));
  }
}
