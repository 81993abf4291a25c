/**
 * The difference between two samples of a process's mappings (pure).
 *
 * Mappings are matched on keys that survive ASLR and restarts, as Android's
 * showmap and wsstop match them: the name (path, [heap], [anon:…],
 * memfd:…, with a trailing " (deleted)" ignored), the permissions and, for
 * file-backed mappings, the file offset. Addresses never take part. Mappings
 * sharing a key are merged and counted, so a second thread stack or one more
 * malloc arena shows as a count going up, not as a spurious add.
 */

export const MEASURES = ['size', 'rss', 'pss', 'uss', 'privateDirty', 'swap'] as const;
export type Measure = (typeof MEASURES)[number];
/** kB for each measure. uss is Private_Clean + Private_Dirty. */
export type Measures = Record<Measure, number>;

/** One mapping as the diff takes it, already classified by the caller. */
export interface DiffMapping {
  name: string;
  perms: string;
  /** File offset in hex digits; used in the key only when fileBacked. */
  offset: string;
  fileBacked: boolean;
  /** The mapped object and category, as --summary groups them. */
  object: string;
  category: string;
  measures: Measures;
}

export type ChangeKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffRow {
  /** The matching key, or the object or category name for grouped rows. */
  label: string;
  change: ChangeKind;
  /** How many mappings fall under the row before and after. */
  countBefore: number;
  countAfter: number;
  before: Measures;
  after: Measures;
  delta: Measures;
}

export interface MappingDiffRow extends DiffRow {
  name: string;
  perms: string;
  offset: string | null;
  object: string;
  category: string;
}

export interface DiffResult {
  /** Added, removed and changed mappings (unchanged ones only counted), largest change first. */
  mappings: MappingDiffRow[];
  unchanged: number;
  objects: DiffRow[];
  categories: DiffRow[];
  total: DiffRow;
  sortedBy: Measure;
}

const DELETED = ' (deleted)';

export function zeroMeasures(): Measures {
  return { size: 0, rss: 0, pss: 0, uss: 0, privateDirty: 0, swap: 0 };
}

function addInto(sum: Measures, more: Measures): void {
  for (const measure of MEASURES) sum[measure] += more[measure];
}

/** The key a mapping is matched on across samples. */
export function mappingKey(mapping: Pick<DiffMapping, 'name' | 'perms' | 'offset' | 'fileBacked'>): string {
  const name = mapping.name.endsWith(DELETED) ? mapping.name.slice(0, -DELETED.length) : mapping.name;
  const label = name === '' ? '[anon]' : name;
  return mapping.fileBacked ? `${label} ${mapping.perms} @${mapping.offset}` : `${label} ${mapping.perms}`;
}

interface Bucket {
  first: DiffMapping;
  countBefore: number;
  countAfter: number;
  before: Measures;
  after: Measures;
}

function bucketBy(before: readonly DiffMapping[], after: readonly DiffMapping[], keyOf: (m: DiffMapping) => string): Map<string, Bucket> {
  const buckets = new Map<string, Bucket>();
  const put = (mapping: DiffMapping, side: 'before' | 'after'): void => {
    const key = keyOf(mapping);
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { first: mapping, countBefore: 0, countAfter: 0, before: zeroMeasures(), after: zeroMeasures() };
      buckets.set(key, bucket);
    }
    if (side === 'before') bucket.countBefore++;
    else bucket.countAfter++;
    addInto(bucket[side], mapping.measures);
  };
  for (const mapping of before) put(mapping, 'before');
  for (const mapping of after) put(mapping, 'after');
  return buckets;
}

function rowOf(label: string, bucket: Omit<Bucket, 'first'>): DiffRow {
  const delta = zeroMeasures();
  let moved = bucket.countBefore !== bucket.countAfter;
  for (const measure of MEASURES) {
    delta[measure] = bucket.after[measure] - bucket.before[measure];
    if (delta[measure] !== 0) moved = true;
  }
  const change: ChangeKind =
    bucket.countBefore === 0 ? 'added' : bucket.countAfter === 0 ? 'removed' : moved ? 'changed' : 'unchanged';
  return { label, change, countBefore: bucket.countBefore, countAfter: bucket.countAfter, before: bucket.before, after: bucket.after, delta };
}

/** Largest absolute change of the chosen measure first, then of Size, then by label. */
function byLargestChange(measure: Measure): (a: DiffRow, b: DiffRow) => number {
  return (a, b) =>
    Math.abs(b.delta[measure]) - Math.abs(a.delta[measure]) ||
    Math.abs(b.delta.size) - Math.abs(a.delta.size) ||
    (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

function grouped(before: readonly DiffMapping[], after: readonly DiffMapping[], keyOf: (m: DiffMapping) => string, measure: Measure): DiffRow[] {
  return [...bucketBy(before, after, keyOf)]
    .map(([label, bucket]) => rowOf(label, bucket))
    .sort(byLargestChange(measure));
}

export function diffMappings(before: readonly DiffMapping[], after: readonly DiffMapping[], sortBy: Measure = 'rss'): DiffResult {
  const mappings: MappingDiffRow[] = [];
  let unchanged = 0;
  for (const [key, bucket] of bucketBy(before, after, mappingKey)) {
    const row = rowOf(key, bucket);
    if (row.change === 'unchanged') {
      unchanged++;
      continue;
    }
    const first = bucket.first;
    mappings.push({
      ...row,
      name: first.name.endsWith(DELETED) ? first.name.slice(0, -DELETED.length) : first.name,
      perms: first.perms,
      offset: first.fileBacked ? first.offset : null,
      object: first.object,
      category: first.category,
    });
  }
  mappings.sort(byLargestChange(sortBy));
  const totalBucket = { countBefore: before.length, countAfter: after.length, before: zeroMeasures(), after: zeroMeasures() };
  for (const mapping of before) addInto(totalBucket.before, mapping.measures);
  for (const mapping of after) addInto(totalBucket.after, mapping.measures);
  return {
    mappings,
    unchanged,
    objects: grouped(before, after, (m) => m.object, sortBy).filter((row) => row.change !== 'unchanged'),
    categories: grouped(before, after, (m) => m.category, sortBy),
    total: rowOf('total', totalBucket),
    sortedBy: sortBy,
  };
}

/** Who a sample belongs to: enough to tell a restart or a reused PID from the same process. */
export interface ProcessIdentity {
  pid: number;
  /** stat field 22 (clock ticks after boot), as digits. */
  startTime: string | null;
  bootId: string | null;
  comm: string;
}

/**
 * Why two samples of the same PID are not the same process, or null. A PID
 * compared across boots, or with another start time, names another process
 * (a reused PID); diffing it silently would report nonsense as growth.
 */
export function reusedPidProblem(before: ProcessIdentity, after: ProcessIdentity): string | null {
  if (before.pid !== after.pid) return null;
  if (before.bootId !== null && after.bootId !== null && before.bootId !== after.bootId) {
    return `PID ${before.pid} comes from two different boots (boot id ${before.bootId} and ${after.bootId}), so it is not the same process`;
  }
  if (before.startTime !== null && after.startTime !== null && before.startTime !== after.startTime) {
    return `PID ${before.pid} was reused: '${before.comm}' started at tick ${before.startTime}, '${after.comm}' at tick ${after.startTime}`;
  }
  return null;
}
