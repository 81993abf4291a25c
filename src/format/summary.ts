/**
 * --summary: where a process's memory goes, by category and by mapped
 * object, as cli-table3 tables (loaded only when a summary is rendered).
 *
 * All sizes are kB. Size is (end - start) >> 10 summed in bytes first, so
 * the total equals pmap -x's "total kB"; RSS, PSS and Swap are sums of the
 * smaps fields, as pmap -X totals them; Private (USS) is Private_Clean +
 * Private_Dirty and Shared is Shared_Clean + Shared_Dirty (pmap -XX).
 */
import { U64, add } from '../parse/u64.js';
import { ProcessSnapshot, commandOf, decodeBytes } from './json.js';
import type { MappingKind } from '../model/kind.js';
import type { SmapsRecord } from '../parse/smaps.js';
import { CATEGORY_ORDER, Category, Rule } from '../model/rules.js';
import { MappingClass, classifyMappings } from '../model/classify.js';
import {
  Accounting, AccountingSums, PssSplit, Usage, UsageAmounts, UsageSums, mapCountWarning, usageAmounts,
} from '../model/usage.js';

export type { Category } from '../model/rules.js';
export type { Usage } from '../model/usage.js';

/** The built-in categories (src/model/rules.ts); a --rules file may add more. */
export const CATEGORIES: readonly Category[] = CATEGORY_ORDER;

export interface CategoryRow extends Usage {
  category: Category;
}

export interface ObjectRow extends Usage {
  /** A file's path (as the kernel names it), or a label for memory without a file. */
  object: string;
  /** The kind of the object's first mapping. */
  kind: MappingKind;
  /** The category of the object's first mapping. */
  category: Category;
}

export interface ProcessSummary {
  categories: CategoryRow[];
  objects: ObjectRow[];
  total: Usage;
  accounting?: Accounting;
}

/** What a summary may use beyond the mappings. */
export interface SummaryInput {
  /** --rules: tried before the built-in rules. */
  rules?: readonly Rule[];
  /** smaps_rollup's Pss_Anon/Pss_File/Pss_Shmem. */
  pss?: PssSplit;
  /** /proc/sys/vm/max_map_count. */
  maxMapCount?: number;
  /** The mappings' classes when the caller has them already (classifyMappings). */
  classes?: readonly MappingClass[];
}

function byRss<T extends Usage>(label: (row: T) => string): (a: T, b: T) => number {
  return (a, b) =>
    a.rss !== b.rss ? (a.rss > b.rss ? -1 : 1) : a.size !== b.size ? (a.size > b.size ? -1 : 1) : label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0;
}

/** The breakdown of one process's mappings (sorted by RSS, largest first). */
export function summarize(mappings: readonly SmapsRecord[], startStack: U64, input: SummaryInput = {}): ProcessSummary {
  const classes = input.classes ?? classifyMappings(mappings, startStack, input.rules);
  const builder = new SummaryBuilder();
  mappings.forEach((mapping, i) => builder.add(mapping, classes[i]!));
  return builder.result(input);
}

/** summarize() as running sums: mappings are added one at a time, with their classes. */
export class SummaryBuilder {
  private readonly categories = new Map<Category, UsageSums>();
  private readonly objects = new Map<string, { kind: MappingKind; category: Category; sums: UsageSums }>();
  private readonly total = new UsageSums();
  private readonly accounting = new AccountingSums();

  /** Add a mapping; returns its amounts, for other sums to reuse. */
  add(mapping: SmapsRecord, mappingClass: MappingClass): UsageAmounts {
    const { category, object, kind } = mappingClass;
    const amounts = usageAmounts(mapping);
    let sums = this.categories.get(category);
    if (!sums) this.categories.set(category, (sums = new UsageSums()));
    sums.addAmounts(amounts);
    let entry = this.objects.get(object);
    if (!entry) this.objects.set(object, (entry = { kind, category, sums: new UsageSums() }));
    entry.sums.addAmounts(amounts);
    this.total.addAmounts(amounts);
    this.accounting.add(mapping, kind);
    return amounts;
  }

