/**
 * formatPmap() in every mode against pmap's recorded output: each fixture
 * case recorded in a UTF-8 locale whose arguments are only mode flags
 * (-x -d -X -XX -q -p, and -A) and PIDs (one PID for -X/-XX) is rendered through the API, one process at a time over the
 * fixture's tree, and must give pmap's stdout byte for byte. Also the
 * API's errors: each a TspmapError with its code.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidPidError, PmapMode, ProcessNotFoundError, TspmapError, UnreadableError, colorize, formatPmap, readProcess, totals,
} from '../src/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

interface Case {
  name: string;
  tree: string;
  mode: PmapMode;
  quiet: boolean;
  showPath: boolean;
  range?: { low: bigint; high: bigint };
  pids: number[];
  stdout: string;
}

function parseCase(fixture: string, name: string): Case | null {
  const dir = join(FIXTURES, fixture, 'cases', name);
  // Recorded in another locale (env), or failing: not what the API renders.
  if (existsSync(join(dir, 'env')) || readFileSync(join(dir, 'status'), 'utf8').trim() !== '0') return null;
  const argv = JSON.parse(readFileSync(join(dir, 'argv'), 'utf8')) as string[];
  const found: Case = { name: `${fixture}/${name}`, tree: join(FIXTURES, fixture, 'tree'), mode: '', quiet: false, showPath: false, pids: [], stdout: readFileSync(join(dir, 'stdout'), 'latin1') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (/^[1-9]\d*$/.test(arg)) found.pids.push(Number(arg));
    else if (arg === '-x' || arg === '-d' || arg === '-X' || arg === '-XX') {
      if (found.mode !== '') return null;
      found.mode = arg.slice(1) as PmapMode;
    } else if (arg === '-q') found.quiet = true;
    else if (arg === '-p') found.showPath = true;
    else if (arg === '-A' && /^[0-9a-f]+,[0-9a-f]+$/.test(argv[i + 1] ?? '')) {
      const [low, high] = argv[++i]!.split(',');
      found.range = { low: BigInt(`0x${low}`), high: BigInt(`0x${high}`) };
    } else return null;
  }
  // pmap's -X column widths carry over from one PID to the next; the API
  // renders one process at a time, as pmap does for a single PID.
  const table = found.mode === 'X' || found.mode === 'XX';
  if (table && (found.range || found.pids.length > 1)) return null;
  return found.pids.length > 0 ? found : null;
}

const CASES: Case[] = readdirSync(FIXTURES)
  .filter((fixture) => existsSync(join(FIXTURES, fixture, 'cases')))
  .flatMap((fixture) => readdirSync(join(FIXTURES, fixture, 'cases')).map((name) => parseCase(fixture, name)))
  .filter((c): c is Case => c !== null);

const exact = (value: bigint): number | bigint => (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value);

describe('formatPmap() = pmap, per recorded fixture case', () => {
  it('covers every mode', () => {
    expect(new Set(CASES.map((c) => c.mode))).toEqual(new Set(['', 'x', 'd', 'X', 'XX']));
  });
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const range = c.range ? { low: exact(c.range.low), high: exact(c.range.high) } : undefined;
    const options = { quiet: c.quiet, showPath: c.showPath, bytes: true, ...(range ? { range } : {}) };
    const text = c.pids.map((pid) => formatPmap(readProcess(pid, { procRoot: c.tree }), c.mode, options)).join('');
    expect(text).toBe(c.stdout);
  });
});

describe('the API\'s errors and helpers', () => {
  it('throws typed errors with a code', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tspmap-api-errors-'));
    try {
      const caught = (f: () => unknown): unknown => { try { f(); } catch (error) { return error; } return null; };
      const invalid = caught(() => readProcess(-1));
      expect(invalid).toBeInstanceOf(InvalidPidError);
      expect(invalid).toBeInstanceOf(TspmapError);
      expect(invalid).toMatchObject({ code: 'INVALID_PID', pid: -1, message: 'invalid PID: -1' });
      expect(caught(() => readProcess(4242, { procRoot: empty }))).toMatchObject({ code: 'NOT_FOUND', pid: 4242 });
      expect(caught(() => readProcess(4242, { procRoot: empty }))).toBeInstanceOf(ProcessNotFoundError);
      const info = readProcess(process.pid);
      const unreadable = caught(() => formatPmap({ ...info, raw: { maps: null, smaps: null }, errors: { maps: 'EACCES' } }, 'd'));
      expect(unreadable).toBeInstanceOf(UnreadableError);
      expect(unreadable).toMatchObject({ code: 'UNREADABLE', file: 'maps', errno: 'EACCES', message: `cannot read /proc/${info.tgid}/maps: Permission denied` });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('colours without a chalk instance, only adding SGR sequences', () => {
    const plain = formatPmap(readProcess(process.pid), 'x');
    const painted = colorize(plain, 'extended', 1);
    expect(painted).not.toBe(plain);
    expect(painted.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
    expect(colorize(plain, 'extended', 0)).toBe(plain);
  });

  it('totals() gives numbers, with exact bigints only when a sum passes 2^53', () => {
    // pmap -X's totals row for 4242 (the first process of the recorded case): Size, Rss, Pss.
    const recorded = readFileSync(join(FIXTURES, 'hm-huge', 'cases', 'X', 'stdout'), 'latin1').split('\n')[10]!.trim().split(/ +/);
    const huge = totals(readProcess(4242, { procRoot: join(FIXTURES, 'hm-huge', 'tree') }));
    expect([huge.exact?.Size, huge.exact?.Rss, huge.exact?.Pss]).toEqual(recorded.slice(0, 3).map(BigInt));
    expect(huge.kB.Rss).toBe(Number(huge.exact!.Rss));
    const me = totals(readProcess(process.pid));
    expect(typeof me.kB.Rss).toBe('number');
    expect(me.exact).toBeUndefined();
  });
});
