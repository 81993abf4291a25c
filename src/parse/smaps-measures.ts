/**
 * What diff and watch measure of each mapping: its header and the five
 * totals they compare, read by the exporter's lean scanner (smaps-usage.ts).
 */
import type { MapsEntry } from './maps.js';
import { SmapsUsageScanner } from './smaps-usage.js';

export interface MeasuredMapping extends MapsEntry {
  rss: number;
  pss: number;
  privateClean: number;
  privateDirty: number;
  swap: number;
}

export function parseSmapsMeasures(text: string): MeasuredMapping[] {
  const mappings: MeasuredMapping[] = [];
  const scanner = new SmapsUsageScanner(({ entry, fields }) =>
    mappings.push({
      ...entry,
      rss: fields.rss, pss: fields.pss, privateClean: fields.privateClean, privateDirty: fields.privateDirty, swap: fields.swap,
    }),
  );
  scanner.feed(text);
  scanner.end();
  return mappings;
}
