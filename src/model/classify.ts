/**
 * Classification of a process's mappings through the rule table (the sums
 * shown from it are in model/usage.ts). The one entry point for --summary,
 * --json, the HTML report, snapshot diffs and the metrics exporter:
 *
 *   const classes = classifyMappings(mappings, startStack, rules);
 *   // classes[i] = { category, label, object, rule, kind } for mappings[i]
 *
 * Every mapping gets exactly one category, so the categories add up to the
 * totals pmap -x and -X print.
 */
import type { SmapsRecord } from '../parse/smaps.js';
import type { SmapsStore, StoredMapping } from '../parse/smaps-store.js';
import { U64, shr10, sub } from '../parse/u64.js';
import { MappingKind, mappingKind } from './kind.js';
import { BUILTIN_RULES, Category, MappingView, Rule, RuleContext, labelOf, ruleFits, ruleMatchesFitting } from './rules.js';

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
  return refreshSizes({ mapping, kind: 'anon', sizeKB: 0, rssKB: 0 }, mappingKind(mapping, startStack));
}

/** Set a view's kind, and its sizes from its mapping (again, once the mapping was refilled). */
function refreshSizes(view: MappingView, kind: MappingKind): MappingView {
  const mapping = view.mapping;
  view.kind = kind;
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

/**
 * The rules that fit each kind and perms, in order: most rules name both,
 * so a mapping is tried against a few rules instead of all of them
 * (with the kinds kept from the traits pass: a cold classification of
 * 61,000 mappings went from ~191 to ~158 ms). The kernel's perms
 * make at most 16 lists per kind; past PERMS_KEPT (a hand-made tree's odd
 * perms) a list is filtered each time instead of kept.
 */
function rulesByHeader(rules: readonly Rule[]): (kind: MappingKind, perms: string) => readonly Rule[] {
  const cache = new Map<MappingKind, Map<string, readonly Rule[]>>();
  return (kind, perms) => {
    let byPerms = cache.get(kind);
    if (!byPerms) cache.set(kind, (byPerms = new Map()));
    let list = byPerms.get(perms);
    if (!list) {
      list = rules.filter((rule) => ruleFits(rule, kind, perms));
      if (byPerms.size < PERMS_KEPT) byPerms.set(perms, list);
    }
    return list;
  };
}

const PERMS_KEPT = 64;

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
  private readonly rulesFor: (kind: MappingKind, perms: string) => readonly Rule[];

  constructor(private readonly traits: ProcessTraits, userRules: readonly Rule[] = []) {
    this.rulesFor = rulesByHeader(userRules.length > 0 ? [...userRules, ...BUILTIN_RULES] : BUILTIN_RULES);
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
    const rules = this.rulesFor(self.kind, self.mapping.perms);
    let at = 0;
    while (!ruleMatchesFitting(rules[at]!, context)) at++;
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
  // Each mapping's kind, worked out once by the traits' pass over the headers.
  const kinds = new Array<MappingKind>(count);
  const headerViewAt = storeHeaderViews(store, startStack);
  const traits = processTraits(count, (i) => {
    const view = headerViewAt(i);
    kinds[i] = view.kind;
    return view;
  });
  const window = count > 0 ? [0, 1, 2].map(() => mappingView(store.record(0), startStack)) : [];
  const viewAt = (i: number): MappingView => {
    const view = window[i % 3]!;
    store.refill(view.mapping as StoredMapping, i);
    return refreshSizes(view, kinds[i]!);
  };
  const classifier = new Classifier(traits, userRules);
  let previous: MappingView | undefined;
  let self = count > 0 ? viewAt(0) : undefined;
  for (let i = 0; i < count; i++) {
    const next = i + 1 < count ? viewAt(i + 1) : undefined;
    each(self!, classifier.classify(self!, previous, next));
    previous = self;
    self = next;
  }
}

/**
 * The smaps fields the classifier, UsageSums and AccountingSums
 * (model/usage.ts) read: a store for --summary alone keeps only these (a
 * test keeps the list whole).
 */
export const SUMMARY_FIELDS: readonly string[] = [
  'Rss', 'Pss', 'Private_Clean', 'Private_Dirty', 'Shared_Clean', 'Shared_Dirty', 'Swap', 'SwapPss',
  'Anonymous', 'AnonHugePages', 'Private_Hugetlb', 'Shared_Hugetlb',
];
