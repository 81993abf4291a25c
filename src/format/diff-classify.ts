/**
 * The one adapter between the diff and the --summary classification: which
 * object and category a mapping belongs to. When the classification moves
 * to a rule table in src/model/, only this function changes.
 */
import type { DiffMapping, Measures } from '../model/diff.js';
import type { SmapsMapping } from '../parse/smaps.js';
import type { MeasuredMapping } from '../parse/smaps-measures.js';
import { U64, sub } from '../parse/u64.js';
import { mappingKind } from './json.js';
import { categoryOf, objectOf } from './summary.js';

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

/** objectOf() reads only the name and inode of the mapping it is given. */
const NO_FIELDS = new Map<string, U64>();

export function classifyForDiff(mapping: MeasuredMapping, startStack: U64): DiffMapping {
  const kind = mappingKind(mapping, startStack);
  // A fixed-shape literal, not a spread: this runs once per mapping per watch sample.
  const asDetailed: SmapsMapping = {
    start: mapping.start, end: mapping.end, perms: mapping.perms, offset: mapping.offset, devMajor: mapping.devMajor,
    devMinor: mapping.devMinor, inode: mapping.inode, name: mapping.name, kB: NO_FIELDS, values: NO_FIELDS,
  };
  return {
    name: mapping.name,
    perms: mapping.perms,
    offset: typeof mapping.offset === 'number' && mapping.offset === 0 ? '0' : mapping.offset.toString(16),
    fileBacked: FILE_KINDS.has(kind),
    object: objectOf(kind, asDetailed),
    category: categoryOf(kind, mapping.perms, mapping.name),
    measures: measuresOf(mapping),
  };
}
