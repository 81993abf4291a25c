/**
 * Classification of a process's mappings through the rule table, and the
 * sums everyone shows from it. The one entry point for --summary, --json,
 * the HTML report, snapshot diffs and the metrics exporter:
 *
 *   const classes = classifyMappings(mappings, startStack, rules);
 *   // classes[i] = { category, label, object, rule, kind } for mappings[i]
 *   const sums = new UsageSums(); sums.add(mappings[i]); sums.usage();
 *
 * Every mapping gets exactly one category, so the categories add up to the
 * totals pmap -x and -X print.
 */
import type { SmapsMapping } from '../parse/smaps.js';
import { U64, add, shr10, sub, toBig, normalize } from '../parse/u64.js';
import { MappingKind, mappingKind } from './kind.js';
import { BUILTIN_RULES, Category, MappingView, Rule, RuleContext, labelOf, ruleMatches } from './rules.js';

export interface MappingClass {
  category: Category;
  /** What the mapping is ("thread stack", "V8 heap page", "code", "[anon:foo]"). */
  label: string;
  /** What it belongs to: a file's path, or the label for memory without a file. */
  object: string;
  /** The id of the rule that matched. */
  rule: string;
  kind: MappingKind;
}

/** libjvm.so is HotSpot's (and OpenJ9's libj9vm is not covered). */
const JVM_LIBRARY = /\/libjvm\.so$/;
/** Executables and libraries that embed V8. */
const V8_IMAGE = /\/(?:node|nodejs|d8|chrome|electron)$|\/libnode\.so[.0-9]*$/;

/** Where Go's runtime asks for its first heap arena (amd64, arm64), and the arena size. */
const GO_FIRST_ARENA = 0xc000000000;
const GO_ARENA_BYTES = 64 * 1024 * 1024;

/** Does the anonymous memory from views[i] on run without a hole to a 64 MiB boundary? */
function goArenaRun(views: readonly MappingView[], i: number): boolean {
  for (let j = i; j < views.length && views[j]!.kind === 'anon'; j++) {
    const end = toNumber(views[j]!.mapping.end);
    if (end % GO_ARENA_BYTES === 0) return true;
    if (j + 1 < views.length && toNumber(views[j + 1]!.mapping.start) !== end) return false;
  }
  return false;
}

function toNumber(value: U64): number {
  return typeof value === 'bigint' ? Number(value) : value;
}

function view(mapping: SmapsMapping, startStack: U64): MappingView {
  return {
    mapping,
    kind: mappingKind(mapping, startStack),
    sizeKB: toNumber(shr10(sub(mapping.end, mapping.start))),
    rssKB: toNumber(mapping.kB.get('Rss') ?? 0),
  };
}

function objectFor(rule: Rule, context: RuleContext, label: string): string {
  const { mapping, kind } = context.self;
  if (rule.id === 'bss' && context.below) return context.below.mapping.name;
  if (kind === 'shm') return `[shmid=0x${mapping.inode.toString(16)}]`;
  if (kind === 'file' || kind === 'deleted' || kind === 'memfd') return mapping.name;
  if (kind === 'anon_named' || kind === 'anon_shared') return mapping.name || label;
  return label;
}

/** The rules that can match each kind, in order (most rules name their kinds). */
function rulesByKind(rules: readonly Rule[]): (kind: MappingKind) => readonly Rule[] {
  const cache = new Map<MappingKind, readonly Rule[]>();
  return (kind) => {
    let list = cache.get(kind);
    if (!list) cache.set(kind, (list = rules.filter((rule) => !rule.kinds || rule.kinds.includes(kind))));
    return list;
  };
}

/**
 * The class of every mapping (same order as given). User rules, when
 * given, are tried before the built-in ones.
 */
