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
import type { SmapsRecord } from '../parse/smaps.js';
import type { SmapsStore, StoredMapping } from '../parse/smaps-store.js';
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

/** Does the anonymous memory from mapping i on run without a hole to a 64 MiB boundary? */
function goArenaRun(count: number, viewAt: (i: number) => MappingView, i: number): boolean {
  let view = viewAt(i);
  for (let j = i; j < count && view.kind === 'anon'; j++) {
    const end = toNumber(view.mapping.end);
    if (end % GO_ARENA_BYTES === 0) return true;
    if (j + 1 >= count) break;
    view = viewAt(j + 1);
    if (toNumber(view.mapping.start) !== end) return false;
  }
  return false;
}

function toNumber(value: U64): number {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** What the rules look at of one mapping. */
export function mappingView(mapping: SmapsRecord, startStack: U64): MappingView {
  return refreshView({ mapping, kind: 'anon', sizeKB: 0, rssKB: 0 }, startStack);
}

/** Work out a view's kind and sizes again (its mapping was refilled). */
function refreshView(view: MappingView, startStack: U64): MappingView {
  const mapping = view.mapping;
  view.kind = mappingKind(mapping, startStack);
  view.sizeKB = toNumber(shr10(sub(mapping.end, mapping.start)));
  view.rssKB = toNumber(mapping.kB.get('Rss') ?? 0);
  return view;
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

/** What the whole process tells every rule (RuleContext's jvm, v8, go and images). */
export type ProcessTraits = Pick<RuleContext, 'jvm' | 'v8' | 'go' | 'images'>;

/**
 * The traits of a process from all its mappings (viewAt(i) for i below
 * count, in order). Each view is read before the next viewAt() call, so
 * viewAt may hand out one object refilled.
 */
export function processTraits(count: number, viewAt: (i: number) => MappingView): ProcessTraits {
  const images = new Set<string>();
  let jvm = false;
  let v8 = false;
  let go = false;
  for (let i = 0; i < count; i++) {
    const { mapping, kind } = viewAt(i);
    if ((kind === 'file' || kind === 'deleted') && mapping.perms[2] === 'x') images.add(mapping.name);
    if (JVM_LIBRARY.test(mapping.name)) jvm = true;
    if (V8_IMAGE.test(mapping.name)) v8 = true;
    if (kind === 'anon' && toNumber(mapping.start) === GO_FIRST_ARENA) go = goArenaRun(count, viewAt, i);
  }
  return { images, jvm, v8, go };
}

const NO_FIELDS = { get: (): undefined => undefined };

/**
 * processTraits()' views of a store's mappings: one object refilled from
 * the columns (the traits read only kind, name, perms, start and end).
 */
function storeHeaderViews(store: SmapsStore, startStack: U64): (i: number) => MappingView {
  const mapping: SmapsRecord = { start: 0, end: 0, perms: '', offset: 0, devMajor: 0, devMinor: 0, inode: 0, name: '', kB: NO_FIELDS };
  const view: MappingView = { mapping, kind: 'anon', sizeKB: 0, rssKB: 0 };
  return (i) => {
    mapping.start = store.starts[i]!;
    mapping.end = store.ends[i]!;
    mapping.perms = store.perms[i]!;
    mapping.devMajor = store.devMajors[i]!;
    mapping.name = store.names[i]!;
    view.kind = mappingKind(mapping, startStack);
    return view;
  };
}

/**
 * Classifies one mapping at a time once the process's traits are known: a
 * rule sees only the mapping and the ones just before and after it in the
 * list, so a caller may keep just that window (user rules, when given, are
 * tried before the built-in ones).
 */
export class Classifier {
  private readonly rulesFor: (kind: MappingKind) => readonly Rule[];

  constructor(private readonly traits: ProcessTraits, userRules: readonly Rule[] = []) {
    this.rulesFor = rulesByKind(userRules.length > 0 ? [...userRules, ...BUILTIN_RULES] : BUILTIN_RULES);
  }

  classify(self: MappingView, previous: MappingView | undefined, next: MappingView | undefined): MappingClass {
    const context: RuleContext = {
      self,
      below: previous && previous.mapping.end === self.mapping.start ? previous : null,
      above: next && next.mapping.start === self.mapping.end ? next : null,
      jvm: this.traits.jvm,
      v8: this.traits.v8,
      go: this.traits.go,
      images: this.traits.images,
    };
    // The last built-in rule matches everything.
    const rules = this.rulesFor(self.kind);
    let at = 0;
    while (!ruleMatches(rules[at]!, context)) at++;
    const rule = rules[at]!;
    const label = labelOf(rule, context);
    return { category: rule.category, label, object: objectFor(rule, context, label), rule: rule.id, kind: self.kind };
  }
}

/**
 * The class of every mapping (same order as given). User rules, when
 * given, are tried before the built-in ones.
 */
export function classifyMappings(
  mappings: readonly SmapsRecord[],
  startStack: U64,
  userRules: readonly Rule[] = [],
): MappingClass[] {
  const views = mappings.map((mapping) => mappingView(mapping, startStack));
  const classifier = new Classifier(processTraits(views.length, (i) => views[i]!), userRules);
  return views.map((self, i) => classifier.classify(self, views[i - 1], views[i + 1]));
}

/**
 * Classify the mappings of a compact store in order, keeping only the
 * window the rules look at; each(view, class) gets every mapping's view
 * (view.mapping is a record read from the store) and class. The window is
 * three views refilled in turn: a view is good only during its call.
 */
export function classifyStore(
  store: SmapsStore,
  startStack: U64,
  userRules: readonly Rule[],
  each: (view: MappingView, mappingClass: MappingClass) => void,
): void {
  const count = store.length;
  const window = count > 0 ? [0, 1, 2].map(() => mappingView(store.record(0), startStack)) : [];
  const viewAt = (i: number): MappingView => {
    const view = window[i % 3]!;
    store.refill(view.mapping as StoredMapping, i);
    return refreshView(view, startStack);
  };
  const classifier = new Classifier(processTraits(count, storeHeaderViews(store, startStack)), userRules);
  let previous: MappingView | undefined;
  let self = count > 0 ? viewAt(0) : undefined;
  for (let i = 0; i < count; i++) {
    const next = i + 1 < count ? viewAt(i + 1) : undefined;
    each(self!, classifier.classify(self!, previous, next));
    previous = self;
    self = next;
  }
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

/**
 * The smaps fields the classifier, UsageSums and AccountingSums read: a
 * store for --summary alone keeps only these (a test keeps the list whole).
 */
export const SUMMARY_FIELDS: readonly string[] = [
  'Rss', 'Pss', 'Private_Clean', 'Private_Dirty', 'Shared_Clean', 'Shared_Dirty', 'Swap', 'SwapPss',
  'Anonymous', 'AnonHugePages', 'Private_Hugetlb', 'Shared_Hugetlb',
];

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

/** The accounting over mappings and their classes (classifyMappings' output). */
export function accountingOf(
  mappings: readonly SmapsRecord[],
  classes: readonly MappingClass[],
  extra: { pss?: PssSplit; maxMapCount?: number } = {},
): Accounting {
  const sums = new AccountingSums();
  mappings.forEach((mapping, i) => sums.add(mapping, classes[i]!.kind));
  return sums.result(extra);
}

/** accountingOf() as running sums, a mapping at a time. */
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
