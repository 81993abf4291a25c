/**
 * --json: one document for all PIDs, in a schema that does not depend on
 * the kernel (schema/tspmap.schema.json documents it).
 *
 *   { "tspmap": "0.1.0", "schemaVersion": 1, "processes": [ ENTRY, ... ] }
 *
 * ENTRY is a process {pid, tgid, comm, command, cmdline, mappings, totals}
 * or an error entry {pid, error: {code, ...}}. Addresses and offsets are
 * lower-case hex strings without "0x" (exact 64-bit), inodes are decimal
 * strings (inode numbers are 64-bit), device is "MAJ:MIN" in hex as the
 * kernel prints it, and every "Key: N kB" line of smaps is a number in
 * mapping.kB under the kernel's own key. Numbers above 2^53 are written
 * with all their digits.
 *
 * This module is pure: it works on text already read from /proc.
 */
import { MapsEntry } from '../parse/maps.js';
import { SmapsMapping, parseSmaps } from '../parse/smaps.js';
import { U64, add } from '../parse/u64.js';
import { DELETED, MappingKind, mappingKind } from '../model/kind.js';
import { classifyMappings } from '../model/classify.js';
import type { Rule } from '../model/rules.js';
import { headerCommand } from '../parse/cmdline.js';
import type { ProcessRecord } from '../parse/record.js';
import type { ProcessSummary } from './summary.js';

export const SCHEMA_VERSION = 1;
/** tspmap's version, as package.json has it (a test keeps them equal). */
export const TSPMAP_VERSION = '0.1.0';

export type { MappingKind } from '../model/kind.js';
export { mappingKind } from '../model/kind.js';

/** The typed smaps model lives in src/parse/smaps.ts; these names are kept for the API. */
export type DetailedMapping = SmapsMapping;
export const parseSmapsDetailed = parseSmaps;

/** A process as the extensions see it: the record and its parsed smaps. */
export interface ProcessSnapshot {
  record: ProcessRecord;
  mappings: DetailedMapping[];
}

export type JsonEntryInput =
  | { kind: 'process'; snapshot: ProcessSnapshot }
  | { kind: 'missing'; pid: number }
  | { kind: 'unreadable'; record: ProcessRecord; file: string; errno: string };

