/**
 * `tspmap diff` output (pure): a plain text table, or JSON following
 * schema/tspmap-diff.schema.json. All sizes are kB, as pmap prints them.
 */
import { DiffResult, DiffRow, MEASURES, Measure, MappingDiffRow } from '../model/diff.js';

/** One side of the comparison as the header names it. */
export interface DiffSide {
  /** What was given: "a.tar.gz@0", "live PID 4242". */
  source: string;
  pid: number;
  comm: string;
  time: string;
  startTime: string | null;
}

export const DIFF_SCHEMA_VERSION = 1;

const HEADINGS: Record<Measure, string> = {
  size: 'Size', rss: 'RSS', pss: 'PSS', uss: 'USS', privateDirty: 'Dirty', swap: 'Swap',
};

const CHANGE_MARK = { added: '+', removed: '-', changed: '~', unchanged: '=' } as const;

const signed = (value: number): string => (value > 0 ? `+${value}` : String(value));

/** Right-aligned numeric columns, a left-aligned last column; two spaces between. */
function alignRows(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function countCell(row: DiffRow): string {
  return row.countBefore === row.countAfter ? String(row.countAfter) : `${row.countBefore}->${row.countAfter}`;
}

function section(title: string, rows: readonly DiffRow[], label: (row: DiffRow) => string, top: number): string {
  const head = ['', 'Maps', ...MEASURES.map((m) => `${HEADINGS[m]} kB`), title];
  const shown = rows.slice(0, top);
  const body = shown.map((row) => [CHANGE_MARK[row.change], countCell(row), ...MEASURES.map((m) => signed(row.delta[m])), label(row)]);
  const more = rows.length > shown.length ? `\n   (${rows.length - shown.length} more rows; --top N shows more)` : '';
  return `${alignRows([head, ...body])}${more}\n`;
}

function mappingLabel(row: DiffRow): string {
  const mapping = row as MappingDiffRow;
  const name = mapping.name === '' ? '[anon]' : mapping.name;
  return `${name} ${mapping.perms}${mapping.offset !== null ? ` @${mapping.offset}` : ''}`;
}

function sideLine(tag: string, side: DiffSide): string {
  return `${tag}: PID ${side.pid} (${side.comm}) at ${side.time}, from ${side.source}\n`;
}

function percent(before: number, delta: number): string {
  if (before === 0) return delta === 0 ? '0%' : 'new';
  const value = (delta / before) * 100;
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}%`;
}

/** The text report: who, totals, then categories, objects and mappings by largest change. */
export function renderDiffText(result: DiffResult, before: DiffSide, after: DiffSide, top: number): string {
  const total = result.total;
  const totals = MEASURES.map(
    (m) => `${HEADINGS[m]} ${signed(total.delta[m])} kB (${percent(total.before[m], total.delta[m])})`,
  ).join(', ');
  const added = result.mappings.filter((row) => row.change === 'added').length;
  const removed = result.mappings.filter((row) => row.change === 'removed').length;
  const changed = result.mappings.length - added - removed;
  return [
    sideLine('A', before),
    sideLine('B', after),
    `Mappings: ${total.countBefore} -> ${total.countAfter}; by key ${added} added, ${removed} removed, ${changed} changed, ${result.unchanged} unchanged; sorted by ${HEADINGS[result.sortedBy]} change\n`,
    '\nBy category:\n',
    section('Category', result.categories, (row) => row.label, top),
    '\nBy object:\n',
    result.objects.length ? section('Object', result.objects, (row) => row.label, top) : '   (no object changed)\n',
    '\nBy mapping (+ added, - removed, ~ changed):\n',
    result.mappings.length ? section('Mapping', result.mappings, mappingLabel, top) : '   (no mapping changed)\n',
    `\nTotal: ${totals}\n`,
  ].join('');
}

function jsonRow(row: DiffRow): Record<string, unknown> {
  return {
    change: row.change,
    count: { before: row.countBefore, after: row.countAfter },
    before_kB: row.before,
    after_kB: row.after,
    delta_kB: row.delta,
  };
}

/** The --json document (schema/tspmap-diff.schema.json). */
export function diffJson(result: DiffResult, before: DiffSide, after: DiffSide, tspmapVersion: string): unknown {
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    tool: { name: 'tspmap', version: tspmapVersion },
    before,
    after,
    sortedBy: result.sortedBy,
    unchangedMappings: result.unchanged,
    total: jsonRow(result.total),
    categories: result.categories.map((row) => ({ category: row.label, ...jsonRow(row) })),
    objects: result.objects.map((row) => ({ object: row.label, ...jsonRow(row) })),
    mappings: result.mappings.map((row) => ({
      key: row.label,
      name: row.name,
      perms: row.perms,
      offset: row.offset,
      object: row.object,
      category: row.category,
      ...jsonRow(row),
    })),
  };
}
