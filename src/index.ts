/**
 * tspmap's library API.
 *
 *   import { readProcess, formatPmap } from 'tspmap';
 *   const me = readProcess(process.pid);
 *   process.stdout.write(formatPmap(me, 'x'));
 *
 * readProcess() is the only function that reads: it takes a process's
 * stat, cmdline, maps and smaps (and what SysV detection needs) at once,
 * from /proc or from a copied tree. Everything else is a pure function of
 * what it read: formatPmap() gives the text pmap prints in any mode,
 * toJson()/formatJson() the --json document, summarizeProcess() and
 * formatSummary() the --summary breakdown, totals() the summed kB fields.
 *
 * Failures are thrown as TspmapError subclasses; `code` tells them apart.
 */
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { formatBasic, BasicMode } from './format/basic.js';
import { colorize as paint } from './format/color.js';
import { SmapsTableRun } from './format/smaps-table.js';
import type { TableConfig } from './format/table/config.js';
import { ProcFS, DEFAULT_PROC_ROOT } from './proc/procfs.js';
import { headerLine, readProcess as readRecord } from './proc/process.js';
import { liveShmMinorFinder, shmMinorFromTree } from './proc/shm.js';
import { NO_SHM_MINOR } from './model/sysv.js';
import { strerror } from './model/strerror.js';
import { parseMapsEntries } from './parse/maps.js';
import type { MapsEntry } from './parse/maps.js';
import type { ProcessRecord } from './parse/record.js';
import { U64, U64_MAX } from './parse/u64.js';
import {
  DetailedMapping, JsonDocument, JsonError, JsonProcess, TSPMAP_VERSION, cmdlineArgs, commandOf, decodeBytes,
  jsonDocument, jsonEntry, parseSmapsDetailed, stringifyJson, totalsOf,
} from './format/json.js';
import { ProcessSummary, TableCtor, formatSummaryText, summarize, summaryJson } from './format/summary.js';
import {
  InvalidPidError, ProcessNotFoundError, SmapsFormatError, UnreadableError,
} from './api/errors.js';

export * from './api/errors.js';
export type { U64 } from './parse/u64.js';
export type { MapsEntry } from './parse/maps.js';
export type { SmapsMapping } from './parse/smaps.js';
export type { ProcessRecord } from './parse/record.js';
export type { StatRecord } from './parse/stat.js';
export type {
  DetailedMapping, JsonDocument, JsonError, JsonMapping, JsonProcess, JsonTotals, MappingKind,
} from './format/json.js';
export { SCHEMA_VERSION, TSPMAP_VERSION, mappingKind } from './format/json.js';
export type { Category, CategoryRow, ObjectRow, ProcessSummary, Usage } from './format/summary.js';
export { CATEGORIES } from './format/summary.js';

export interface ReadOptions {
  /** A /proc to read instead of the live one (e.g. a copied tree, as `--proc-root`). */
  procRoot?: string;
}

/** A process as read once by readProcess(). */
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
  /** The device minor that marks SysV shared memory in maps, or null when none was found. */
  sysvMinor: number | null;
  /** The record the formatters take. */
  record: ProcessRecord;
}

/**
 * Read a process: its identity, maps and smaps. An unreadable maps or
 * smaps is not an error here (see `errors`); the formatters that need it
 * throw UnreadableError.
 *
 * @throws {@link InvalidPidError} (code 'INVALID_PID') when `pid` is not an integer in 1..2^31-1.
 * @throws {@link ProcessNotFoundError} (code 'NOT_FOUND') when pmap would not find the process.
 */
export function readProcess(pid: number, options: ReadOptions = {}): ProcessInfo {
  if (!Number.isInteger(pid) || pid < 1 || pid > 0x7fffffff) throw new InvalidPidError(pid);
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
  const minor = procRoot === DEFAULT_PROC_ROOT ? liveShmMinorFinder(fs)(dir) : shmMinorFromTree(fs);
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
    sysvMinor: minor === NO_SHM_MINOR ? null : minor,
    record,
  };
}

/**
 * A pmap output mode, named by its option: '' (none), 'x' (-x), 'd' (-d),
 * 'X' (-X) and 'XX' (-XX).
 */
export type PmapMode = '' | 'x' | 'd' | 'X' | 'XX';

export interface FormatOptions {
  /** -q: no column header or footer (the "PID:   command" line stays, as in pmap). */
  quiet?: boolean;
  /** -p: full paths. */
  showPath?: boolean;
  /** -A LOW,HIGH: only mappings overlapping [low, high] (modes '', 'x' and 'd'). */
  range?: { low: U64; high?: U64 };
  /** -k: the kernel's names ([heap], [vdso]) instead of "[ anon ]" (modes '', 'x' and 'd'). */
  kernelNames?: boolean;
  /** Return the exact output bytes as a latin1 string instead of decoded text. */
  bytes?: boolean;
}

function text(bytes: string, asBytes: boolean | undefined): string {
  return asBytes ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}

function fileOf(info: ProcessInfo, file: 'maps' | 'smaps'): string {
  const data = info.raw[file];
  if (data === null) throw new UnreadableError(info.tgid, file, info.errors[file] ?? 'EIO', strerror(info.errors[file] ?? 'EIO'));
  return data;
}

/** -X and -XX: pmap's table, through the -X renderer with options as pmap's own parser makes them. */
function smapsTable(info: ProcessInfo, all: boolean, options: FormatOptions): string {
  const config: TableConfig = { fields: all ? 'all' : 'important', quiet: options.quiet ?? false, showPath: options.showPath ?? false };
  const rendered = new SmapsTableRun(config).render(fileOf(info, 'smaps'));
  if (rendered.fatal !== undefined) throw new SmapsFormatError(info.tgid, rendered.fatal);
  return rendered.text;
}

