/**
 * --json and --summary: read each found process's smaps and hand it to the
 * formatter, with pmap's exit status (1 when a process's smaps cannot be
 * read, 42 when a PID was not found). Loaded only for these options.
 */
import type { PmapOptions } from './args.js';
import { parsePids } from './args.js';
import type { Output } from './output.js';
import { writeStderr } from './output.js';
import { EXIT } from './exit.js';
import { strerror } from '../model/strerror.js';
import type { ProcFS } from '../proc/procfs.js';
import { ProcessRecord, headerLine } from '../proc/process.js';
import { isUtf8Locale } from '../proc/locale.js';
import { isWholeRange, rangeStep } from '../model/range.js';
import type { Rule } from '../model/rules.js';
import type { SummaryInput } from '../format/summary.js';
import type { PssSplit } from '../model/usage.js';
import { readPssSplit, readPssSplitLater } from '../proc/accounting.js';
import { setRuntimeFlag } from '../proc/v8-flags.js';
import { TSPMAP_VERSION, jsonDocumentPieces, jsonEntry } from '../format/json.js';
import { SmapsStore } from '../parse/smaps-store.js';

export interface ExtensionContext {
  options: PmapOptions;
  fs: ProcFS;
  /** The processes found, in the order asked for (duplicates kept). */
  records: ProcessRecord[];
  /** How many PIDs were asked for. */
  requested: number;
  output: Output;
  env: Readonly<Record<string, string | undefined>>;
  name: string;
  treeShmMinor: number | null;
}

/** Object rows --summary prints per process; the rest share one row (--json has all). */
const SUMMARY_OBJECTS = 15;

/** Every PID asked for, paired with its record or null when not found. */
function pairWithPids(context: ExtensionContext): Array<{ pid: number; record: ProcessRecord | null }> {
  const parsed = parsePids(context.options.operands);
  const pids = parsed.ok ? parsed.pids : [];
  const pairs: Array<{ pid: number; record: ProcessRecord | null }> = [];
  let next = 0;
  for (const pid of pids) {
    const record = context.records[next];
    if (record && record.pid === pid) {
      pairs.push({ pid, record });
      next++;
    } else {
      pairs.push({ pid, record: null });
    }
  }
  return pairs;
}

type Read = { ok: true; store: SmapsStore } | { ok: false; errno: string };

/**
 * A process's smaps (the mappings -A keeps), read in blocks into the
 * compact store; with fields, only those are kept. A big one is read on a
 * second thread while this one parses (proc/read-ahead.ts): --summary on
 * 61,000 mappings went from 0.62 to 0.50 s.
 */
function readStore(context: ExtensionContext, record: ProcessRecord, fields: readonly string[] | null = null): Read {
  const range = context.options.range;
  const store = new SmapsStore(isWholeRange(range) ? null : (start, end) => rangeStep(start, end, range), fields);
  const read = context.fs.streamProcessFileBytes(String(record.tgid), 'smaps', (bytes, eof) => store.feedBytes(bytes, eof), true);
  if (!read.ok) return { ok: false, errno: read.code };
  store.end();
  return { ok: true, store };
}

/** A Unicode string as the latin1 byte string Output writes. */
function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** What --rules, smaps_rollup and vm.max_map_count add to a summary. */
interface Classifying {
  rules: Rule[];
  maxMapCount: number | undefined;
}

async function loadClassifying(context: ExtensionContext): Promise<Classifying | null> {
  const { readMaxMapCount, readRulesText } = await import('../proc/accounting.js');
  let rules: Rule[] = [];
  const path = context.options.rulesFile;
  if (path !== null) {
    const read = readRulesText(path);
    const parsed = read.ok ? (await import('../model/user-rules.js')).parseRulesFile(read.text, path) : read;
    if (!parsed.ok) {
      writeStderr(`${context.name}: --rules ${parsed.message}\n`);
      return null;
    }
    rules = parsed.rules;
  }
  return { rules, maxMapCount: readMaxMapCount(context.fs) };
}

function summaryInput(classifying: Classifying, pss: PssSplit | undefined): SummaryInput {
  return { rules: classifying.rules, maxMapCount: classifying.maxMapCount, ...(pss ? { pss } : {}) };
}

