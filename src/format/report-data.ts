/**
 * The data behind `tspmap report`: from samples of processes (each sample a
 * time and the processes read then) to what the HTML page draws. Pure.
 *
 * Every number shown comes from summarize() (the same code as --summary),
 * so the page equals --summary and pmap -X on the same snapshot. What is
 * aggregated is only what is drawn: small treemap leaves are folded into
 * one leaf per object, and the address strip is cut into at most
 * STRIP_BUCKETS pieces, so a 60k-mapping process stays small.
 */
import type { SmapsMapping } from '../parse/smaps.js';
import { U64, sub, toBig } from '../parse/u64.js';
import { MappingClass, classifyMappings } from '../model/classify.js';
import { CATEGORY_ORDER, Rule } from '../model/rules.js';
import { ProcessSnapshot, commandOf, decodeBytes } from './json.js';
import { ProcessSummary, Usage, summarize } from './summary.js';

/** One read of some processes, as `tspmap record` stores them. */
export interface Sample {
  /** ISO 8601 time of the read. */
  time: string;
  processes: SampleProcess[];
}

export interface SampleProcess {
  snapshot: ProcessSnapshot;
  /** smaps_rollup's PSS split, when read. */
  pss?: { anon: number; file: number; shmem: number };
}

export interface ReportInput {
  samples: Sample[];
  /** The kernel release (/proc/sys/kernel/osrelease), when known. */
  kernel: string | null;
  maxMapCount?: number;
  rules?: readonly Rule[];
  generator: string;
}

/** A number as JSON can hold it exactly: a number, or its digits. */
export type Exact = number | string;

function exact(value: U64): Exact {
  return typeof value === 'bigint' ? value.toString() : value;
}

function usageData(usage: Usage): Record<string, Exact> {
  return {
    size: exact(usage.size), rss: exact(usage.rss), pss: exact(usage.pss), private: exact(usage.private),
    shared: exact(usage.shared), swap: exact(usage.swap), mappings: usage.mappings,
  };
}

/** The treemap: category › object › mapping, sized by PSS (RSS without PSS). */
export interface TreeNode {
  name: string;
  /** kB, leaves only. */
  value?: number;
  /** Leaf details: start-end, perms, label, RSS, PSS. */
  detail?: string;
  children?: TreeNode[];
}

/** Leaves below this share of the process's treemap total are folded. */
const LEAF_SHARE = 1 / 4000;
/** Leaves kept per object before the rest are folded. */
const LEAVES_PER_OBJECT = 200;
/** Object rows the page's table lists (the rest share one row). */
const TABLE_OBJECTS = 200;
/** The address strip is drawn in at most this many pieces. */
const STRIP_BUCKETS = 1500;
/** A gap wider than this share of the mapped bytes is drawn compressed. */
const GAP_SHARE = 0.02;
/** The width a compressed gap takes, as a share of the strip. */
const GAP_WIDTH = 0.01;

function toNumber(value: U64): number {
  return typeof value === 'bigint' ? Number(value) : value;
}

function weightOf(mapping: SmapsMapping): number {
  const pss = mapping.kB.get('Pss');
  return toNumber(pss ?? mapping.kB.get('Rss') ?? 0);
}

function hex(value: U64): string {
  return value.toString(16);
}

function treeOf(mappings: readonly SmapsMapping[], classes: readonly MappingClass[]): TreeNode {
  const byCategory = new Map<string, Map<string, Array<{ mapping: SmapsMapping; cls: MappingClass; weight: number }>>>();
  let total = 0;
  mappings.forEach((mapping, i) => {
    const weight = weightOf(mapping);
    if (weight <= 0) return;
    total += weight;
    const cls = classes[i]!;
    let objects = byCategory.get(cls.category);
    if (!objects) byCategory.set(cls.category, (objects = new Map()));
    const object = decodeBytes(cls.object).text;
    let leaves = objects.get(object);
    if (!leaves) objects.set(object, (leaves = []));
    leaves.push({ mapping, cls, weight });
  });
  const floor = total * LEAF_SHARE;
  const children: TreeNode[] = [];
  for (const [category, objects] of byCategory) {
    const objectNodes: TreeNode[] = [];
    for (const [object, leaves] of objects) {
      leaves.sort((a, b) => b.weight - a.weight);
      const kept = leaves.filter((leaf, i) => i < LEAVES_PER_OBJECT && leaf.weight >= floor);
      const folded = leaves.slice(kept.length);
      const nodes: TreeNode[] = kept.map(({ mapping, cls, weight }) => ({
        name: decodeBytes(cls.label).text,
        value: weight,
        detail: `${hex(mapping.start)}-${hex(mapping.end)} ${mapping.perms} · RSS ${exact(mapping.kB.get('Rss') ?? 0)} kB · PSS ${exact(mapping.kB.get('Pss') ?? 0)} kB`,
      }));
      if (folded.length > 0) {
        const value = folded.reduce((acc, leaf) => acc + leaf.weight, 0);
        nodes.push({ name: `${folded.length} smaller mapping${folded.length === 1 ? '' : 's'}`, value, detail: `${folded.length} mappings folded together` });
      }
      objectNodes.push({ name: object, children: nodes });
    }
    children.push({ name: category, children: objectNodes });
  }
  return { name: 'process', children };
}

