/**
 * Looking up a process the way libproc2's pids_select does for pmap: the
 * Tgid from status, the directory's existence, stat (required), cmdline.
 */
import { CMDLINE_BUFFER, headerCommand, unvectorCmdline } from '../parse/cmdline.js';
import { needsLocale } from '../parse/escape.js';
import { parseStat } from '../parse/stat.js';
import { parseTgid } from '../parse/status.js';
import { ProcessRecord, processRecord } from '../parse/record.js';
import { ProcFS, ReadOutcome } from './procfs.js';

export type { ProcessRecord } from '../parse/record.js';

/** file2str() treats an empty file like a missing one. */
function nonEmpty(outcome: ReadOutcome): string | null {
  return outcome.ok && outcome.data.length > 0 ? outcome.data.toString('latin1') : null;
}

/** Null when pmap would not find the process (it then adds 42 to the status). */
export function readProcess(fs: ProcFS, pid: number): ProcessRecord | null {
  const dir = String(pid);
  const status = nonEmpty(fs.readProcessFile(dir, 'status'));
  const tgid = (status !== null ? parseTgid(status) : null) ?? pid;
  if (!fs.hasProcessDir(dir)) return null;
  const statText = nonEmpty(fs.readProcessFile(dir, 'stat'));
  if (statText === null) return null;
  const cmdline = fs.readProcessFile(dir, 'cmdline', CMDLINE_BUFFER);
  return processRecord(pid, tgid, parseStat(statText), cmdline.ok ? cmdline.data.toString('latin1') : '');
}

/** The header line "TGID:   COMMAND". `utf8` is asked only when needed. */
export function headerLine(record: ProcessRecord, utf8: () => boolean): string {
  const inputs = { cmdline: record.cmdlineRaw, comm: record.stat.comm, state: record.stat.state };
  const sample = record.cmdlineRaw.length > 0 ? unvectorCmdline(record.cmdlineRaw) : record.stat.comm ?? '';
  const command = headerCommand(inputs, needsLocale(sample) ? utf8() : true);
  return `${record.tgid}:   ${command}\n`;
}
