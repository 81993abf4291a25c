/**
 * The one place where the metrics exporter learns its mappings' categories:
 * the shared rule table (model/classify.ts) that --summary, --json, the
 * report and the diff use, so a series' category label is the category
 * --summary shows.
 *
 * The exporter's lean scanner keeps no VmFlags or hugetlb fields, so the
 * rules see Rss and Swap only; rules on the others fall through to the next
 * rule that matches.
 */
import { classifyMappings } from '../model/classify.js';
import type { SmapsMapping } from '../parse/smaps.js';
import type { ScannedMapping } from '../parse/smaps-usage.js';
import type { U64 } from '../parse/u64.js';

const NO_VALUES = new Map<string, U64>();

/** The category of each mapping of one process, in order (the rules look at neighbours). */
export function categoriesOfMappings(mappings: readonly ScannedMapping[], startStack: U64): string[] {
  const views: SmapsMapping[] = mappings.map(({ entry, fields }) => ({
    ...entry,
    kB: new Map<string, U64>([['Rss', fields.rss], ['Swap', fields.swap]]),
    values: NO_VALUES,
  }));
  return classifyMappings(views, startStack).map((mappingClass) => mappingClass.category);
}