export async function runExtensions(context: ExtensionContext): Promise<number> {
  // Reading a large smaps makes a stream of short-lived strings and records,
  // for which V8 would grow its young generation to 2 x 16 MiB: a third of
  // the peak RSS at 61,000 mappings, for no measurable gain in speed.
  setRuntimeFlag('--semi-space-growth-factor=1');
  const classifying = await loadClassifying(context);
  if (classifying === null) return EXIT.failure;
  let status = 0;
  if (context.records.length < context.requested) status |= EXIT.missing;
  if (context.options.json) return status | (await runJson(context, classifying));
  return status | (await runSummary(context, classifying));
}

/** The document streams: each process is written once read, then dropped. */
async function runJson(context: ExtensionContext, classifying: Classifying): Promise<number> {
  let status = 0;
  const summaryModule = context.options.summary ? await import('../format/summary.js') : null;
  const { writeStoredProcess } = await import('../format/json-lines.js');
  const pieces = jsonDocumentPieces(TSPMAP_VERSION);
  const write = (text: string): void => context.output.write(NON_ASCII.test(text) ? utf8Bytes(text) : text);
  write(pieces.head);
  let first = true;
  for (const { pid, record } of pairWithPids(context)) {
    if (!first) write(pieces.separator);
    first = false;
    if (!record) {
      write(pieces.entry(jsonEntry({ kind: 'missing', pid }, classifying.rules)));
      continue;
    }
    const read = readStore(context, record);
    if (!read.ok) {
      status |= EXIT.unreadable;
      write(pieces.entry(jsonEntry({ kind: 'unreadable', record, file: 'smaps', errno: read.errno }, classifying.rules)));
      continue;
    }
    const builder = summaryModule ? new summaryModule.SummaryBuilder() : null;
    writeStoredProcess({
      record, store: read.store, rules: classifying.rules,
      ...(summaryModule && builder ? {
        onMapping: (mapping, mappingClass) => builder.add(mapping, mappingClass),
        summary: () => summaryModule.summaryJson(builder.result(summaryInput(classifying, readPssSplit(context.fs, String(record.tgid))))),
      } : {}),
    }, write);
    if (context.output.brokenPipe) return status;
  }
  write(pieces.tail);
  return status;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Each process's tables as it is read; the combined table from running totals. */
async function runSummary(context: ExtensionContext, classifying: Classifying): Promise<number> {
  const { renderSummary, renderCombined, SummaryBuilder, CombinedSummary } = await import('../format/summary.js');
  const { SUMMARY_FIELDS, classifyStore } = await import('../model/classify.js');
  let utf8: boolean | undefined;
  const utf8Locale = (): boolean => (utf8 ??= isUtf8Locale(context.env));
  const render = { unicode: utf8Locale(), maxObjects: SUMMARY_OBJECTS };
  let status = 0;
  const combined = new CombinedSummary();
  for (const record of context.records) {
    context.output.write(headerLine(record, utf8Locale));
    const read = readStore(context, record, SUMMARY_FIELDS);
    if (!read.ok) {
      status |= EXIT.unreadable;
      const reason = strerror(read.errno);
      context.output.flush();
      writeStderr(`${context.name}: cannot read /proc/${record.tgid}/smaps: ${reason}\n`);
      continue;
    }
    // smaps_rollup's walk of the mappings runs on the core the reading
    // thread has left, while this one classifies (20 ms at 61,000 mappings).
    const pss = readPssSplitLater(context.fs, String(record.tgid));
    const builder = new SummaryBuilder();
    classifyStore(read.store, record.stat.startStack, classifying.rules, (view, mappingClass) => {
      combined.addAmounts(builder.add(view.mapping, mappingClass), mappingClass.category);
    });
    combined.addProcess();
    const summary = builder.result(summaryInput(classifying, await pss));
    context.output.write(utf8Bytes(await renderSummary(summary, render)));
    if (context.output.brokenPipe) return status;
  }
  if (combined.processes > 1) {
    context.output.write(utf8Bytes(await renderCombined(combined.result(), combined.processes, render)));
  }
  return status;
}