  /** The summary (pss and maxMapCount, when given, go to the accounting). */
  result(extra: { pss?: PssSplit; maxMapCount?: number } = {}): ProcessSummary {
    return {
      categories: [...this.categories].map(([category, sums]) => ({ category, ...sums.usage() })).sort(byRss((row) => row.category)),
      objects: [...this.objects].map(([object, { kind, category, sums }]) => ({ object, kind, category, ...sums.usage() })).sort(byRss((row) => row.object)),
      total: this.total.usage(),
      accounting: this.accounting.result(extra),
    };
  }
}

/**
 * The breakdown by category over several processes as running totals: each
 * process is added once it has been read, and its mappings can be dropped.
 */
export class CombinedSummary {
  private readonly categories = new Map<Category, UsageSums>();
  private readonly total = new UsageSums();
  processes = 0;

  /** Add one process's mappings, with their classes when already known. */
  add(mappings: readonly SmapsRecord[], startStack: U64, input: SummaryInput = {}): void {
    const classes = input.classes ?? classifyMappings(mappings, startStack, input.rules);
    mappings.forEach((mapping, i) => this.addAmounts(usageAmounts(mapping), classes[i]!.category));
    this.processes++;
  }

  /** Add one mapping of the process being read (addProcess() counts the process). */
  addAmounts(amounts: UsageAmounts, category: Category): void {
    let sums = this.categories.get(category);
    if (!sums) this.categories.set(category, (sums = new UsageSums()));
    sums.addAmounts(amounts);
    this.total.addAmounts(amounts);
  }

  addProcess(): void {
    this.processes++;
  }

  result(): ProcessSummary {
    return {
      categories: [...this.categories].map(([category, sums]) => ({ category, ...sums.usage() })).sort(byRss((row) => row.category)),
      objects: [],
      total: this.total.usage(),
    };
  }
}

/** The same breakdown by category over several processes. */
export function summarizeAll(snapshots: readonly ProcessSnapshot[], input: SummaryInput = {}): ProcessSummary {
  const combined = new CombinedSummary();
  for (const snapshot of snapshots) combined.add(snapshot.mappings, snapshot.record.stat.startStack, { rules: input.rules });
  return combined.result();
}

/** The summary as plain JSON data (for --json --summary and the API). */
/** The --json "summary" member: the summary with object names decoded from the kernel's bytes. */
export function summaryJson(summary: ProcessSummary): ProcessSummary {
  return {
    categories: summary.categories,
    objects: summary.objects.map((row) => ({ ...row, object: decodeBytes(row.object).text })),
    total: summary.total,
    // vm.max_map_count is the machine's, not the process's: the text shows it.
    ...(summary.accounting ? { accounting: { ...summary.accounting, maxMapCount: undefined } } : {}),
  };
}

export interface SummaryRenderOptions {
  /** Box-drawing borders (a UTF-8 locale) or plain ASCII ones. */
  unicode: boolean;
  /** Object rows to show per process (the rest are folded into one row). */
  maxObjects?: number;
}

const ASCII_CHARS = {
  top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+',
  bottom: '-', 'bottom-mid': '+', 'bottom-left': '+', 'bottom-right': '+',
  left: '|', 'left-mid': '+', mid: '-', 'mid-mid': '+',
  right: '|', 'right-mid': '+', middle: '|',
};

const COLUMNS = ['Size', 'RSS', 'PSS', 'Private', 'Shared', 'Swap', 'Maps'];

function numbers(usage: Usage): string[] {
  return [usage.size, usage.rss, usage.pss, usage.private, usage.shared, usage.swap, usage.mappings].map(String);
}

/**
 * What is used of cli-table3's Table, spelled out so the declarations name
 * no npm package: the CLI loads it lazily, the library bundles it.
 */
export type TableCtor = new (options: object) => { push(...rows: string[][]): number; toString(): string };

async function loadTable(): Promise<TableCtor> {
  const loaded = (await import('cli-table3')) as unknown as { default?: TableCtor };
  return (loaded.default ?? loaded) as unknown as TableCtor;
}

function table(Table: TableCtor, first: string, rows: string[][], options: SummaryRenderOptions): string {
  const instance = new Table({
    head: [first, ...COLUMNS],
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ...(options.unicode ? {} : { chars: ASCII_CHARS }),
  });
  for (const row of rows) instance.push(row);
  return instance.toString() + '\n';
}

