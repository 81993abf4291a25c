/**
 * The few /proc fields the metrics exporter needs beyond pmap's own:
 * a process's start time from stat (the key that tells a recycled PID from
 * the process that had it before) and "Key: N kB" lines of status.
 */

/** Fields of stat after the state letter (field 3) up to starttime (field 22). */
const STARTTIME_AFTER_STATE = 19;

/**
 * Field 22 of /proc/PID/stat, clock ticks since boot, as its decimal text
 * (only compared, never computed with). The command name may hold spaces and
 * parentheses, so fields are counted from the last ')'. Null when missing.
 */
export function parseStartTime(statText: string): string | null {
  const close = statText.lastIndexOf(')');
  if (close < 0) return null;
  const fields = statText.slice(close + 1).trim().split(/\s+/);
  const value = fields[STARTTIME_AFTER_STATE];
  return value !== undefined && /^[0-9]+$/.test(value) ? value : null;
}

/** A "Key:  N kB" line of /proc/PID/status in kB, or null when the kernel has no such line. */
export function statusKb(statusText: string, key: string): number | null {
  const at = statusText.indexOf(`\n${key}:`);
  const start = statusText.startsWith(`${key}:`) ? 0 : at < 0 ? -1 : at + 1;
  if (start < 0) return null;
  const match = /^[A-Za-z_]+:\s*([0-9]+)\s*kB/.exec(statusText.slice(start, start + 64));
  return match ? Number(match[1]) : null;
}
