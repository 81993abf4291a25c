/**
 * Durations and sizes as the memory-over-time subcommands take them on
 * their command lines: "500ms", "2s", "1.5m", "1h" (a bare number is
 * seconds) and "512k", "10M", "1G" (a bare number is kB, pmap's unit), or a
 * percentage "5%".
 */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or null when the text is not a positive duration. */
export function parseDuration(text: string): number | null {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!;
  return ms > 0 && Number.isFinite(ms) ? ms : null;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1, K: 1, m: 1024, M: 1024, g: 1024 ** 2, G: 1024 ** 2, t: 1024 ** 3, T: 1024 ** 3 };

export type Threshold = { kind: 'kB'; kB: number } | { kind: 'percent'; percent: number };

/** A --fail-over limit: kB (with an optional k/M/G/T suffix, B optional) or a percentage. */
export function parseThreshold(text: string): Threshold | null {
  const percent = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(text.trim());
  if (percent) return { kind: 'percent', percent: Number(percent[1]) };
  const size = /^([0-9]+(?:\.[0-9]+)?)([kKmMgGtT]?)(?:i?B)?$/.exec(text.trim());
  if (!size) return null;
  return { kind: 'kB', kB: Number(size[1]) * SIZE_UNITS[size[2]!]! };
}

/** A positive integer count, or null. */
export function parseCount(text: string): number | null {
  return /^[1-9][0-9]*$/.test(text.trim()) ? Number(text) : null;
}
