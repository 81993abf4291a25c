/**
 * `tspmap watch` output (pure): the live view drawn on a terminal, the
 * NDJSON line per sample when piped (schema/tspmap-watch.schema.json), and
 * the closing summary.
 */
import type { GrowthRow, SeriesReport } from '../model/series.js';

export interface WatchHeader {
  pid: number;
  comm: string;
  intervalMs: number;
  time: string;
}

/** Cursor home and clear to the end of the screen: the view is redrawn in place. */
export const REDRAW = '\x1b[H\x1b[J';

const signed = (value: number): string => (value > 0 ? `+${value}` : String(value));
const rate = (value: number): string => `${value > 0 ? '+' : ''}${value.toFixed(1)}`;

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

function growthTable(title: string, rows: readonly GrowthRow[], top: number): string {
  const growing = rows.filter((row) => row.trend.change > 0 || row.trend.perMinute > 0).slice(0, top);
  if (growing.length === 0) return `${title}: nothing grew\n`;
  const head = [title, 'RSS kB', 'change kB', 'kB/min', 'grew', ''];
  const body = growing.map((row) => [
    row.label,
    String(row.trend.last),
    signed(row.trend.change),
    rate(row.trend.perMinute),
    `${row.trend.growingSteps}/${row.trend.steps}`,
    row.trend.suspect ? 'LEAK?' : '',
  ]);
  return `${table([head, ...body])}\n`;
}

/** One frame of the terminal view (without the redraw prefix). */
export function renderFrame(report: SeriesReport, header: WatchHeader, top: number): string {
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  const totals = (['rss', 'pss', 'uss', 'swap'] as const).map((measure) => {
    const trend = report.totals[measure];
    return [measure.toUpperCase(), String(trend.last), String(trend.first), signed(trend.change), rate(trend.perMinute)];
  });
  const suspects = report.suspects.length ? `Leak suspects: ${report.suspects.join(', ')}\n` : 'Leak suspects: none so far\n';
  return [
    `tspmap watch: PID ${header.pid} (${header.comm}), sample ${report.samples} every ${header.intervalMs / 1000}s, ${seconds}s since the first, ${header.time}\n\n`,
    `${table([['', 'now kB', 'first kB', 'change kB', 'kB/min'], ...totals])}\n\n`,
    growthTable('Object', report.objects, top),
    '\n',
    growthTable('Category', report.categories, top),
    '\n',
    suspects,
    '(Ctrl-C stops with a summary)\n',
  ].join('');
}

function jsonRow(row: GrowthRow): Record<string, unknown> {
  return {
    ...(row.category !== undefined ? { object: row.label, category: row.category } : { category: row.label }),
    rss_kB: row.trend.last,
    change_kB: row.trend.change,
    perMinute_kB: Number(row.trend.perMinute.toFixed(3)),
    growingSteps: row.trend.growingSteps,
    steps: row.trend.steps,
    suspect: row.trend.suspect,
  };
}

/** One NDJSON line: the sample's totals and the top growing objects and categories. */
export function ndjsonLine(report: SeriesReport, header: WatchHeader, top: number, event: 'sample' | 'end' = 'sample'): string {
  const totals = Object.fromEntries(
    Object.entries(report.totals).map(([measure, trend]) => [
      measure,
      { kB: trend.last, change_kB: trend.change, perMinute_kB: Number(trend.perMinute.toFixed(3)) },
    ]),
  );
  return `${JSON.stringify({
    event,
    pid: header.pid,
    comm: header.comm,
    time: header.time,
    sample: report.samples,
    elapsed_ms: report.elapsedMs,
    totals,
    objects: report.objects.slice(0, top).map(jsonRow),
    categories: report.categories.slice(0, top).map(jsonRow),
    suspects: report.suspects,
  })}\n`;
}

/** The closing summary on a terminal: how the totals moved and what is suspect. */
export function renderSummary(report: SeriesReport, header: WatchHeader, top: number): string {
  const rss = report.totals.rss;
  return [
    `Summary of PID ${header.pid} (${header.comm}): ${report.samples} samples over ${(report.elapsedMs / 1000).toFixed(1)}s; `,
    `RSS ${rss.first} -> ${rss.last} kB (${signed(rss.change)}, ${rate(rss.perMinute)} kB/min)\n`,
    growthTable('Object', report.objects, top),
    report.suspects.length ? `Leak suspects: ${report.suspects.join(', ')}\n` : 'Leak suspects: none\n',
  ].join('');
}
