/**
 * The sums everyone shows from a process's mappings (model/classify.ts
 * decides the categories they are kept under): usage per mapping and its
 * running sums as pmap totals them, and what a process owns (accounting).
 *
 *   const sums = new UsageSums(); sums.add(mappings[i]); sums.usage();
 */
import type { SmapsRecord } from '../parse/smaps.js';
import { U64, add, shr10, sub, toBig, normalize } from '../parse/u64.js';
import type { MappingKind } from './kind.js';

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

/** What one mapping adds to UsageSums (its size in bytes). */
export interface UsageAmounts {
  bytes: U64;
  rss: U64;
  pss: U64;
  private: U64;
  shared: U64;
  swap: U64;
}

export function usageAmounts(mapping: SmapsRecord): UsageAmounts {
  const field = (key: string): U64 => mapping.kB.get(key) ?? 0;
  return {
    bytes: sub(mapping.end, mapping.start),
    rss: field('Rss'),
    pss: field('Pss'),
    private: add(field('Private_Clean'), field('Private_Dirty')),
    shared: add(field('Shared_Clean'), field('Shared_Dirty')),
    swap: field('Swap'),
  };
}

/** Running sums as pmap totals them; sizes kept in bytes until the end. */
export class UsageSums {
  bytes: U64 = 0;
  rss: U64 = 0;
  pss: U64 = 0;
  private: U64 = 0;
  shared: U64 = 0;
  swap: U64 = 0;
  mappings = 0;

  add(mapping: SmapsRecord): void {
    this.addAmounts(usageAmounts(mapping));
  }

  /** Add a mapping's amounts (usageAmounts()), read once for several sums. */
  addAmounts(amounts: UsageAmounts): void {
    this.bytes = add(this.bytes, amounts.bytes);
    this.rss = add(this.rss, amounts.rss);
    this.pss = add(this.pss, amounts.pss);
    this.private = add(this.private, amounts.private);
    this.shared = add(this.shared, amounts.shared);
    this.swap = add(this.swap, amounts.swap);
    this.mappings++;
  }

  usage(): Usage {
    return {
      size: shr10(this.bytes), rss: this.rss, pss: this.pss, private: this.private,
      shared: this.shared, swap: this.swap, mappings: this.mappings,
    };
  }
}

/** smaps_rollup's split of PSS, where the kernel (5.9+) prints it. */
export interface PssSplit {
  anon: U64;
  file: U64;
  shmem: U64;
}

/** What a process owns, beyond the per-category sums. All kB. */
export interface Accounting {
  /** PROT_NONE mappings with nothing resident or swapped: address space only. */
  reserved: U64;
  /** Everything else (total size minus reserved). */
  committed: U64;
  /** RSS by backing: Anonymous pages, shmem-backed mappings, the rest file pages. */
  rss: PssSplit;
  /** The kernel's Pss_Anon/Pss_File/Pss_Shmem (smaps_rollup), when given. */
  pss?: PssSplit;
  swap: U64;
  swapPss: U64;
  /** Transparent huge pages (AnonHugePages). */
  thp: U64;
  /** hugetlbfs pages (Private_Hugetlb + Shared_Hugetlb; not in RSS). */
  hugetlb: U64;
  mappings: number;
  /** vm.max_map_count, when it could be read. */
  maxMapCount?: number;
}

const SHMEM_KINDS: ReadonlySet<MappingKind> = new Set(['shm', 'memfd', 'anon_shared']);

function isZero(value: U64): boolean {
  return value === 0 || value === 0n;
}

// Numbers and bigints compare exactly with each other (no conversion needed).
function clampSub(a: U64, b: U64): U64 {
  return a > b ? sub(a, b) : 0;
}

/** What a process owns beyond its category sums (Accounting), as running sums a mapping at a time. */
export class AccountingSums {
  private reservedBytes: U64 = 0;
  private totalBytes: U64 = 0;
  private readonly rss: PssSplit = { anon: 0, file: 0, shmem: 0 };
  private swap: U64 = 0;
  private swapPss: U64 = 0;
  private thp: U64 = 0;
  private hugetlb: U64 = 0;
  private mappings = 0;

  add(mapping: SmapsRecord, kind: MappingKind): void {
    const field = (key: string): U64 => mapping.kB.get(key) ?? 0;
    const bytes = sub(mapping.end, mapping.start);
    this.totalBytes = add(this.totalBytes, bytes);
    const resident = field('Rss');
    if (mapping.perms.startsWith('---') && isZero(resident) && isZero(field('Swap'))) {
      this.reservedBytes = add(this.reservedBytes, bytes);
    }
    const shmem = SHMEM_KINDS.has(kind) || mapping.name.startsWith('/dev/shm/') ? resident : 0;
    const anonGuess = kind === 'anon' || kind === 'anon_named' || kind === 'heap' || kind === 'stack' ? resident : 0;
    const anonField = mapping.kB.get('Anonymous') ?? anonGuess;
    const nonShmem = clampSub(resident, shmem);
    const anon = anonField < nonShmem ? anonField : nonShmem;
    const rss = this.rss;
    rss.shmem = add(rss.shmem, shmem);
    rss.anon = add(rss.anon, anon);
    rss.file = add(rss.file, clampSub(nonShmem, anon));
    this.swap = add(this.swap, field('Swap'));
    this.swapPss = add(this.swapPss, field('SwapPss'));
    this.thp = add(this.thp, field('AnonHugePages'));
    this.hugetlb = add(this.hugetlb, add(field('Private_Hugetlb'), field('Shared_Hugetlb')));
    this.mappings++;
  }

  result(extra: { pss?: PssSplit; maxMapCount?: number } = {}): Accounting {
    const reserved = shr10(this.reservedBytes);
    const accounting: Accounting = {
      reserved,
      committed: normalize(toBig(shr10(this.totalBytes)) - toBig(reserved)),
      rss: { ...this.rss }, swap: this.swap, swapPss: this.swapPss, thp: this.thp, hugetlb: this.hugetlb, mappings: this.mappings,
    };
    if (extra.pss) accounting.pss = extra.pss;
    if (extra.maxMapCount !== undefined) accounting.maxMapCount = extra.maxMapCount;
    return accounting;
  }
}

/** Past this share of vm.max_map_count a process is warned about. */
export const MAP_COUNT_WARNING = 0.9;

/** The warning line when the mapping count passes 90% of vm.max_map_count, or null. */
export function mapCountWarning(accounting: Accounting): string | null {
  const limit = accounting.maxMapCount;
  if (limit === undefined || limit <= 0 || accounting.mappings <= limit * MAP_COUNT_WARNING) return null;
  const percent = Math.floor((accounting.mappings * 100) / limit);
  return `warning: ${accounting.mappings} mappings is ${percent}% of vm.max_map_count (${limit}); mmap fails at the limit`;
}
