/**
 * tspmap's library API.
 *
 *   import { readProcess, formatExtended } from 'tspmap';
 *   const me = readProcess(process.pid);
 *   process.stdout.write(formatExtended(me));
 *
 * readProcess() reads a process once (its stat, cmdline, maps and smaps);
 * the formatters are pure functions of what it read. formatDefault,
 * formatExtended and formatDevice give the text pmap (no option, -x, -d)
 * prints for that process; formatJson and formatSummary what --json and
 * --summary print. Text is returned as ordinary (UTF-8 decoded) strings;
 * pass { bytes: true } for the exact bytes as a latin1 string.
 */
import { formatBasic, BasicMode } from './format/basic.js';
import { ProcFS, DEFAULT_PROC_ROOT } from './proc/procfs.js';
import { ProcessRecord, headerLine, readProcess as readRecord } from './proc/process.js';
import { liveShmMinorFinder, shmMinorFromTree } from './proc/shm.js';
import { parseMapsEntries } from './parse/maps.js';
import type { MapsEntry } from './parse/maps.js';
import { U64, U64_MAX } from './parse/u64.js';
import {
  DetailedMapping, JsonDocument, JsonError, JsonProcess, TSPMAP_VERSION, cmdlineArgs, commandOf, decodeBytes,
  jsonDocument, jsonEntry, parseSmapsDetailed, stringifyJson,
} from './format/json.js';
import { ProcessSummary, formatSummaryText, summarize, summaryJson } from './format/summary.js';

export type { U64 } from './parse/u64.js';
export type { MapsEntry } from './parse/maps.js';
export type { SmapsMapping } from './parse/smaps.js';
export { parseMapsEntries } from './parse/maps.js';
export { parseSmaps } from './parse/smaps.js';
export type {
  DetailedMapping, JsonDocument, JsonError, JsonMapping, JsonProcess, JsonTotals, MappingKind,
} from './format/json.js';
export { SCHEMA_VERSION, TSPMAP_VERSION, mappingKind, parseSmapsDetailed } from './format/json.js';
export type { Category, CategoryRow, ObjectRow, ProcessSummary, Usage } from './format/summary.js';
export { CATEGORIES, summarize } from './format/summary.js';
export type { ColorTextMode } from './format/color.js';
export { colorize, colorLevel } from './format/color.js';

export interface ReadOptions {
  /** A /proc to read instead of the live one (e.g. a copied tree). */
  procRoot?: string;
}

/** A process as read once from /proc. */
export interface ProcessInfo {
  /** The PID asked for (may be a thread id). */
  pid: number;
  /** Its thread group: the process whose mappings these are. */
  tgid: number;
  /** Command name from stat, or null when stat could not be parsed. */
  comm: string | null;
  /** State letter from stat ('R', 'S', 'Z', ...). */
  state: string;
  /** argv, decoded as UTF-8 ([] for kernel threads and zombies). */
  cmdline: string[];
  /** The command as pmap's header line shows it. */
  command: string;
  /** Start of the stack from stat (field 28). */
  startStack: U64;
  /** /proc/PID/maps parsed, or null when it could not be read. */
  maps: MapsEntry[] | null;
  /** /proc/PID/smaps parsed with every field, or null when it could not be read. */
  smaps: DetailedMapping[] | null;
  /** Why maps or smaps could not be read (an errno code such as EACCES). */
  errors: { maps?: string; smaps?: string };
  /** The files as read, as latin1 byte strings (null when unreadable). */
  raw: { maps: string | null; smaps: string | null };
  /** The /proc root that was read. */
  procRoot: string;
  /** The underlying record (for the formatters). */
  record: ProcessRecord;
}

/** Thrown by readProcess() for a PID pmap would not find. */
export class ProcessNotFoundError extends Error {
  readonly code = 'ESRCH';
  constructor(readonly pid: number) {
    super(`no such process: ${pid}`);
    this.name = 'ProcessNotFoundError';
  }
}

/** Read a process: its identity, maps and smaps. Throws ProcessNotFoundError. */
export function readProcess(pid: number, options: ReadOptions = {}): ProcessInfo {
  if (!Number.isInteger(pid) || pid < 1 || pid > 0x7fffffff) throw new RangeError(`invalid PID: ${pid}`);
  const procRoot = options.procRoot ?? DEFAULT_PROC_ROOT;
  const fs = new ProcFS(procRoot);
  const record = readRecord(fs, pid);
  if (record === null) throw new ProcessNotFoundError(pid);
  const dir = String(record.tgid);
  const maps = fs.readProcessFile(dir, 'maps');
  const smaps = fs.readProcessFile(dir, 'smaps');
  const mapsText = maps.ok ? maps.data.toString('latin1') : null;
  const smapsText = smaps.ok ? smaps.data.toString('latin1') : null;
  const errors: ProcessInfo['errors'] = {};
  if (!maps.ok) errors.maps = maps.code;
  if (!smaps.ok) errors.smaps = smaps.code;
  return {
    pid,
    tgid: record.tgid,
    comm: record.stat.comm === null ? null : decodeBytes(record.stat.comm).text,
    state: record.stat.state,
    cmdline: cmdlineArgs(record.cmdlineRaw),
    command: commandOf(record),
    startStack: record.stat.startStack,
    maps: mapsText === null ? null : parseMapsEntries(mapsText),
    smaps: smapsText === null ? null : parseSmapsDetailed(smapsText),
    errors,
    raw: { maps: mapsText, smaps: smapsText },
    procRoot,
    record,
  };
}

