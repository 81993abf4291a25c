/**
 * A process as pmap's lookup finds it: the record the readers produce and
 * every formatter takes.
 */
import type { StatRecord } from './stat.js';

export interface ProcessRecord {
  /** The id asked for, which may be a thread id. */
  pid: number;
  /**
   * The thread group id, unsigned: pmap keeps atoi()'s int and prints it
   * with "%u" (and opens /proc/%u/maps), so a negative Tgid in a hand-made
   * status reads as its 32-bit two's complement. Normalised once, here.
   */
  tgid: number;
  stat: StatRecord;
  /** Raw cmdline bytes as a latin1 string ('' when empty or unreadable). */
  cmdlineRaw: string;
}

/** The record of the process `pid` whose status says Tgid `signedTgid` (atoi's int). */
export function processRecord(pid: number, signedTgid: number, stat: StatRecord, cmdlineRaw: string): ProcessRecord {
  return { pid, tgid: signedTgid >>> 0, stat, cmdlineRaw };
}
