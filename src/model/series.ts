/**
 * A process's memory over a series of samples, for `tspmap watch` (pure):
 * totals, and RSS per mapped object and per category, each with its trend.
 */
import type { DiffMapping, Measure } from './diff.js';
import { Point, Trend, trendOf } from './trend.js';

export const WATCHED_TOTALS = ['rss', 'pss', 'uss', 'swap', 'size'] as const satisfies readonly Measure[];
export type WatchedTotal = (typeof WATCHED_TOTALS)[number];

export interface GrowthRow {
  label: string;
  /** The category of an object row (absent for category rows). */
  category?: string;
  trend: Trend;
}

export interface SeriesReport {
  samples: number;
  elapsedMs: number;
  totals: Record<WatchedTotal, Trend>;
  /** Objects and categories by growth since the first sample, largest first. */
  objects: GrowthRow[];
  categories: GrowthRow[];
  /** Objects marked as leak suspects (see trend.ts). */
  suspects: string[];
}

/** Values per label, zero-filled for samples where a label was absent. */
class LabelledSeries {
  readonly points = new Map<string, Point[]>();
  readonly extra = new Map<string, string>();

  record(times: readonly number[], values: ReadonlyMap<string, number>): void {
    const now = times[times.length - 1]!;
    for (const [label, value] of values) {
      if (!this.points.has(label)) this.points.set(label, times.slice(0, -1).map((t) => ({ t, value: 0 })));
      this.points.get(label)!.push({ t: now, value });
    }
    for (const [label, points] of this.points) if (!values.has(label)) points.push({ t: now, value: 0 });
  }

  rows(minSamples: number): GrowthRow[] {
    return [...this.points]
      .map(([label, points]) => ({ label, category: this.extra.get(label), trend: trendOf(points, minSamples) }))
      .sort((a, b) => b.trend.change - a.trend.change || b.trend.perMinute - a.trend.perMinute || (a.label < b.label ? -1 : 1));
  }
}

export class MemorySeries {
  private readonly times: number[] = [];
  private readonly totals = new Map<WatchedTotal, Point[]>(WATCHED_TOTALS.map((m) => [m, []]));
  private readonly objects = new LabelledSeries();
  private readonly categories = new LabelledSeries();

  constructor(private readonly minSamples: number) {}

  get samples(): number {
    return this.times.length;
  }

  add(t: number, mappings: readonly DiffMapping[]): void {
    this.times.push(t);
    const byObject = new Map<string, number>();
    const byCategory = new Map<string, number>();
    const sums: Record<WatchedTotal, number> = { rss: 0, pss: 0, uss: 0, swap: 0, size: 0 };
    for (const mapping of mappings) {
      for (const measure of WATCHED_TOTALS) sums[measure] += mapping.measures[measure];
      byObject.set(mapping.object, (byObject.get(mapping.object) ?? 0) + mapping.measures.rss);
      byCategory.set(mapping.category, (byCategory.get(mapping.category) ?? 0) + mapping.measures.rss);
      this.objects.extra.set(mapping.object, mapping.category);
    }
    for (const measure of WATCHED_TOTALS) this.totals.get(measure)!.push({ t, value: sums[measure] });
    this.objects.record(this.times, byObject);
    this.categories.record(this.times, byCategory);
  }

  report(): SeriesReport {
    const totals = Object.fromEntries(
      WATCHED_TOTALS.map((m) => [m, trendOf(this.totals.get(m)!, this.minSamples)]),
    ) as Record<WatchedTotal, Trend>;
    const objects = this.objects.rows(this.minSamples);
    return {
      samples: this.times.length,
      elapsedMs: this.times.length ? this.times[this.times.length - 1]! - this.times[0]! : 0,
      totals,
      objects,
      categories: this.categories.rows(this.minSamples).map(({ label, trend }) => ({ label, trend })),
      suspects: objects.filter((row) => row.trend.suspect).map((row) => row.label),
    };
  }
}
