/**
 * The filesystem side of the accounting extensions: vm.max_map_count, a
 * process's smaps_rollup PSS split, and a --rules file. Each returns
 * undefined (or an error line) instead of throwing.
 */
import { readFileSync } from 'node:fs';
import type { ProcFS, ReadOutcome } from './procfs.js';

/** /proc/sys/vm/max_map_count under the root, when it reads as a number. */
export function readMaxMapCount(fs: ProcFS): number | undefined {
  const read = fs.readRootFile('sys/vm/max_map_count');
  if (!read.ok) return undefined;
  const text = read.data.toString('latin1').trim();
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : undefined;
}

/** Pss_Anon, Pss_File and Pss_Shmem from smaps_rollup (Linux 5.9+), when all three are there. */
export function readPssSplit(fs: ProcFS, tgid: string): PssFromRollup | undefined {
  return pssSplitOf(fs.readProcessFile(tgid, 'smaps_rollup'));
}

/** readPssSplit() with the kernel's walk of the mappings on another thread (ProcFS.readProcessFileLater). */
export async function readPssSplitLater(fs: ProcFS, tgid: string): Promise<PssFromRollup | undefined> {
  return pssSplitOf(await fs.readProcessFileLater(tgid, 'smaps_rollup'));
}

type PssFromRollup = { anon: number; file: number; shmem: number };

function pssSplitOf(read: ReadOutcome): PssFromRollup | undefined {
  if (!read.ok) return undefined;
  const text = read.data.toString('latin1');
  const field = (key: string): number | undefined => {
    const match = new RegExp(`^${key}:[ \\t]*([0-9]{1,15}) kB$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const [anon, file, shmem] = [field('Pss_Anon'), field('Pss_File'), field('Pss_Shmem')];
  return anon === undefined || file === undefined || shmem === undefined ? undefined : { anon, file, shmem };
}

/** A --rules file's text, or the reason it cannot be read. */
export function readRulesText(path: string): { ok: true; text: string } | { ok: false; message: string } {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const reasons: Record<string, string> = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory' };
    return { ok: false, message: `${path}: ${reasons[code] ?? code}` };
  }
}