/** One piece of the address strip: [from, to] in strip units (0..1), category, what it holds. */
export type StripPiece = [number, number, string, string];

export interface Strip {
  pieces: StripPiece[];
  /** Compressed gaps: [at, width] in strip units and the gap's size in kB. */
  gaps: Array<[number, number, Exact]>;
  /** The largest free gap between user-space mappings, when there are two. */
  largestGap: { after: string; before: string; kB: Exact; at: number } | null;
}

/**
 * The address strip. Mapped ranges are laid out linearly; a gap larger than
 * GAP_SHARE of the mapped bytes takes GAP_WIDTH of the strip instead. Then
 * the strip is cut into STRIP_BUCKETS, each drawn in the category holding
 * most of its bytes (tiny mappings stay visible by hover in the treemap).
 */
function stripOf(mappings: readonly SmapsMapping[], classes: readonly MappingClass[]): Strip {
  const user = mappings.map((m, i) => ({ m, c: classes[i]! })).filter(({ c }) => c.kind !== 'vsyscall');
  if (user.length === 0) return { pieces: [], gaps: [], largestGap: null };
  const spans = user.map(({ m }) => toNumber(sub(m.end, m.start)));
  const mapped = spans.reduce((a, b) => a + b, 0) || 1;
  // Positions in "units": mapped bytes, plus gaps (compressed ones count as GAP_UNITS).
  const gapLimit = mapped * GAP_SHARE;
  const gapUnits = (mapped * GAP_WIDTH) / (1 - GAP_WIDTH);
  let position = 0;
  const placed: Array<{ from: number; to: number; category: string; text: string }> = [];
  const gaps: Array<{ at: number; width: number; kB: U64 }> = [];
  let largest: { after: string; before: string; kB: U64; at: number; bytes: bigint } | null = null;
  user.forEach(({ m, c }, i) => {
    if (i > 0) {
      const previous = user[i - 1]!.m;
      const gapBytes = toBig(m.start) - toBig(previous.end);
      if (gapBytes > 0n) {
        const gap = Number(gapBytes);
        const width = gap > gapLimit ? gapUnits : gap;
        if (gap > gapLimit) gaps.push({ at: position, width, kB: Number(gapBytes >> 10n) });
        if (largest === null || gapBytes > largest.bytes) {
          largest = { after: hex(previous.end), before: hex(m.start), kB: Number(gapBytes >> 10n), at: position + width / 2, bytes: gapBytes };
        }
        position += width;
      }
    }
    placed.push({ from: position, to: position + spans[i]!, category: c.category, text: decodeBytes(c.label).text });
    position += spans[i]!;
  });
  const scale = position || 1;
  const pieces = bucketize(placed, scale);
  const found = largest as { after: string; before: string; kB: U64; at: number } | null;
  return {
    pieces,
    gaps: gaps.map((gap) => [gap.at / scale, gap.width / scale, exact(gap.kB)]),
    largestGap: found ? { after: found.after, before: found.before, kB: exact(found.kB), at: found.at / scale } : null,
  };
}

/** Runs of buckets with the same dominant category; each run says what most of it is. */
function bucketize(placed: Array<{ from: number; to: number; category: string; text: string }>, scale: number): StripPiece[] {
  const pieces: StripPiece[] = [];
  let index = 0;
  for (let bucket = 0; bucket < STRIP_BUCKETS; bucket++) {
    const from = (bucket / STRIP_BUCKETS) * scale;
    const to = ((bucket + 1) / STRIP_BUCKETS) * scale;
    const weights = new Map<string, { bytes: number; text: string }>();
    while (index < placed.length && placed[index]!.to <= from) index++;
    for (let j = index; j < placed.length && placed[j]!.from < to; j++) {
      const piece = placed[j]!;
      const overlap = Math.min(piece.to, to) - Math.max(piece.from, from);
      if (overlap <= 0) continue;
      const entry = weights.get(piece.category) ?? { bytes: 0, text: piece.text };
      entry.bytes += overlap;
      weights.set(piece.category, entry);
    }
    let best: [string, { bytes: number; text: string }] | null = null;
    for (const entry of weights) if (best === null || entry[1].bytes > best[1].bytes) best = entry;
    if (best === null) continue;
    const last = pieces[pieces.length - 1];
    const start = bucket / STRIP_BUCKETS;
    if (last && last[2] === best[0] && Math.abs(last[1] - start) < 1e-9) last[1] = (bucket + 1) / STRIP_BUCKETS;
    else pieces.push([start, (bucket + 1) / STRIP_BUCKETS, best[0], best[1].text]);
  }
  return pieces;
}

