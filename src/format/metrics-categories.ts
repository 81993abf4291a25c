/**
 * The one place where the metrics exporter learns a mapping's category.
 * Today it asks --summary's classification (categoryOf in summary.ts); when
 * the shared rule table in src/model/ lands, only this function changes.
 */
import type { MapsEntry } from '../parse/maps.js';
import type { U64 } from '../parse/u64.js';
import { mappingKind } from './json.js';
import { categoryOf } from './summary.js';

/** The category label of one mapping, as --summary names it. */
export function categoryOfMapping(mapping: MapsEntry, startStack: U64): string {
  return categoryOf(mappingKind(mapping, startStack), mapping.perms, mapping.name);
}