export interface FormatOptions {
  /** -q: no column header or footer (the "PID:   command" line stays, as in pmap). */
  quiet?: boolean;
  /** -p: full paths. */
  showPath?: boolean;
  /** -A LOW,HIGH: only mappings overlapping [low, high]. */
  range?: { low: U64; high?: U64 };
  /** -k: the kernel's names ([heap], [vdso]) instead of "[ anon ]". */
  kernelNames?: boolean;
  /** Return the exact output bytes as a latin1 string instead of decoded text. */
  bytes?: boolean;
}

function text(bytes: string, asBytes: boolean | undefined): string {
  return asBytes ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}

function formatMode(info: ProcessInfo, mode: BasicMode, options: FormatOptions): string {
  const file = mode === 'extended' ? 'smaps' : 'maps';
  const data = info.raw[file];
  if (data === null) {
    throw Object.assign(new Error(`cannot read /proc/${info.tgid}/${file}: ${info.errors[file]}`), { code: info.errors[file] });
  }
  const live = info.procRoot === DEFAULT_PROC_ROOT;
  const fs = new ProcFS(info.procRoot);
  const header = headerLine(info.record, () => true);
  const body = formatBasic(
    data,
    {
      mode,
      quiet: options.quiet ?? false,
      showPath: options.showPath ?? false,
      range: options.range ? { low: options.range.low, high: options.range.high ?? U64_MAX } : null,
      startStack: info.startStack,
      shmMinor: live ? liveShmMinorFinder(fs)(String(info.tgid)) : shmMinorFromTree(fs),
      kernelNames: options.kernelNames ?? false,
    },
    { start: 0 },
  );
  return text(header + body, options.bytes);
}

/** What `pmap PID` prints. */
export function formatDefault(info: ProcessInfo, options: FormatOptions = {}): string {
  return formatMode(info, 'default', options);
}

/** What `pmap -x PID` prints. */
export function formatExtended(info: ProcessInfo, options: FormatOptions = {}): string {
  return formatMode(info, 'extended', options);
}

/** What `pmap -d PID` prints. */
export function formatDevice(info: ProcessInfo, options: FormatOptions = {}): string {
  return formatMode(info, 'device', options);
}

export interface JsonOptions {
  /** Add each process's --summary breakdown. */
  summary?: boolean;
}

/** The --json document as an object (64-bit values as number or bigint). */
export function toJson(infos: ProcessInfo | readonly ProcessInfo[], options: JsonOptions = {}): JsonDocument {
  const list = Array.isArray(infos) ? infos : [infos as ProcessInfo];
  const entries = list.map((info): JsonProcess | JsonError => {
    if (info.smaps === null) {
      return jsonEntry({ kind: 'unreadable', record: info.record, file: 'smaps', errno: info.errors.smaps ?? 'EIO' });
    }
    const entry = jsonEntry({ kind: 'process', snapshot: { record: info.record, mappings: info.smaps } });
    if (options.summary && !('error' in entry)) entry.summary = summaryJson(summarize(info.smaps, info.startStack));
    return entry;
  });
  return jsonDocument(TSPMAP_VERSION, entries);
}

/** What `tspmap --json PID...` prints (see schema/tspmap.schema.json). */
export function formatJson(infos: ProcessInfo | readonly ProcessInfo[], options: JsonOptions = {}): string {
  return stringifyJson(toJson(infos, options));
}

/** The --summary breakdown of one process (throws when smaps was unreadable). */
export function summarizeProcess(info: ProcessInfo): ProcessSummary {
  if (info.smaps === null) throw new Error(`cannot read /proc/${info.tgid}/smaps: ${info.errors.smaps}`);
  return summarize(info.smaps, info.startStack);
}

export interface SummaryOptions {
  /** Box-drawing borders (default) or ASCII ones. */
  unicode?: boolean;
  /** Object rows per process; the rest are folded into one row. */
  maxObjects?: number;
}

/** What `tspmap --summary PID...` prints (cli-table3 is loaded on first use). */
export async function formatSummary(infos: ProcessInfo | readonly ProcessInfo[], options: SummaryOptions = {}): Promise<string> {
  const list = Array.isArray(infos) ? infos : [infos as ProcessInfo];
  const snapshots = list.map((info) => {
    if (info.smaps === null) throw new Error(`cannot read /proc/${info.tgid}/smaps: ${info.errors.smaps}`);
    return { record: info.record, mappings: info.smaps };
  });
  return formatSummaryText(snapshots, { unicode: options.unicode ?? true, ...(options.maxObjects !== undefined ? { maxObjects: options.maxObjects } : {}) });
}
