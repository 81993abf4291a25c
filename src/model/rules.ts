/**
 * The ordered rule table that says what each mapping is: the first rule
 * that matches gives its category and its label. --summary, --json, the
 * HTML report and the metrics all classify through it (classify.ts).
 *
 * A rule looks at the mapping's name, kind, permissions, VmFlags and size,
 * and, for the built-in rules that need it, at its neighbours and at what
 * the process has mapped (a JVM maps libjvm.so, a V8 embedder maps node).
 * Runtime rules say how they were checked on a real process; all of them
 * fall through to the generic rules when their runtime is absent.
 */
import type { SmapsRecord } from '../parse/smaps.js';
import type { U64 } from '../parse/u64.js';
import type { MappingKind } from './kind.js';

/** Built-in categories, in the order tables and charts list them. */
export const CATEGORY_ORDER = [
  'code', 'rodata', 'data', 'bss', 'heap', 'stack', 'runtime', 'anon', 'shmem',
  'file', 'hugetlb', 'guard', 'reserved', 'kernel', 'other',
] as const;

/** A category: a built-in one or one a --rules file names. */
export type Category = string;

/** One mapping with what the rules may look at. */
export interface MappingView {
  mapping: SmapsRecord;
  kind: MappingKind;
  /** Size in kB (exact for any mapping a process can hold). */
  sizeKB: number;
  rssKB: number;
}

/** What the whole process tells about a mapping's neighbourhood. */
export interface RuleContext {
  self: MappingView;
  /** The mapping just below and above in the list, when adjacent in memory. */
  below: MappingView | null;
  above: MappingView | null;
  /** A HotSpot JVM is loaded (libjvm.so is mapped). */
  jvm: boolean;
  /** A V8 embedder (node, d8, chrome, electron, libnode.so) is mapped. */
  v8: boolean;
  /** Go's first heap arena is there: anonymous memory from 0xc000000000 to a 64 MiB boundary. */
  go: boolean;
  /** Files with an executable mapping: ELF images, whose rw parts are data. */
  images: ReadonlySet<string>;
}