function categoryRows(summary: ProcessSummary): string[][] {
  return [
    ...summary.categories.map((row) => [row.category, ...numbers(row)]),
    ['total', ...numbers(summary.total)],
  ];
}

function objectRows(summary: ProcessSummary, limit: number): string[][] {
  const shown = summary.objects.slice(0, limit);
  const rows = shown.map((row) => [decodeBytes(row.object).text, ...numbers(row)]);
  const rest = summary.objects.slice(limit);
  if (rest.length > 0) {
    const sums: Usage = { size: 0, rss: 0, pss: 0, private: 0, shared: 0, swap: 0, mappings: 0 };
    for (const row of rest) {
      sums.size = add(sums.size, row.size);
      sums.rss = add(sums.rss, row.rss);
      sums.pss = add(sums.pss, row.pss);
      sums.private = add(sums.private, row.private);
      sums.shared = add(sums.shared, row.shared);
      sums.swap = add(sums.swap, row.swap);
      sums.mappings += row.mappings;
    }
    rows.push([`(${rest.length} more)`, ...numbers(sums)]);
  }
  rows.push(['total', ...numbers(summary.total)]);
  return rows;
}

/** The accounting lines under the tables (kB; the kernel's PSS split when given). */
export function accountingLines(accounting: Accounting): string {
  const { rss, pss } = accounting;
  let text = `reserved ${accounting.reserved} kB (PROT_NONE, nothing resident), committed ${accounting.committed} kB\n`;
  text += `RSS by backing: anon ${rss.anon} kB, file ${rss.file} kB, shmem ${rss.shmem} kB\n`;
  if (pss) text += `PSS by backing (smaps_rollup): anon ${pss.anon} kB, file ${pss.file} kB, shmem ${pss.shmem} kB\n`;
  text += `swap ${accounting.swap} kB, SwapPss ${accounting.swapPss} kB, THP ${accounting.thp} kB, hugetlb ${accounting.hugetlb} kB\n`;
  if (accounting.maxMapCount !== undefined) {
    text += `mappings ${accounting.mappings} of vm.max_map_count ${accounting.maxMapCount}\n`;
  }
  const warning = mapCountWarning(accounting);
  return warning ? text + warning + '\n' : text;
}

/**
 * Render one process's summary (its header line is the caller's). Returns
 * a Unicode string; the CLI encodes it as UTF-8.
 */
export async function renderSummary(summary: ProcessSummary, options: SummaryRenderOptions): Promise<string> {
  return summaryTables(await loadTable(), summary, options);
}

/** renderSummary() with the Table class at hand. */
export function summaryTables(Table: TableCtor, summary: ProcessSummary, options: SummaryRenderOptions): string {
  return (
    table(Table, 'Category (kB)', categoryRows(summary), options) +
    (summary.accounting ? accountingLines(summary.accounting) : '') +
    table(Table, 'Mapped object (kB)', objectRows(summary, options.maxObjects ?? Number.POSITIVE_INFINITY), options)
  );
}

/** The closing table of a several-process summary. */
export async function renderCombined(summary: ProcessSummary, processes: number, options: SummaryRenderOptions): Promise<string> {
  return combinedTable(await loadTable(), summary, processes, options);
}

function combinedTable(Table: TableCtor, summary: ProcessSummary, processes: number, options: SummaryRenderOptions): string {
  return `all ${processes} processes:\n` + table(Table, 'Category (kB)', categoryRows(summary), options);
}

/** The whole --summary text for snapshots (header lines included). */
export function formatSummaryText(Table: TableCtor, snapshots: readonly ProcessSnapshot[], options: SummaryRenderOptions): string {
  let text = '';
  for (const snapshot of snapshots) {
    text += `${snapshot.record.tgid}:   ${commandOf(snapshot.record)}\n`;
    text += summaryTables(Table, summarize(snapshot.mappings, snapshot.record.stat.startStack), options);
  }
  if (snapshots.length > 1) text += combinedTable(Table, summarizeAll(snapshots), snapshots.length, options);
  return text;
}
