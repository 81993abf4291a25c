/**
 * pmap's -A LOW[,HIGH] rule, the one home for it. pmap's read loop does
 *
 *   if (end - 1 < range_low) continue;   // ends below: skip this mapping
 *   if (range_high < start) break;       // starts above: stop reading
 *
 * so a mapping is kept when [start, end - 1] overlaps [LOW, HIGH], the
 * listing ends at the first mapping above HIGH (even if a later, out of
 * order one would overlap), and `end - 1` wraps to 2^64 - 1 for end 0.
 */
import { U64, U64_MAX, sub } from '../parse/u64.js';

/** -A's bounds, both inclusive. */
export interface AddressRange {
  low: U64;
  high: U64;
}

/** What the rule does with one mapping. */
export const RANGE_KEEP = 0;
export const RANGE_SKIP = 1;
export const RANGE_STOP = 2;
export type RangeStep = typeof RANGE_KEEP | typeof RANGE_SKIP | typeof RANGE_STOP;

/** Whether `range` lets everything through (no -A, or -A 0,ffffffffffffffff). */
export function isWholeRange(range: AddressRange | null): boolean {
  return range === null || (range.low === 0 && range.high === U64_MAX);
}

/** The rule for the mapping [start, end). */
export function rangeStep(start: U64, end: U64, range: AddressRange): RangeStep {
  if (sub(end, 1) < range.low) return RANGE_SKIP;
  if (range.high < start) return RANGE_STOP;
  return RANGE_KEEP;
}

/** The mappings the rule keeps, in order, up to the first one above the range. */
export function inRange<T extends { start: U64; end: U64 }>(mappings: readonly T[], range: AddressRange): T[] {
  const kept: T[] = [];
  for (const mapping of mappings) {
    const step = rangeStep(mapping.start, mapping.end, range);
    if (step === RANGE_STOP) break;
    if (step === RANGE_KEEP) kept.push(mapping);
  }
  return kept;
}
