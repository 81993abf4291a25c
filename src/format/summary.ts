/**
 * --summary: where a process's memory goes, by category and by mapped
 * object, as cli-table3 tables (loaded only when a summary is rendered).
 *
 * All sizes are kB. Size is (end - start) >> 10 summed in bytes first, so
 * the total equals pmap -x's "total kB"; RSS, PSS and Swap are sums of the
 * smaps fields, as pmap -X totals them; Private (USS) is Private_Clean +
 * Private_Dirty and Shared is Shared_Clean + Shared_Dirty (pmap -XX).
 */
import { U64, add, shr10, sub } from '../parse/u64.js';
import { DetailedMapping, MappingKind, ProcessSnapshot, commandOf, decodeBytes, mappingKind } from './json.js';

export type Category = 'code' | 'heap' | 'stack' | 'file data' | 'shared memory' | 'private anon' | 'special';

export const CATEGORIES: readonly Category[] = [
  'code', 'heap', 'stack', 'file data', 'shared memory', 'private anon', 'special',
];

export interface Usage {
  /** Mapped size in kB. */
  size: U64;
  rss: U64;
  pss: U64;
  /** Private_Clean + Private_Dirty (USS). */
  private: U64;
  /** Shared_Clean + Shared_Dirty. */
  shared: U64;
  swap: U64;
  mappings: number;
}

export interface CategoryRow extends Usage {
  category: Category;
}

export interface ObjectRow extends Usage {
  /** A file's path (as the kernel names it), or a bracketed label. */
  object: string;
  /** The kind of the object's first mapping. */
  kind: MappingKind;
}

export interface ProcessSummary {
  categories: CategoryRow[];
  objects: ObjectRow[];
  total: Usage;
}

/** The category of a mapping kind; file-backed mappings split on PROT_EXEC. */
export function categoryOf(kind: MappingKind, perms: string, name: string): Category {
  switch (kind) {
    case 'heap': return 'heap';
    case 'stack': return 'stack';
    case 'anon': case 'anon_named': return 'private anon';
    case 'shm': case 'memfd': case 'anon_shared': return 'shared memory';
    case 'vdso': case 'vvar': case 'vsyscall': case 'special': return 'special';
    case 'file': case 'deleted':
      if (name.startsWith('/dev/shm/')) return 'shared memory';
      return perms[2] === 'x' ? 'code' : 'file data';
  }
}

/** The object a mapping belongs to in the per-object breakdown. */
export function objectOf(kind: MappingKind, mapping: DetailedMapping): string {
  switch (kind) {
    case 'anon': return '[anon]';
    case 'heap': return '[heap]';
    case 'stack': return '[stack]';
    case 'shm': return `[shmid=0x${mapping.inode.toString(16)}]`;
    default: return mapping.name;
  }
}

/** Running sums, sizes kept in bytes until the end. */
class Accumulator {
  bytes: U64 = 0;
  rss: U64 = 0;
  pss: U64 = 0;
  private: U64 = 0;
  shared: U64 = 0;
  swap: U64 = 0;
  mappings = 0;

  addMapping(mapping: DetailedMapping): void {
    const field = (key: string): U64 => mapping.kB.get(key) ?? 0;
    this.bytes = add(this.bytes, sub(mapping.end, mapping.start));
    this.rss = add(this.rss, field('Rss'));
    this.pss = add(this.pss, field('Pss'));
    this.private = add(this.private, add(field('Private_Clean'), field('Private_Dirty')));
    this.shared = add(this.shared, add(field('Shared_Clean'), field('Shared_Dirty')));
    this.swap = add(this.swap, field('Swap'));
    this.mappings++;
  }

  usage(): Usage {
    return {
      size: shr10(this.bytes), rss: this.rss, pss: this.pss, private: this.private,
      shared: this.shared, swap: this.swap, mappings: this.mappings,
    };
  }
}

function byRss<T extends Usage>(label: (row: T) => string): (a: T, b: T) => number {
  return (a, b) =>
    a.rss !== b.rss ? (a.rss > b.rss ? -1 : 1) : a.size !== b.size ? (a.size > b.size ? -1 : 1) : label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0;
}

/** The breakdown of one process's mappings (sorted by RSS, largest first). */
export function summarize(mappings: readonly DetailedMapping[], startStack: U64): ProcessSummary {
  const categories = new Map<Category, Accumulator>();
  const objects = new Map<string, { kind: MappingKind; sums: Accumulator }>();
  const total = new Accumulator();
  for (const mapping of mappings) {
    const kind = mappingKind(mapping, startStack);
    const category = categoryOf(kind, mapping.perms, mapping.name);
    const object = objectOf(kind, mapping);
    let sums = categories.get(category);
    if (!sums) categories.set(category, (sums = new Accumulator()));
    sums.addMapping(mapping);
    let entry = objects.get(object);
    if (!entry) objects.set(object, (entry = { kind, sums: new Accumulator() }));
    entry.sums.addMapping(mapping);
    total.addMapping(mapping);
  }
  return {
    categories: [...categories].map(([category, sums]) => ({ category, ...sums.usage() })).sort(byRss((row) => row.category)),
    objects: [...objects].map(([object, { kind, sums }]) => ({ object, kind, ...sums.usage() })).sort(byRss((row) => row.object)),
    total: total.usage(),
  };
}

/** The same breakdown by category over several processes. */
export function summarizeAll(snapshots: readonly ProcessSnapshot[]): ProcessSummary {
  const categories = new Map<Category, Accumulator>();
  const total = new Accumulator();
  for (const snapshot of snapshots) {
    for (const mapping of snapshot.mappings) {
      const kind = mappingKind(mapping, snapshot.record.stat.startStack);
      const category = categoryOf(kind, mapping.perms, mapping.name);
      let sums = categories.get(category);
      if (!sums) categories.set(category, (sums = new Accumulator()));
      sums.addMapping(mapping);
      total.addMapping(mapping);
    }
  }
  return {
    categories: [...categories].map(([category, sums]) => ({ category, ...sums.usage() })).sort(byRss((row) => row.category)),
    objects: [],
    total: total.usage(),
  };
}

/** The summary as plain JSON data (for --json --summary and the API). */
/** The --json "summary" member: the summary with object names decoded from the kernel's bytes. */
export function summaryJson(summary: ProcessSummary): ProcessSummary {
  return {
    categories: summary.categories,
    objects: summary.objects.map((row) => ({ ...row, object: decodeBytes(row.object).text })),
    total: summary.total,
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
