/**
 * /proc/PID/stat as libproc2's stat2proc() reads it for pmap: the command
 * name between the first '(' and the last ')', the state, and field 28,
 * the start of the stack, which decides where "[ stack ]" is printed.
 */
import { scanUnsigned, skipSpace } from './cscan.js';
import { U64 } from './u64.js';

export interface StatRecord {
  /** Raw command name bytes; null when stat2proc gave up before reading it. */
  comm: string | null;
  /** The state letter, e.g. 'S' or 'Z'; '' when it could not be read. */
  state: string;
  startStack: U64;
}

/** Fields after the state that precede start_stack, in stat2proc's order. */
const FIELDS_BEFORE_START_STACK = 24;

export function parseStat(text: string): StatRecord {
  const nul = text.indexOf('\0');
  const visible = nul >= 0 ? text.slice(0, nul) : text;
  const open = visible.indexOf('(');
  if (open < 0) return { comm: null, state: '', startStack: 0 };
  const close = visible.lastIndexOf(')');
  // stat2proc needs a ')' after the '(' with at least one char behind it.
  if (close < open + 1 || close + 1 >= visible.length) return { comm: null, state: '', startStack: 0 };
  const comm = visible.slice(open + 1, close);
  // stat2proc skips ") " blindly, then scans "%c" and the numeric fields.
  let pos = close + 2;
  if (pos >= visible.length) return { comm, state: '', startStack: 0 };
  const state = visible[pos]!;
  pos++;
  for (let field = 0; field < FIELDS_BEFORE_START_STACK; field++) {
    const skipped = skipPlainField(visible, pos);
    if (skipped >= 0) {
      pos = skipped;
      continue;
    }
    const scanned = scanUnsigned(visible, skipSpace(visible, pos, visible.length), visible.length, 10);
    if (!scanned) return { comm, state, startStack: 0 };
    pos = scanned.next;
  }
  const startStack = scanUnsigned(visible, pos, visible.length, 10);
  return { comm, state, startStack: startStack ? startStack.value : 0 };
}

/**
 * A field as the kernel writes it (spaces, an optional '-', digits, then a
 * space), skipped without converting it: where the value is not used, that
 * is all "%lu" decides. The end of that field, or -1 for anything else
 * (other white space, a '+', no digits, the end of the text), which then
 * goes through scanUnsigned.
 */
function skipPlainField(text: string, pos: number): number {
  const end = text.length;
  while (pos < end && text.charCodeAt(pos) === 0x20) pos++;
  if (text.charCodeAt(pos) === 0x2d) pos++;
  const digitsFrom = pos;
  while (pos < end) {
    const code = text.charCodeAt(pos);
    if (code < 0x30 || code > 0x39) break;
    pos++;
  }
  return pos > digitsFrom && pos < end && text.charCodeAt(pos) === 0x20 ? pos : -1;
}

/** How much of the text after the last ')' is kept: a real stat has ~300 bytes there. */
export const STAT_TAIL_KEEP = 1 << 16;
/** Bytes after '(' kept: enough for a 64-byte name and to tell a longer one. */
const COMM_KEEP = 65;

/**
 * parseStat() fed the file in pieces, keeping only what it can use: the
 * first bytes after the first '(' and the text after the last ')' (up to
 * STAT_TAIL_KEEP), so a stat of any size (/dev/zero, 2 GiB) is read in
 * bounded memory. The C string ends at the first NUL: feed() then says it
 * is done and the rest of the file can stay unread.
 */
export class StatScanner {
  private offset = 0;
  /** Where the first '(' is (-1: none yet), and the last ')' after it. */
  private openAt = -1;
  private closeAt = -1;
  private commHead = '';
  private tail = '';

  /** The next piece; true once a NUL has ended the string. */
  feed(piece: string): boolean {
    const nul = piece.indexOf('\0');
    const end = nul >= 0 ? nul : piece.length;
    let from = 0;
    if (this.openAt < 0) {
      const open = piece.indexOf('(');
      if (open < 0 || open >= end) {
        this.offset += piece.length;
        return nul >= 0;
      }
      this.openAt = this.offset + open;
      from = open + 1;
    }
    if (this.commHead.length < COMM_KEEP) this.commHead += piece.slice(from, Math.min(end, from + COMM_KEEP - this.commHead.length));
    const close = piece.lastIndexOf(')', end - 1);
    if (close >= from) {
      this.closeAt = this.offset + close;
      this.tail = piece.slice(close + 1, Math.min(end, close + 1 + STAT_TAIL_KEEP));
    } else if (this.closeAt >= 0 && this.tail.length < STAT_TAIL_KEEP) {
      this.tail += piece.slice(from, Math.min(end, from + STAT_TAIL_KEEP - this.tail.length));
    }
    this.offset += piece.length;
    return nul >= 0;
  }

  /**
   * The record, as parseStat() reads the whole string. A name longer than
   * 64 bytes comes back cut to 65, which still tells the caller it is too long.
   */
  result(): StatRecord {
    if (this.openAt < 0) return parseStat('');
    const commLength = this.closeAt < 0 ? -1 : this.closeAt - this.openAt - 1;
    if (commLength < 0) return parseStat('');
    return parseStat(`(${this.commHead.slice(0, Math.min(commLength, COMM_KEEP))})${this.tail}`);
  }
}