export interface ProcessReport {
  pid: number;
  command: string;
  time: string;
  total: Record<string, Exact>;
  categories: Array<Record<string, Exact>>;
  objects: Array<Record<string, Exact>>;
  moreObjects: number;
  accounting: unknown;
  warning: string | null;
  tree: TreeNode;
  strip: Strip;
}

function processReport(entry: SampleProcess, time: string, input: ReportInput): { report: ProcessReport; summary: ProcessSummary } {
  const { snapshot } = entry;
  const startStack = snapshot.record.stat.startStack;
  const classes = classifyMappings(snapshot.mappings, startStack, input.rules);
  const summary = summarize(snapshot.mappings, startStack, {
    classes,
    ...(input.rules ? { rules: input.rules } : {}),
    ...(entry.pss ? { pss: entry.pss } : {}),
    ...(input.maxMapCount !== undefined ? { maxMapCount: input.maxMapCount } : {}),
  });
  const accounting = summary.accounting!;
  const limit = accounting.maxMapCount;
  const warning = limit !== undefined && limit > 0 && accounting.mappings > limit * 0.9
    ? `${accounting.mappings} mappings is ${Math.floor((accounting.mappings * 100) / limit)}% of vm.max_map_count (${limit})`
    : null;
  const report: ProcessReport = {
    pid: snapshot.record.tgid,
    command: commandOf(snapshot.record),
    time,
    total: usageData(summary.total),
    categories: summary.categories.map((row) => ({ category: row.category, ...usageData(row) })),
    objects: summary.objects.slice(0, TABLE_OBJECTS).map((row) => ({ object: decodeBytes(row.object).text, category: row.category, ...usageData(row) })),
    moreObjects: Math.max(0, summary.objects.length - TABLE_OBJECTS),
    accounting: JSON.parse(JSON.stringify(accounting, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))),
    warning,
    tree: treeOf(snapshot.mappings, classes),
    strip: stripOf(snapshot.mappings, classes),
  };
  return { report, summary };
}

export interface ReportData {
  generator: string;
  kernel: string | null;
  categories: readonly string[];
  processes: ProcessReport[];
  /** Per sample: time and PSS (kB) per category, over all processes. */
  timeline: { times: string[]; series: Record<string, number[]> } | null;
  /** Objects whose PSS grew most from the first sample to the last. */
  growers: Array<{ pid: number; object: string; category: string; first: number; last: number }>;
}

const GROWERS = 15;

/** The whole report's data; the last sample is the one drawn in detail. */
export function buildReportData(input: ReportInput): ReportData {
  const last = input.samples[input.samples.length - 1]!;
  const processes = last.processes.map((entry) => processReport(entry, last.time, input).report);
  const known = new Set<string>(CATEGORY_ORDER);
  const extra = processes.flatMap((p) => p.categories.map((row) => String(row.category))).filter((c) => !known.has(c));
  const categories = [...CATEGORY_ORDER, ...new Set(extra)];
  if (input.samples.length < 2) return { generator: input.generator, kernel: input.kernel, categories, processes, timeline: null, growers: [] };
  const series: Record<string, number[]> = {};
  const objectPss = input.samples.map(() => new Map<string, { pid: number; object: string; category: string; pss: number }>());
  input.samples.forEach((sample, index) => {
    for (const category of categories) (series[category] ??= []).push(0);
    for (const entry of sample.processes) {
      const summary = summarize(entry.snapshot.mappings, entry.snapshot.record.stat.startStack, input.rules ? { rules: input.rules } : {});
      for (const row of summary.categories) {
        (series[row.category] ??= new Array<number>(input.samples.length).fill(0))[index]! += toNumber(row.pss);
      }
      const pid = entry.snapshot.record.tgid;
      for (const row of summary.objects) {
        objectPss[index]!.set(`${pid}\0${row.object}`, { pid, object: decodeBytes(row.object).text, category: row.category, pss: toNumber(row.pss) });
      }
    }
  });
  const first = objectPss[0]!;
  const growers = [...objectPss[objectPss.length - 1]!]
    .map(([key, row]) => ({ pid: row.pid, object: row.object, category: row.category, first: first.get(key)?.pss ?? 0, last: row.pss }))
    .filter((row) => row.last > row.first)
    .sort((a, b) => b.last - b.first - (a.last - a.first) || a.object.localeCompare(b.object))
    .slice(0, GROWERS);
  return {
    generator: input.generator, kernel: input.kernel, categories, processes,
    timeline: { times: input.samples.map((s) => s.time), series }, growers,
  };
}
