/**
 * The one adapter between the diff and the shared classification
 * (model/classify.ts, the rule table --summary, --json and the report use):
 * which object and category each mapping belongs to.
 *
 * The diff reads smaps through the lean five-field reader, so the rules see
 * Rss and Swap but no VmFlags or hugetlb fields; rules on those fall through
 * to the next rule that matches.
 */
import type { DiffMapping, Measures } from '../model/diff.js';
import { classifyMappings } from '../model/classify.js';
import type { SmapsMapping } from '../parse/smaps.js';
import type { MeasuredMapping } from '../parse/smaps-measures.js';
import { U64, sub } from '../parse/u64.js';

const FILE_KINDS: ReadonlySet<string> = new Set(['file', 'deleted', 'memfd', 'shm']);

function measuresOf(mapping: MeasuredMapping): Measures {
  const bytes: U64 = sub(mapping.end, mapping.start);
  return {
    size: Number(bytes) / 1024,
    rss: mapping.rss,
    pss: mapping.pss,
    uss: mapping.privateClean + mapping.privateDirty,
    privateDirty: mapping.privateDirty,
    swap: mapping.swap,
  };
}

const NO_VALUES = new Map<string, U64>();

/** The shape the classifier reads, from what the lean reader measured. */
function asSmaps(mapping: MeasuredMapping): SmapsMapping {
  // A fixed-shape literal, not a spread: this runs once per mapping per watch sample.
  return {
    start: mapping.start, end: mapping.end, perms: mapping.perms, offset: mapping.offset, devMajor: mapping.devMajor,
    devMinor: mapping.devMinor, inode: mapping.inode, name: mapping.name,
    kB: new Map<string, U64>([['Rss', mapping.rss], ['Swap', mapping.swap]]), values: NO_VALUES,
  };
}

/** Every mapping of one process with its object, category and measures, in order. */
export function classifyForDiff(mappings: readonly MeasuredMapping[], startStack: U64): DiffMapping[] {
  const classes = classifyMappings(mappings.map(asSmaps), startStack);
  return mappings.map((mapping, i) => {
    const { kind, object, category } = classes[i]!;
    return {
      name: mapping.name,
      perms: mapping.perms,
      offset: typeof mapping.offset === 'number' && mapping.offset === 0 ? '0' : mapping.offset.toString(16),
      fileBacked: FILE_KINDS.has(kind),
      object,
      category,
      measures: measuresOf(mapping),
    };
  });
}