/**
 * What `pmap [-x|-d|-X|-XX] PID` prints for the process as read, header
 * line included, byte for byte (decoded as UTF-8 unless `bytes` is set).
 *
 * @throws {@link UnreadableError} (code 'UNREADABLE') when the file the mode reads could not be read.
 * @throws {@link SmapsFormatError} (code 'SMAPS_FORMAT') for -X/-XX over smaps pmap rejects.
 */
export function formatPmap(info: ProcessInfo, mode: PmapMode = '', options: FormatOptions = {}): string {
  const header = headerLine(info.record, () => true);
  if (mode === 'X' || mode === 'XX') return text(header + smapsTable(info, mode === 'XX', options), options.bytes);
  const basic: BasicMode = mode === 'x' ? 'extended' : mode === 'd' ? 'device' : 'default';
  const body = formatBasic(
    fileOf(info, mode === 'x' ? 'smaps' : 'maps'),
    {
      mode: basic,
      quiet: options.quiet ?? false,
      showPath: options.showPath ?? false,
      range: options.range ? { low: options.range.low, high: options.range.high ?? U64_MAX } : null,
      startStack: info.startStack,
      shmMinor: info.sysvMinor ?? NO_SHM_MINOR,
      kernelNames: options.kernelNames ?? false,
    },
    { start: 0 },
  );
  return text(header + body, options.bytes);
}

/** formatPmap(info, ''): what `pmap PID` prints. */
export function formatDefault(info: ProcessInfo, options: FormatOptions = {}): string {
  return formatPmap(info, '', options);
}

/** formatPmap(info, 'x'): what `pmap -x PID` prints. */
export function formatExtended(info: ProcessInfo, options: FormatOptions = {}): string {
  return formatPmap(info, 'x', options);
}

/** formatPmap(info, 'd'): what `pmap -d PID` prints. */
export function formatDevice(info: ProcessInfo, options: FormatOptions = {}): string {
  return formatPmap(info, 'd', options);
}

export interface JsonOptions {
  /** Add each process's --summary breakdown. */
  summary?: boolean;
}

function list(infos: ProcessInfo | readonly ProcessInfo[]): readonly ProcessInfo[] {
  return Array.isArray(infos) ? infos : [infos as ProcessInfo];
}

/**
 * The --json document as an object. An entry is a JsonProcess, or a
 * JsonError (it has `error`) when smaps was unreadable. Values are exact:
 * number below 2^53, bigint above.
 */
export function toJson(infos: ProcessInfo | readonly ProcessInfo[], options: JsonOptions = {}): JsonDocument {
  const entries = list(infos).map((info): JsonProcess | JsonError => {
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

function smapsOf(info: ProcessInfo): DetailedMapping[] {
  if (info.smaps === null) fileOf(info, 'smaps');
  return info.smaps!;
}

/** Every smaps "Key: N kB" field summed over the mappings (page sizes left out). */
export interface Totals {
  /** How many mappings smaps listed. */
  mappings: number;
  /**
   * Each sum as a number. A real process's sums are below 2^47 (Linux user
   * address spaces are at most 2^57 bytes), so these are exact unless
   * `exact` is present.
   */
  kB: Record<string, number>;
  /** Only when some sum reached 2^53 (a hand-made tree): every sum, exact. */
  exact?: Record<string, bigint>;
}

/**
 * The summed kB fields of a process's smaps, e.g. totals(info).kB.Rss.
 *
 * @throws {@link UnreadableError} when smaps could not be read.
 */
export function totals(info: ProcessInfo): Totals {
  const sums = totalsOf(smapsOf(info));
  const kB: Record<string, number> = {};
  let big = false;
  for (const [key, value] of Object.entries(sums.kB)) {
    kB[key] = Number(value);
    if (typeof value === 'bigint') big = true;
  }
  if (!big) return { mappings: sums.mappings, kB };
  const exact = Object.fromEntries(Object.entries(sums.kB).map(([key, value]) => [key, BigInt(value)]));
  return { mappings: sums.mappings, kB, exact };
}

/**
 * The --summary breakdown of one process.
 *
 * @throws {@link UnreadableError} when smaps could not be read.
 */
export function summarizeProcess(info: ProcessInfo): ProcessSummary {
  return summarize(smapsOf(info), info.startStack);
}

export interface SummaryOptions {
  /** Box-drawing borders (default) or ASCII ones. */
  unicode?: boolean;
  /** Object rows per process; the rest are folded into one row. */
  maxObjects?: number;
}

/**
 * What `tspmap --summary PID...` prints.
 *
 * @throws {@link UnreadableError} when a process's smaps could not be read.
 */
export function formatSummary(infos: ProcessInfo | readonly ProcessInfo[], options: SummaryOptions = {}): string {
  const snapshots = list(infos).map((info) => ({ record: info.record, mappings: smapsOf(info) }));
  const render = { unicode: options.unicode ?? true, ...(options.maxObjects !== undefined ? { maxObjects: options.maxObjects } : {}) };
  return formatSummaryText(Table as unknown as TableCtor, snapshots, render);
}

/** Which pmap text colorize() is given: '' / 'x' / 'd' output, or the -X/-XX table. */
export type ColorMode = 'default' | 'extended' | 'device' | 'table';

/**
 * The --color painting of one process's pmap text: ANSI SGR sequences
 * only, so stripping them gives the text back. `level` is the colour
 * depth (0 none, 1 16 colours, 2 256, 3 truecolor).
 */
export function colorize(pmapText: string, mode: ColorMode, level: 0 | 1 | 2 | 3 = 1): string {
  return paint(pmapText, mode, new Chalk({ level }));
}
