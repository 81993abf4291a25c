/**
 * Pure memory arithmetic for the metrics exporter: one process's usage by
 * category from its smaps (or, when no split is wanted, from smaps_rollup
 * and maps), and the sums over a group of processes. Sizes are kB here;
 * the exposition multiplies by 1024 to publish bytes.
 */
import type { MapsEntry } from '../parse/maps.js';
import type { ScannedMapping, UsageFields } from '../parse/smaps-usage.js';
import { sub } from '../parse/u64.js';

/** kB sums over some mappings. */
export interface MemorySums {
  size: number;
  rss: number;
  pss: number;
  /** Private_Clean + Private_Dirty (USS). */
  uss: number;
  /** Shared_Clean + Shared_Dirty. */
  shared: number;
  swap: number;
  swapPss: number;
  /** The smaps Anonymous field: anonymous pages, also inside file mappings (COW). */
  anonymous: number;
  /** Address space reserved without access (PROT_NONE): guard regions, reserved heaps. */
  reserved: number;
  /** Address space charged to the commit limit (VmFlags "ac", else private writable). */
  committed: number;
  mappings: number;
}

/** The category label used when smaps_rollup gives totals without a split. */
export const ALL_CATEGORIES = 'all';

/** RssAnon, RssFile and RssShmem of /proc/PID/status (kernel 4.5+), kB. */
export interface ResidentByType {
  anon: number | null;
  file: number | null;
  shmem: number | null;
}

export interface ProcessUsage {
  byCategory: Map<string, MemorySums>;
  mappings: number;
  resident: ResidentByType;
}

export function emptySums(): MemorySums {
  return { size: 0, rss: 0, pss: 0, uss: 0, shared: 0, swap: 0, swapPss: 0, anonymous: 0, reserved: 0, committed: 0, mappings: 0 };
}

function addSums(into: MemorySums, from: MemorySums): void {
  for (const key of Object.keys(into) as Array<keyof MemorySums>) into[key] += from[key];
}

/** Mapping sizes are whole pages, so kB is exact; [vsyscall]'s high address still gives a small size. */
function sizeKb(entry: MapsEntry): number {
  return Number(sub(entry.end, entry.start)) / 1024;
}

/** The kernel's accountable_mapping(): private and writable (when no VmFlags says "ac"). */
function isCommitted(entry: MapsEntry, accountable: boolean | null): boolean {
  if (accountable !== null) return accountable;
  return entry.perms[1] === 'w' && entry.perms[3] === 'p';
}

function isReserved(entry: MapsEntry): boolean {
  return entry.perms.startsWith('---');
}

function addAddressSpace(sums: MemorySums, entry: MapsEntry, accountable: boolean | null): void {
  const size = sizeKb(entry);
  sums.size += size;
  if (isReserved(entry)) sums.reserved += size;
  if (isCommitted(entry, accountable)) sums.committed += size;
  sums.mappings++;
}

function addResident(sums: MemorySums, fields: UsageFields): void {
  sums.rss += fields.rss;
  sums.pss += fields.pss;
  sums.uss += fields.privateClean + fields.privateDirty;
  sums.shared += fields.sharedClean + fields.sharedDirty;
  sums.swap += fields.swap;
  sums.swapPss += fields.swapPss;
  sums.anonymous += fields.anonymous;
}

/** Usage by category, built mapping by mapping as smaps is scanned. */
export class UsageBuilder {
  private readonly byCategory = new Map<string, MemorySums>();
  private mappings = 0;

  constructor(private readonly resident: ResidentByType) {}

  add(mapping: ScannedMapping, category: string): void {
    let sums = this.byCategory.get(category);
    if (!sums) this.byCategory.set(category, (sums = emptySums()));
    addAddressSpace(sums, mapping.entry, mapping.fields.accountable);
    addResident(sums, mapping.fields);
    this.mappings++;
  }

  usage(): ProcessUsage {
    return { byCategory: this.byCategory, mappings: this.mappings, resident: this.resident };
  }
}

/** Totals from smaps_rollup (one pseudo-mapping) and the address space from maps. */
export function usageFromRollup(rollup: ScannedMapping, maps: readonly MapsEntry[], resident: ResidentByType): ProcessUsage {
  const sums = emptySums();
  for (const entry of maps) addAddressSpace(sums, entry, null);
  addResident(sums, rollup.fields);
  return { byCategory: new Map([[ALL_CATEGORIES, sums]]), mappings: maps.length, resident };
}

/** The sums over all categories. */
export function totalOf(usage: ProcessUsage): MemorySums {
  const total = emptySums();
  for (const sums of usage.byCategory.values()) addSums(total, sums);
  return total;
}

/**
 * Whether smaps_rollup agrees with the sum of smaps for the same process
 * (some kernels return zeros). The two reads are moments apart, so a small
 * difference is allowed: 5% or 1 MiB, whichever is larger.
 */
export function rollupAgrees(fromRollup: MemorySums, fromSmaps: MemorySums): boolean {
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= Math.max(1024, 0.05 * Math.max(a, b));
  if (fromSmaps.rss > 0 && fromRollup.rss === 0) return false;
  return close(fromRollup.rss, fromSmaps.rss) && close(fromRollup.pss, fromSmaps.pss);
}

/** A group's (or, with --per-pid, a process's) published figures. */
export interface GroupSample {
  group: string;
  /** Set only with --per-pid. */
  pid?: number;
  processes: number;
  readErrors: number;
  byCategory: Map<string, MemorySums>;
  /** The largest mapping count of any one process: what vm.max_map_count limits. */
  maxProcessMappings: number;
  resident: { anon: number; file: number; shmem: number };
  /** Which of the resident types the kernel reported for every process. */
  residentKnown: { anon: boolean; file: boolean; shmem: boolean };
}

export function emptyGroup(group: string, pid?: number): GroupSample {
  return {
    group, ...(pid !== undefined ? { pid } : {}), processes: 0, readErrors: 0, byCategory: new Map(),
    maxProcessMappings: 0, resident: { anon: 0, file: 0, shmem: 0 }, residentKnown: { anon: true, file: true, shmem: true },
  };
}

/** Add one process's usage to its group. */
export function addToGroup(group: GroupSample, usage: ProcessUsage): void {
  group.processes++;
  group.maxProcessMappings = Math.max(group.maxProcessMappings, usage.mappings);
  for (const [category, sums] of usage.byCategory) {
    let into = group.byCategory.get(category);
    if (!into) group.byCategory.set(category, (into = emptySums()));
    addSums(into, sums);
  }
  for (const type of ['anon', 'file', 'shmem'] as const) {
    const value = usage.resident[type];
    if (value === null) group.residentKnown[type] = false;
    else group.resident[type] += value;
  }
}
