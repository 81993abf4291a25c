/**
 * Looking up a process the way libproc2's pids_select does for pmap: the
 * Tgid from status, the directory's existence, stat (required), cmdline.
 */
import { CMDLINE_BUFFER, headerCommand, unvectorCmdline } from '../parse/cmdline.js';
import { needsLocale } from '../parse/escape.js';
import { StatRecord, StatScanner } from '../parse/stat.js';
import { TgidScanner } from '../parse/status.js';
import { ProcessRecord, processRecord } from '../parse/record.js';
import { ProcFS } from './procfs.js';

export type { ProcessRecord } from '../parse/record.js';

/** Null when pmap would not find the process (it then adds 42 to the status). */
export function readProcess(fs: ProcFS, pid: number): ProcessRecord | null {
  const dir = String(pid);
  const tgid = readTgid(fs, dir) ?? pid;
  if (!fs.hasProcessDir(dir)) return null;
  const stat = readStat(fs, dir);
  if (stat === null) return null;
  const cmdline = fs.readProcessFile(dir, 'cmdline', CMDLINE_BUFFER);
  return processRecord(pid, tgid, stat, cmdline.ok ? cmdline.data.toString('latin1') : '');
}

/*
 * stat and status are read as file2str() reads them, up to its 2 GiB cap,
 * but in pieces that are dropped once scanned. Reading stops where the
 * answer is settled (the C string ended at a NUL, or atoi() finished): pmap
 * reads on, to no effect on what it prints, so /dev/zero answers at once
 * where pmap spends seconds filling 2 GiB. file2str() treats an empty file
 * like a missing one.
 */
function readTgid(fs: ProcFS, dir: string): number | null {
  const scanner = new TgidScanner();
  const read = fs.scanProcessFile(dir, 'status', (piece) => scanner.feed(piece));
  return read.ok && read.bytes > 0 ? scanner.result() : null;
}

function readStat(fs: ProcFS, dir: string): StatRecord | null {
  const scanner = new StatScanner();
  const read = fs.scanProcessFile(dir, 'stat', (piece) => scanner.feed(piece));
  return read.ok && read.bytes > 0 ? scanner.result() : null;
}

/** The header line "TGID:   COMMAND". `utf8` is asked only when needed. */
export function headerLine(record: ProcessRecord, utf8: () => boolean): string {
  const inputs = { cmdline: record.cmdlineRaw, comm: record.stat.comm, state: record.stat.state };
  const sample = record.cmdlineRaw.length > 0 ? unvectorCmdline(record.cmdlineRaw) : record.stat.comm ?? '';
  const command = headerCommand(inputs, needsLocale(sample) ? utf8() : true);
  return `${record.tgid}:   ${command}\n`;
}
