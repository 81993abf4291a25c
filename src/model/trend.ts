/**
 * Growth over a series of samples (pure): a least-squares slope per minute
 * and the leak-suspect rule of `tspmap watch`. A value is a leak suspect
 * when it has at least `minSamples` samples, grew in at least two thirds
 * of the steps between them, ends above where it started and its fitted
 * slope is positive: a single jump (a cache filled once) grows in one step
 * only, a sawtooth (a pool filled and freed) grows in half its steps, and
 * neither is marked.
 */

export interface Point {
  /** Milliseconds (any origin). */
  t: number;
  /** kB. */
  value: number;
}

export interface Trend {
  first: number;
  last: number;
  /** last - first, kB. */
  change: number;
  /** Fitted growth in kB per minute (0 with fewer than two samples). */
  perMinute: number;
  /** Steps between consecutive samples that grew, and how many steps there were. */
  growingSteps: number;
  steps: number;
  suspect: boolean;
}

const MS_PER_MINUTE = 60_000;

/** Least-squares slope of value over time, in kB per minute. */
export function slopePerMinute(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  let sumT = 0;
  let sumV = 0;
  for (const point of points) {
    sumT += point.t;
    sumV += point.value;
  }
  const meanT = sumT / n;
  const meanV = sumV / n;
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    covariance += (point.t - meanT) * (point.value - meanV);
    variance += (point.t - meanT) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * MS_PER_MINUTE;
}

export function trendOf(points: readonly Point[], minSamples: number): Trend {
  const first = points[0]?.value ?? 0;
  const last = points[points.length - 1]?.value ?? 0;
  let growingSteps = 0;
  for (let i = 1; i < points.length; i++) if (points[i]!.value > points[i - 1]!.value) growingSteps++;
  const steps = Math.max(points.length - 1, 0);
  const perMinute = slopePerMinute(points);
  const suspect = points.length >= minSamples && perMinute > 0 && last > first && growingSteps * 3 >= steps * 2;
  return { first, last, change: last - first, perMinute, growingSteps, steps, suspect };
}
