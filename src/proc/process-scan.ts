/**
 * What the metrics exporter reads from /proc: the list of processes, a
 * process's identity (stat, status, cmdline) and its memory files, and
 * vm.max_map_count. Every read returns what it got or why not; a process
 * that exits between two reads is an ordinary outcome, not an exception.
 */
import { readdirSync } from 'node:fs';
import { CMDLINE_BUFFER } from '../parse/cmdline.js';
import { ProcFS, ReadOutcome } from './procfs.js';

/** The thread-group ids listed at the root (readdir shows no bare thread ids). */
export function listProcessIds(fs: ProcFS): number[] {
  let names: string[];
  try {
    names = readdirSync(fs.root);
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    if (/^[1-9][0-9]*$/.test(name)) pids.push(Number(name));
  }
  return pids.sort((a, b) => a - b);
}

/** The raw identity files of a process; null when it is gone (no stat). */
export interface ProcessIdentityText {
  pid: number;
  stat: string;
  /** '' when unreadable. */
  status: string;
  /** Raw bytes as latin1, '' when empty or unreadable. */
  cmdline: string;
}

function text(outcome: ReadOutcome): string {
  return outcome.ok ? outcome.data.toString('latin1') : '';
}

export function readIdentity(fs: ProcFS, pid: number): ProcessIdentityText | null {
  const dir = String(pid);
  const stat = text(fs.readProcessFile(dir, 'stat'));
  if (stat === '') return null;
  return {
    pid,
    stat,
    status: text(fs.readProcessFile(dir, 'status')),
    cmdline: text(fs.readProcessFile(dir, 'cmdline', CMDLINE_BUFFER)),
  };
}

/** The memory file of a process: smaps, smaps_rollup or maps, as latin1 text. */
export type MemoryFile = 'smaps' | 'smaps_rollup' | 'maps';

export type MemoryRead = { ok: true; text: string } | { ok: false; code: string };

export function readMemoryFile(fs: ProcFS, pid: number, file: MemoryFile): MemoryRead {
  const read = fs.readProcessFile(String(pid), file);
  return read.ok ? { ok: true, text: read.data.toString('latin1') } : { ok: false, code: read.code };
}

/** vm.max_map_count, the per-process mapping limit; null when unreadable. */
export function readMaxMapCount(fs: ProcFS): number | null {
  const read = fs.readRootFile('sys/vm/max_map_count');
  if (!read.ok) return null;
  const value = read.data.toString('latin1').trim();
  return /^[0-9]+$/.test(value) ? Number(value) : null;
}