/** Text decoded from the kernel's bytes (a latin1 byte string) as UTF-8. */
export interface Decoded {
  text: string;
  /** Base64 of the bytes when they are not valid UTF-8. */
  base64?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeBytes(bytes: string): Decoded {
  const buffer = Buffer.from(bytes, 'latin1');
  try {
    return { text: strictUtf8.decode(buffer) };
  } catch {
    return { text: buffer.toString('utf8'), base64: buffer.toString('base64') };
  }
}

/** argv from the raw cmdline: NUL-separated, the trailing NUL dropped. */
export function cmdlineArgs(raw: string): string[] {
  if (raw.length === 0) return [];
  const parts = raw.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map((part) => decodeBytes(part).text);
}

/** The command pmap prints in its header (UTF-8 escaping rules). */
export function commandOf(record: ProcessRecord): string {
  const bytes = headerCommand({ cmdline: record.cmdlineRaw, comm: record.stat.comm, state: record.stat.state }, true);
  return decodeBytes(bytes).text;
}

/** The JSON value of a mapping (U64 values stay exact, as number or bigint). */
export interface JsonMapping {
  start: string;
  end: string;
  perms: string;
  offset: string;
  device: string;
  inode: string;
  path: string | null;
  pathBase64?: string;
  kind: MappingKind;
  deleted: boolean;
  kB: Record<string, U64>;
  thpEligible?: U64;
  protectionKey?: U64;
  values?: Record<string, U64>;
  vmFlags?: string[];
  /** The classifier's category and label (src/model/rules.ts). */
  category?: string;
  label?: string;
}

export interface JsonTotals {
  mappings: number;
  kB: Record<string, U64>;
}

export interface JsonProcess {
  pid: number;
  tgid: number;
  comm: string | null;
  command: string;
  cmdline: string[];
  mappings: JsonMapping[];
  totals: JsonTotals;
  /** With --summary (toJson's `summary` option): the breakdown --summary prints. */
  summary?: ProcessSummary;
}

export interface JsonError {
  pid: number;
  tgid?: number;
  comm?: string | null;
  command?: string;
  cmdline?: string[];
  error: { code: 'not_found' | 'unreadable'; errno?: string; message: string };
}

export interface JsonDocument {
  tspmap: string;
  schemaVersion: number;
  processes: Array<JsonProcess | JsonError>;
}

function hex(value: U64): string {
  return value.toString(16);
}

function device(entry: MapsEntry): string {
  return `${entry.devMajor.toString(16).padStart(2, '0')}:${entry.devMinor.toString(16).padStart(2, '0')}`;
}

export function jsonMapping(mapping: DetailedMapping, startStack: U64): JsonMapping {
  const name = decodeBytes(mapping.name);
  const out: JsonMapping = {
    start: hex(mapping.start),
    end: hex(mapping.end),
    perms: mapping.perms,
    offset: hex(mapping.offset),
    device: device(mapping),
    inode: String(mapping.inode),
    path: mapping.name === '' ? null : name.text,
    kind: mappingKind(mapping, startStack),
    deleted: mapping.name.endsWith(DELETED),
    kB: Object.fromEntries(mapping.kB),
  };
  if (name.base64 !== undefined) out.pathBase64 = name.base64;
  const others: Record<string, U64> = {};
  for (const [key, value] of mapping.values) {
    if (key === 'THPeligible') out.thpEligible = value;
    else if (key === 'ProtectionKey') out.protectionKey = value;
    else others[key] = value;
  }
  if (Object.keys(others).length > 0) out.values = others;
  if (mapping.vmFlags) out.vmFlags = mapping.vmFlags;
  return out;
}

/** Page sizes are per-mapping properties, not amounts: never summed. */
const NOT_SUMMED = new Set(['KernelPageSize', 'MMUPageSize']);

/** Sum of every kB field (but the page sizes) over the mappings, exact in 64 bits. */
export function totalsOf(mappings: readonly DetailedMapping[]): JsonTotals {
  const kB: Record<string, U64> = {};
  for (const mapping of mappings) {
    for (const [key, value] of mapping.kB) {
      if (!NOT_SUMMED.has(key)) kB[key] = add(kB[key] ?? 0, value);
    }
  }
  return { mappings: mappings.length, kB };
}

export function jsonIdentity(record: ProcessRecord): Pick<JsonProcess, 'pid' | 'tgid' | 'comm' | 'command' | 'cmdline'> {
  return {
    pid: record.pid,
    tgid: record.tgid,
    comm: record.stat.comm === null ? null : decodeBytes(record.stat.comm).text,
    command: commandOf(record),
    cmdline: cmdlineArgs(record.cmdlineRaw),
  };
}

/** A process's JSON value; each mapping carries its class (--rules first, then the built-in rules). */
export function jsonProcess(snapshot: ProcessSnapshot, rules: readonly Rule[] = []): JsonProcess {
  const startStack = snapshot.record.stat.startStack;
  const classes = classifyMappings(snapshot.mappings, startStack, rules);
  return {
    ...jsonIdentity(snapshot.record),
    mappings: snapshot.mappings.map((mapping, i) => ({
      ...jsonMapping(mapping, startStack),
      category: classes[i]!.category,
      label: decodeBytes(classes[i]!.label).text,
    })),
    totals: totalsOf(snapshot.mappings),
  };
}

/**
 * Write serialize(jsonProcess(snapshot, rules) + summary, 2) a mapping line
 * at a time, so that the mappings' JSON is never held whole: the entry is
 * serialized with no mappings, and the one-line mappings go where its empty
 * array stands.
 */
export function writeJsonProcess(
  snapshot: ProcessSnapshot,
  rules: readonly Rule[],
  summary: JsonProcess['summary'],
  write: (text: string) => void,
): void {
  const startStack = snapshot.record.stat.startStack;
  const mappings = snapshot.mappings;
  const classes = classifyMappings(mappings, startStack, rules);
  const shell: JsonProcess = { ...jsonIdentity(snapshot.record), mappings: [], totals: totalsOf(mappings) };
  if (summary !== undefined) shell.summary = summary;
  const text = serialize(shell, 2);
  // Members of an entry are indented by 6; a quote inside a string is escaped.
  const marker = '\n      "mappings": []';
  const at = text.indexOf(marker);
  if (mappings.length === 0 || at < 0) {
    write(text);
    return;
  }
  write(text.slice(0, at) + '\n      "mappings": [');
  for (let i = 0; i < mappings.length; i++) {
    const mapping = {
      ...jsonMapping(mappings[i]!, startStack),
      category: classes[i]!.category,
      label: decodeBytes(classes[i]!.label).text,
    };
    write((i === 0 ? '\n        ' : ',\n        ') + serialize(mapping, 4));
  }
  write('\n      ]' + text.slice(at + marker.length));
}

export function jsonEntry(input: JsonEntryInput, rules: readonly Rule[] = []): JsonProcess | JsonError {
  if (input.kind === 'process') return jsonProcess(input.snapshot, rules);
  if (input.kind === 'missing') {
    return { pid: input.pid, error: { code: 'not_found', message: 'no such process' } };
  }
  return {
    ...jsonIdentity(input.record),
    error: {
      code: 'unreadable',
      errno: input.errno,
      message: `cannot read /proc/${input.record.tgid}/${input.file}: ${input.errno}`,
    },
  };
}

export function jsonDocument(version: string, entries: Array<JsonProcess | JsonError>): JsonDocument {
  return { tspmap: version, schemaVersion: SCHEMA_VERSION, processes: entries };
}

/**
 * JSON text: indented down to each mapping, which takes one line (as do
 * arrays of plain values and anything deeper), so the output stays
 * greppable. Bigints are written with all their digits; undefined members
 * are left out as JSON.stringify leaves them out.
 */
export function stringifyJson(value: unknown): string {
  return serialize(value, 0) + '\n';
}

/**
 * The document of stringifyJson(jsonDocument(version, entries)) in pieces,
 * so that each process is written as soon as it is read and then dropped:
 * the text before the first entry, each entry (after the first, preceded
 * by the separator) and the text after the last. Byte-identical to the
 * whole document when at least one entry is written.
 */
export function jsonDocumentPieces(version: string): { head: string; entry: (entry: JsonProcess | JsonError) => string; separator: string; tail: string } {
  const probe = stringifyJson(jsonDocument(version, []));
  // "processes": [] is the last member; the entries open the array instead.
  const head = probe.slice(0, probe.lastIndexOf('[]')) + '[\n    ';
  return {
    head,
    entry: (entry) => serialize(entry, 2),
    separator: ',\n    ',
    tail: '\n  ]\n}\n',
  };
}

const INLINE_DEPTH = 4;

export function serialize(value: unknown, depth: number, inlineParent = false): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const isArray = Array.isArray(value);
  const inline =
    inlineParent ||
    (!isArray && depth >= INLINE_DEPTH) ||
    (isArray && value.every((item) => item === null || typeof item !== 'object'));
  if (inline) {
    // The compact form is JSON.stringify's, but for bigints (kept digit for digit).
    try {
      return JSON.stringify(value);
    } catch {
      // a bigint somewhere inside: the general path below
    }
  }
  const pad = '  '.repeat(depth + 1);
  const items: string[] = isArray
    ? value.map((item) => serialize(item === undefined ? null : item, depth + 1, inline))
    : Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined && typeof item !== 'function')
        .map(([key, item]) => `${JSON.stringify(key)}:${inline ? '' : ' '}${serialize(item, depth + 1, inline)}`);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return open + close;
  if (inline) return open + items.join(',') + close;
  return `${open}\n${pad}${items.join(`,\n${pad}`)}\n${'  '.repeat(depth)}${close}`;
}
