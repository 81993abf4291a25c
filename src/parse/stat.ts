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
    const scanned = scanUnsigned(visible, skipSpace(visible, pos, visible.length), visible.length, 10);
    if (!scanned) return { comm, state, startStack: 0 };
    pos = scanned.next;
  }
  const startStack = scanUnsigned(visible, pos, visible.length, 10);
  return { comm, state, startStack: startStack ? startStack.value : 0 };
}