export function classifyMappings(
  mappings: readonly SmapsMapping[],
  startStack: U64,
  userRules: readonly Rule[] = [],
): MappingClass[] {
  const views = mappings.map((mapping) => view(mapping, startStack));
  const images = new Set<string>();
  let jvm = false;
  let v8 = false;
  let go = false;
  views.forEach(({ mapping, kind }, i) => {
    if (kind === 'anon' && toNumber(mapping.start) === GO_FIRST_ARENA) go = goArenaRun(views, i);
    if ((kind === 'file' || kind === 'deleted') && mapping.perms[2] === 'x') images.add(mapping.name);
    if (JVM_LIBRARY.test(mapping.name)) jvm = true;
    if (V8_IMAGE.test(mapping.name)) v8 = true;
  });
  const rulesFor = rulesByKind(userRules.length > 0 ? [...userRules, ...BUILTIN_RULES] : BUILTIN_RULES);
  return views.map((self, i) => {
    const previous = views[i - 1];
    const next = views[i + 1];
    const context: RuleContext = {
      self,
      below: previous && previous.mapping.end === self.mapping.start ? previous : null,
      above: next && next.mapping.start === self.mapping.end ? next : null,
      jvm,
      v8,
      go,
      images,
    };
    // The last built-in rule matches everything.
    const rule = rulesFor(self.kind).find((candidate) => ruleMatches(candidate, context))!;
    const label = labelOf(rule, context);
    return { category: rule.category, label, object: objectFor(rule, context, label), rule: rule.id, kind: self.kind };
  });
}

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

/** Running sums as pmap totals them; sizes kept in bytes until the end. */
export class UsageSums {
  bytes: U64 = 0;
  rss: U64 = 0;
  pss: U64 = 0;
  private: U64 = 0;
  shared: U64 = 0;
  swap: U64 = 0;
  mappings = 0;

  add(mapping: SmapsMapping): void {
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

function clampSub(a: U64, b: U64): U64 {
  return toBig(a) > toBig(b) ? sub(a, b) : 0;
}

/** The accounting over mappings and their classes (classifyMappings' output). */
export function accountingOf(
  mappings: readonly SmapsMapping[],
  classes: readonly MappingClass[],
  extra: { pss?: PssSplit; maxMapCount?: number } = {},
): Accounting {
  let reservedBytes: U64 = 0;
  let totalBytes: U64 = 0;
  const rss: PssSplit = { anon: 0, file: 0, shmem: 0 };
  let swap: U64 = 0;
  let swapPss: U64 = 0;
  let thp: U64 = 0;
  let hugetlb: U64 = 0;
  mappings.forEach((mapping, i) => {
    const field = (key: string): U64 => mapping.kB.get(key) ?? 0;
    const bytes = sub(mapping.end, mapping.start);
    totalBytes = add(totalBytes, bytes);
    const resident = field('Rss');
    if (mapping.perms.startsWith('---') && toBig(resident) === 0n && toBig(field('Swap')) === 0n) {
      reservedBytes = add(reservedBytes, bytes);
    }
    const kind = classes[i]!.kind;
    const shmem = SHMEM_KINDS.has(kind) || mapping.name.startsWith('/dev/shm/') ? resident : 0;
    const anonGuess = kind === 'anon' || kind === 'anon_named' || kind === 'heap' || kind === 'stack' ? resident : 0;
    const anonField = mapping.kB.get('Anonymous') ?? anonGuess;
    const anon = toBig(anonField) < toBig(clampSub(resident, shmem)) ? anonField : clampSub(resident, shmem);
    rss.shmem = add(rss.shmem, shmem);
    rss.anon = add(rss.anon, anon);
    rss.file = add(rss.file, clampSub(clampSub(resident, shmem), anon));
    swap = add(swap, field('Swap'));
    swapPss = add(swapPss, field('SwapPss'));
    thp = add(thp, field('AnonHugePages'));
    hugetlb = add(hugetlb, add(field('Private_Hugetlb'), field('Shared_Hugetlb')));
  });
  const reserved = shr10(reservedBytes);
  const accounting: Accounting = {
    reserved,
    committed: normalize(toBig(shr10(totalBytes)) - toBig(reserved)),
    rss, swap, swapPss, thp, hugetlb, mappings: mappings.length,
  };
  if (extra.pss) accounting.pss = extra.pss;
  if (extra.maxMapCount !== undefined) accounting.maxMapCount = extra.maxMapCount;
  return accounting;
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
