/**
 * Fields of /proc/PID/stat that tspmap's memory-over-time commands need
 * beyond what pmap reads: field 22, starttime (clock ticks after boot), which
 * with the boot id tells a restarted or reused PID apart from the same
 * process. Counting starts after the last ')' so a command name with spaces
 * or parentheses cannot shift the fields.
 */

/** Field number of starttime in proc(5), counting the pid as field 1. */
const STARTTIME_FIELD = 22;
/** The state letter after the command name is field 3. */
const STATE_FIELD = 3;

/** starttime as the decimal digits the kernel wrote (exact, no rounding), or null. */
export function statStartTime(text: string): string | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const value = fields[STARTTIME_FIELD - STATE_FIELD];
  return value !== undefined && /^[0-9]+$/.test(value) ? value : null;
}

/** The command name between the first '(' and the last ')', or ''. */
export function statComm(text: string): string {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  return open >= 0 && close > open ? text.slice(open + 1, close) : '';
}