export interface Rule {
  /** A short identifier (tests and --rules errors name it). */
  id: string;
  category: Category;
  /** The label, or how to make it ({name} is the mapping's name, $1.. the name's groups). */
  label: string | ((context: RuleContext) => string);
  kinds?: readonly MappingKind[];
  name?: RegExp;
  /** Four characters as the kernel prints them; '?' matches any. */
  perms?: string;
  /** VmFlags that must all be present (a kernel without VmFlags matches none). */
  flags?: readonly string[];
  /** Only mappings with nothing resident or swapped. */
  noRss?: boolean;
  minKB?: number;
  maxKB?: number;
  /** A further test for built-in rules that need the neighbourhood. */
  when?: (context: RuleContext) => boolean;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** value mod modulus for a U64 address (exact for bigint ones too). */
function mod(value: U64, modulus: number): number {
  return typeof value === 'bigint' ? Number(value % BigInt(modulus)) : value % modulus;
}

function below(value: U64, limit: number): boolean {
  return typeof value === 'bigint' ? value <= BigInt(limit) : value <= limit;
}

function isAnon(view: MappingView | null): boolean {
  return view !== null && view.kind === 'anon';
}

function protNone(view: MappingView | null): boolean {
  return view !== null && view.mapping.perms.startsWith('---');
}

const FILE_KINDS: readonly MappingKind[] = ['file', 'deleted'];
const ANON: readonly MappingKind[] = ['anon'];

/** glibc's non-main arenas: HEAP_MAX_SIZE (64 MiB on 64-bit) aligned reservations. */
const ARENA = 64 * MiB;

/**
 * The built-in rules, most specific first. Kernel names and kinds come
 * first, then runtime regions (which need the process context), then the
 * generic anonymous, guard and file rules.
 */
export const BUILTIN_RULES: readonly Rule[] = [
  { id: 'vdso', category: 'kernel', label: 'vDSO', kinds: ['vdso'] },
  { id: 'vvar', category: 'kernel', label: 'vvar', kinds: ['vvar'] },
  { id: 'vsyscall', category: 'kernel', label: 'vsyscall', kinds: ['vsyscall'] },
  { id: 'uprobes', category: 'kernel', label: 'uprobes', name: /^\[uprobes\]$/ },
  // hugetlbfs and SHM_HUGETLB/MAP_HUGETLB memory: VmFlags "ht", or the
  // kernel's name for anonymous huge pages on old kernels.
  { id: 'hugetlb', category: 'hugetlb', label: 'hugetlb', flags: ['ht'] },
  { id: 'hugetlb-name', category: 'hugetlb', label: 'hugetlb', name: /^\/anon_hugepage(?: \(deleted\))?$/ },
  {
    id: 'hugetlb-fields', category: 'hugetlb', label: 'hugetlb',
    when: (c) => (c.self.mapping.kB.get('Private_Hugetlb') ?? 0) !== 0 || (c.self.mapping.kB.get('Shared_Hugetlb') ?? 0) !== 0,
  },
  { id: 'heap', category: 'heap', label: '[heap]', kinds: ['heap'] },
  { id: 'thread-stack-named', category: 'stack', label: 'thread stack', kinds: ['stack'], name: /^\[stack:/ },
  { id: 'main-stack', category: 'stack', label: 'main stack', kinds: ['stack'] },
  { id: 'growsdown', category: 'stack', label: 'main stack', flags: ['gd'] },
  { id: 'sysv-shm', category: 'shmem', label: 'SysV shm', kinds: ['shm'] },
  { id: 'memfd', category: 'shmem', label: 'memfd', kinds: ['memfd'] },
  { id: 'posix-shm', category: 'shmem', label: 'POSIX shm (/dev/shm)', kinds: FILE_KINDS, name: /^\/dev\/shm\// },
  { id: 'anon-shmem-named', category: 'shmem', label: '{name}', kinds: ['anon_shared'], name: /^\[anon_shmem:/ },
  { id: 'shared-anon', category: 'shmem', label: 'shared anon', kinds: ['anon_shared'] },
  // Runtimes that name their regions with PR_SET_VMA_ANON_NAME: Go (1.25+,
  // "[anon: Go: …]"), CPython ("[anon:cpython:…]"), glibc's
  // glibc.mem.decorate_maps, Android's allocators. Checked on this machine's
  // kernel with prctl(PR_SET_VMA_ANON_NAME) from python ctypes (test/classify).
  {
    id: 'runtime-named', category: 'runtime', label: '{name}', kinds: ['anon_named'],
    name: /^\[anon: ?(?:Go:|cpython|glibc:|v8|V8|partition_alloc|dalvik|scudo|jemalloc|libc_malloc)/,
  },
  { id: 'anon-named', category: 'anon', label: '{name}', kinds: ['anon_named'] },
  // Go's heap arenas: the runtime hints them from 0xc000000000 up (amd64,
  // arm64), 64 MiB each, committed from the bottom. Checked on esbuild
  // 0.25 (Go): c000000000-c000400000 rw-p then c000400000-c004000000 ---p.
  // (node 20 once put a V8 page in that range: hence the c.go test.)
  {
    id: 'go-arena', category: 'runtime', label: 'Go heap arena', kinds: ANON,
    when: (c) => c.go && !protNone(c.self) && !below(c.self.mapping.start, 0xc000000000 - 1) && below(c.self.mapping.end, 0x10000000000),
  },
  {
    id: 'go-arena-reserved', category: 'reserved', label: 'Go heap arena (reserved)', kinds: ANON, perms: '---?', noRss: true,
    when: (c) => c.go && !below(c.self.mapping.start, 0xc000000000 - 1) && below(c.self.mapping.end, 0x10000000000),
  },
  // HotSpot with compressed oops puts the Java heap below 32 GiB (ending at
  // 4 GiB when it fits). Checked on OpenJDK 17.0.15, java -Xmx256m:
  // f0000000-ffe00000 rw-p, with the CDS archive (classes.jsa) inside it.
  {
    id: 'jvm-heap', category: 'runtime', label: 'Java heap', kinds: ANON,
    when: (c) => c.jvm && below(c.self.mapping.end, 32 * GiB) && !protNone(c.self) && !(c.below && c.images.has(c.below.mapping.name)),
  },
  {
    id: 'jvm-heap-reserved', category: 'reserved', label: 'Java heap (reserved)', kinds: ANON, perms: '---?', noRss: true,
    when: (c) => c.jvm && below(c.self.mapping.end, 32 * GiB),
  },
  // HotSpot's segmented code cache: three rwx segments, each committed from
  // the bottom of a reservation. Checked on OpenJDK 17.0.15: 2496 kB rwxp
  // then 117536 kB ---p, three times.
  { id: 'jvm-code-cache', category: 'runtime', label: 'JVM code cache', kinds: ANON, perms: 'rwx?', when: (c) => c.jvm },
  {
    id: 'jvm-code-cache-reserved', category: 'reserved', label: 'JVM code cache (reserved)', kinds: ANON, perms: '---?', noRss: true,
    when: (c) => c.jvm && c.below !== null && c.below.kind === 'anon' && c.below.mapping.perms.startsWith('rwx'),
  },
  // The compressed class space: a 1 GiB reservation (CompressedClassSpaceSize).
  // Checked on OpenJDK 17.0.15: 1047296 kB ---p after 768 kB committed.
  {
    id: 'jvm-class-space-reserved', category: 'reserved', label: 'JVM class space (reserved)', kinds: ANON, perms: '---?', noRss: true,
    minKB: 900 * 1024, maxKB: 1024 * 1024, when: (c) => c.jvm,
  },
  // V8's code range: rwx code pages at the bottom of a large reservation
  // (512 MiB on x64). Checked on node 20.20: 240 kB rwxp, then 522244 kB ---p.
  { id: 'v8-code', category: 'runtime', label: 'V8 code space', kinds: ANON, perms: 'rwx?', when: (c) => c.v8 },
  {
    id: 'v8-code-reserved', category: 'reserved', label: 'V8 code range (reserved)', kinds: ANON, perms: '---?', noRss: true,
    minKB: 64 * 1024, when: (c) => c.v8 && c.below !== null && c.below.mapping.perms.startsWith('rwx'),
  },
  // V8 heap pages: 256 KiB aligned pages at random hints below
  // 0x3fffffff000 (kAllocationRandomAddressMax on x64). Checked on node
  // 20.20: 50 rw-p mappings of 256 kB (large objects 224/264 kB) there.
  {
    id: 'v8-heap', category: 'runtime', label: 'V8 heap page', kinds: ANON,
    when: (c) => c.v8 && !protNone(c.self) && mod(c.self.mapping.start, 256 * KiB) === 0 && below(c.self.mapping.end, 0x400000000000),
  },
  // glibc malloc's per-thread arenas: a 64 MiB aligned reservation committed
  // from the bottom. Checked on python 3.11, node 20 and OpenJDK 17 (132 kB
  // rw-p at 7f…000000 followed by 65404 kB ---p).
  {
    id: 'malloc-arena', category: 'heap', label: 'malloc arena', kinds: ANON, perms: 'rw-?',
    when: (c) =>
      mod(c.self.mapping.start, ARENA) === 0 && isAnon(c.above) && protNone(c.above) && mod(c.above!.mapping.end, ARENA) === 0,
  },
  {
    id: 'malloc-arena-reserved', category: 'reserved', label: 'malloc arena (reserved)', kinds: ANON, perms: '---?', noRss: true,
    when: (c) => mod(c.self.mapping.end, ARENA) === 0 && isAnon(c.below) && c.below!.mapping.perms.startsWith('rw') && mod(c.below!.mapping.start, ARENA) === 0,
  },
  // Thread stacks (pthread, JVM and V8 threads alike): read-write anonymous
  // memory right above a small PROT_NONE guard. Checked on node 20 (8192 kB
  // over 4 kB) and OpenJDK 17 (1008 kB over 16 kB).
  {
    id: 'thread-stack', category: 'stack', label: 'thread stack', kinds: ANON, perms: 'rw-?',
    when: (c) => isAnon(c.below) && protNone(c.below) && c.below!.sizeKB <= 1024 && c.below!.rssKB === 0,
  },
  {
    id: 'thread-stack-guard', category: 'guard', label: 'thread stack guard', kinds: ANON, perms: '---?', noRss: true, maxKB: 1024,
    when: (c) => isAnon(c.above) && c.above!.mapping.perms.startsWith('rw-'),
  },
  // Android's showmap calls the anonymous rw mapping right after an ELF
  // image's data its .bss (the part past the file's end).
  {
    id: 'bss', category: 'bss', label: '[bss]', kinds: ANON, perms: 'rw-p',
    when: (c) => c.below !== null && (c.below.kind === 'file' || c.below.kind === 'deleted') && c.images.has(c.below.mapping.name),
  },
  { id: 'guard', category: 'guard', label: 'guard', perms: '---?', noRss: true, maxKB: 64 },
  { id: 'reserved', category: 'reserved', label: 'reserved (PROT_NONE)', perms: '---?', noRss: true },
  { id: 'anon', category: 'anon', label: '[anon]', kinds: ANON },
  { id: 'code', category: 'code', label: 'code', kinds: FILE_KINDS, perms: '??x?' },
  { id: 'rodata', category: 'rodata', label: 'read-only data', kinds: FILE_KINDS, perms: 'r--?', when: (c) => c.images.has(c.self.mapping.name) },
  { id: 'data', category: 'data', label: 'data', kinds: FILE_KINDS, perms: 'rw-p', when: (c) => c.images.has(c.self.mapping.name) },
  { id: 'file-shared', category: 'file', label: 'shared file mapping', kinds: FILE_KINDS, perms: '???s' },
  { id: 'file', category: 'file', label: 'mapped file', kinds: FILE_KINDS },
  { id: 'other', category: 'other', label: '{name}' },
];

function permsMatch(pattern: string, perms: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '?' && pattern[i] !== perms[i]) return false;
  }
  return true;
}

/** The rule's label for a mapping it matched. */
export function labelOf(rule: Rule, context: RuleContext): string {
  if (typeof rule.label === 'function') return rule.label(context);
  if (rule.label.indexOf('{') < 0 && rule.label.indexOf('$') < 0) return rule.label;
  const name = context.self.mapping.name;
  const groups = rule.name?.exec(name) ?? [];
  return rule.label.replace(/\{name\}|\$([1-9])/g, (_token, group?: string) =>
    group === undefined ? name || '[anon]' : groups[Number(group)] ?? '',
  );
}

/**
 * A rule matches a mapping when it fits the mapping's kind and perms
 * (ruleFits, which classify.ts decides once per pair instead of per
 * mapping) and its other tests pass (ruleMatchesFitting).
 */
export function ruleFits(rule: Rule, kind: MappingKind, perms: string): boolean {
  return (!rule.kinds || rule.kinds.includes(kind)) && (!rule.perms || permsMatch(rule.perms, perms));
}

/** Does a rule that fits the mapping's kind and perms match it? (Cheap tests first.) */
export function ruleMatchesFitting(rule: Rule, context: RuleContext): boolean {
  const { mapping, sizeKB, rssKB } = context.self;
  if (rule.minKB !== undefined && sizeKB < rule.minKB) return false;
  if (rule.maxKB !== undefined && sizeKB > rule.maxKB) return false;
  if (rule.noRss && (rssKB !== 0 || (mapping.kB.get('Swap') ?? 0) !== 0)) return false;
  if (rule.flags && !rule.flags.every((flag) => mapping.vmFlags?.includes(flag))) return false;
  if (rule.name && !rule.name.test(mapping.name)) return false;
  return rule.when ? rule.when(context) : true;
}
