/**
 * The one adapter between the diff and the --summary classification: which
 * object and category a mapping belongs to. When the classification moves
 * to a rule table in src/model/, only this function changes.
 */
import type { DiffMapping, Measures } from '../model/diff.js';
import type { SmapsMapping } from '../parse/smaps.js';
import { U64, sub } from '../parse/u64.js';
import { mappingKind } from './json.js';
import { categoryOf, objectOf } from './summary.js';

const FILE_KINDS: ReadonlySet<string> = new Set(['file', 'deleted', 'memfd', 'shm']);

/** kB values are far below 2^53 kB; Number() is exact for them. */
const kB = (mapping: SmapsMapping, key: string): number => Number(mapping.kB.get(key) ?? 0);

function measuresOf(mapping: SmapsMapping): Measures {
  const bytes: U64 = sub(mapping.end, mapping.start);
  return {
    size: Number(bytes) / 1024,
    rss: kB(mapping, 'Rss'),
    pss: kB(mapping, 'Pss'),
    uss: kB(mapping, 'Private_Clean') + kB(mapping, 'Private_Dirty'),
    privateDirty: kB(mapping, 'Private_Dirty'),
    swap: kB(mapping, 'Swap'),
  };
}

export function classifyForDiff(mapping: SmapsMapping, startStack: U64): DiffMapping {
  const kind = mappingKind(mapping, startStack);
  return {
    name: mapping.name,
    perms: mapping.perms,
    offset: mapping.offset.toString(16),
    fileBacked: FILE_KINDS.has(kind),
    object: objectOf(kind, mapping),
    category: categoryOf(kind, mapping.perms, mapping.name),
    measures: measuresOf(mapping),
  };
}
