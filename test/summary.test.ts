/**
 * --summary: its totals agree with real pmap's -x (Kbytes, RSS) and -X/-XX
 * (Rss, Pss, Swap, Private_*, Shared_*) recorded over the same fixture
 * trees (scripts/record.sh runs /usr/bin/pmap with the tree bind-mounted on
 * /proc), for one and several PIDs; and the table itself.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, summarize } from '../src/format/summary.js';
import { parseSmapsDetailed } from '../src/format/json.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tspmap.js');
const FIXTURES = join(ROOT, 'fixtures');
const MASK = (1n << 64n) - 1n;

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: 'C.UTF-8', ...extra };
  return env;
}

function tspmap(args: string[], env = cleanEnv()): { stdout: string; stderr: string; status: number } {
  const run = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'latin1', maxBuffer: 1 << 30 });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status ?? -1 };
}

interface Case {
  fixture: string;
  args: string[];
  x: string;
  X: string;
  XX: string | null;
}

/** Fixtures whose x and X cases were recorded with the same PID list. */
function cases(): Case[] {
  if (!existsSync(FIXTURES)) return [];
  const found: Case[] = [];
  for (const fixture of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, fixture, 'cases');
    const read = (id: string): { argv: string[]; stdout: string } | null => {
      const caseDir = join(dir, id);
      if (!existsSync(join(caseDir, 'argv')) || existsSync(join(caseDir, 'env'))) return null;
      return {
        argv: JSON.parse(readFileSync(join(caseDir, 'argv'), 'utf8')) as string[],
        stdout: readFileSync(join(caseDir, 'stdout'), 'latin1'),
      };
    };
    const x = read('x');
    const X = read('X');
    const XX = read('XX');
    if (!x || !X || x.argv[0] !== '-x' || X.argv[0] !== '-X') continue;
    const args = x.argv.slice(1);
    if (JSON.stringify(args) !== JSON.stringify(X.argv.slice(1))) continue;
    const sameXX = XX && JSON.stringify(XX.argv.slice(1)) === JSON.stringify(args);
    found.push({ fixture, args, x: x.stdout, X: X.stdout, XX: sameXX ? XX.stdout : null });
  }
  return found;
}

/** pmap's output split at its "PID:   command" header lines. */
function blocks(text: string): string[][] {
  const found: string[][] = [];
  for (const line of text.split('\n')) {
    if (/^\d+:   /.test(line)) found.push([]);
    else found[found.length - 1]?.push(line);
  }
  return found;
}

/** pmap -x footers: one "total kB" line per process. */
function extendedTotals(text: string): Array<{ kbytes: bigint; rss: bigint }> {
  return blocks(text).map((lines) => {
    const footer = lines.find((line) => line.startsWith('total kB'));
    expect(footer).toBeDefined();
    const [, , kbytes, rss] = footer!.split(/\s+/);
    return { kbytes: BigInt(kbytes!), rss: BigInt(rss!) };
  });
}

/**
 * pmap -X/-XX totals per process, or null for a process pmap printed none
 * for. pmap keeps these totals across PIDs, so each process's own totals
 * are the differences from the previous ones (modulo 2^64).
 */
function tableTotals(text: string): Array<Map<string, bigint> | null> {
  let header: string[] = [];
  let previous = new Map<string, bigint>();
  return blocks(text).map((lines) => {
    let totals: Map<string, bigint> | null = null;
    for (const line of lines) {
      const words = line.trim().split(/\s+/);
      if (words[0] === 'Address' && words[1] === 'Perm') {
        header = words.slice(words.indexOf('Inode') + 1).filter((w) => w !== 'Mapping' && w !== 'VmFlags');
      } else if (words[words.length - 1] === 'KB' && words.slice(0, -1).every((w) => /^\d+$/.test(w))) {
        const values = words.slice(0, -1).map((w) => BigInt(w));
        expect(values.length).toBe(header.length);
        const cumulative = new Map(header.map((name, i) => [name, values[i]!]));
        totals = new Map([...cumulative].map(([key, value]) => [key, (value - (previous.get(key) ?? 0n)) & MASK]));
        previous = cumulative;
      }
    }
    return totals;
  });
}

interface JsonUsage {
  size: number; rss: number; pss: number; private: number; shared: number; swap: number; mappings: number;
}

/** --json --summary parsed keeping every digit of big numbers. */
function summaries(c: Case): Array<{ pid: number; tgid: number; total: Record<keyof JsonUsage, bigint>; categories: Array<Record<string, unknown>>; objects: Array<Record<string, unknown>> } | null> {
  const run = tspmap(['--json', '--summary', '--proc-root', join(FIXTURES, c.fixture, 'tree'), ...c.args]);
  expect(run.stderr).toBe('');
  const bigText = Buffer.from(run.stdout, 'latin1').toString('utf8').replace(/:(\d{16,})/g, ':"$1"');
  const doc = JSON.parse(bigText) as { processes: Array<Record<string, any>> };
  return doc.processes.map((entry) => {
    if (entry.error) return null;
    const total = Object.fromEntries(Object.entries(entry.summary.total).map(([k, v]) => [k, BigInt(v as string)]));
    return { pid: entry.pid, tgid: entry.tgid as number, total: total as Record<keyof JsonUsage, bigint>, categories: entry.summary.categories, objects: entry.summary.objects };
  });
}

const ALL = cases();
let comparedWithX = 0;

describe('--summary totals agree with real pmap on the same snapshot', () => {
  it('has fixtures to compare with', () => {
    expect(ALL.length).toBeGreaterThan(5);
    expect(ALL.some((c) => extendedTotals(c.x).length > 1)).toBe(true);
  });

  for (const c of ALL) {
    it(`${c.fixture}: ${c.args.join(' ')}`, () => {
      const found = summaries(c).filter((s): s is NonNullable<typeof s> => s !== null);
      const x = extendedTotals(c.x);
      const X = tableTotals(c.X);
      const XX = c.XX ? tableTotals(c.XX) : null;
      expect(found.length).toBe(x.length);
      expect(found.length).toBe(X.length);
      found.forEach((summary, i) => {
        // pmap -x: "total kB" Kbytes and RSS.
        expect(summary.total.size).toBe(x[i]!.kbytes);
        expect(summary.total.rss).toBe(x[i]!.rss);
        // pmap -X: the smaps sums (pmap prints none for an empty process).
        // pmap -X reads at most 20 digits where -x saturates like strtoull;
        // only hand-made trees hold such values, and those fields are skipped.
        const table = X[i];
        const smapsPath = join(FIXTURES, c.fixture, 'tree', String(summary.tgid), 'smaps');
        // A smaps that is a directory reads as empty, as it does for pmap.
        const smaps = statSync(smapsPath).isDirectory() ? '' : readFileSync(smapsPath, 'latin1');
        const comparable = (field: string): boolean => !new RegExp(`^${field}:\\s*\\d{21,}`, 'm').test(smaps);
        if (table) {
          comparedWithX++;
          expect(summary.total.rss).toBe(table.get('Rss'));
          if (table.has('Pss') && comparable('Pss')) expect(summary.total.pss).toBe(table.get('Pss'));
          if (table.has('Swap') && comparable('Swap')) expect(summary.total.swap).toBe(table.get('Swap'));
        }
        const full = XX?.[i];
        if (full?.has('Private_Clean')) {
          expect(summary.total.private).toBe((full.get('Private_Clean')! + full.get('Private_Dirty')!) & MASK);
          expect(summary.total.shared).toBe((full.get('Shared_Clean')! + full.get('Shared_Dirty')!) & MASK);
        }
        // The breakdowns account for every mapping and all of the RSS.
        const sum = (rows: Array<Record<string, unknown>>, key: string): bigint =>
          rows.reduce((acc, row) => (acc + BigInt(row[key] as string)) & MASK, 0n);
        for (const rows of [summary.categories, summary.objects]) {
          expect(sum(rows, 'mappings')).toBe(summary.total.mappings);
          expect(sum(rows, 'rss')).toBe(summary.total.rss);
          expect(sum(rows, 'pss')).toBe(summary.total.pss);
        }
      });
    });
  }

  it('compared with -X totals for most processes', () => {
    expect(comparedWithX).toBeGreaterThan(ALL.length / 2);
  });
});

describe('summarize()', () => {
  const smaps = [
    '00400000-00401000 r-xp 00000000 fe:01 12 /usr/bin/app',
    'Size: 4 kB', 'Rss: 4 kB', 'Pss: 2 kB', 'Shared_Clean: 4 kB', 'Shared_Dirty: 0 kB', 'Private_Clean: 0 kB', 'Private_Dirty: 0 kB', 'Swap: 0 kB',
    '00401000-00403000 rw-p 00001000 fe:01 12 /usr/bin/app',
    'Size: 8 kB', 'Rss: 8 kB', 'Pss: 8 kB', 'Shared_Clean: 0 kB', 'Shared_Dirty: 0 kB', 'Private_Clean: 0 kB', 'Private_Dirty: 8 kB', 'Swap: 0 kB',
    '01000000-01100000 rw-p 00000000 00:00 0 [heap]',
    'Size: 1024 kB', 'Rss: 900 kB', 'Pss: 900 kB', 'Shared_Clean: 0 kB', 'Shared_Dirty: 0 kB', 'Private_Clean: 0 kB', 'Private_Dirty: 900 kB', 'Swap: 100 kB',
    '7f0000000000-7f0000010000 rw-s 00000000 00:01 32769 /SYSV0000abcd (deleted)',
    'Size: 64 kB', 'Rss: 64 kB', 'Pss: 32 kB', 'Shared_Clean: 0 kB', 'Shared_Dirty: 64 kB', 'Private_Clean: 0 kB', 'Private_Dirty: 0 kB', 'Swap: 0 kB',
    '7f0000010000-7f0000020000 rw-p 00000000 00:00 0 ',
    'Size: 64 kB', 'Rss: 12 kB', 'Pss: 12 kB', 'Shared_Clean: 0 kB', 'Shared_Dirty: 0 kB', 'Private_Clean: 0 kB', 'Private_Dirty: 12 kB', 'Swap: 4 kB',
    '7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 ',
    'Size: 132 kB', 'Rss: 16 kB', 'Pss: 16 kB', 'Shared_Clean: 0 kB', 'Shared_Dirty: 0 kB', 'Private_Clean: 0 kB', 'Private_Dirty: 16 kB', 'Swap: 0 kB',
    'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]',
    'Size: 4 kB', 'Rss: 0 kB', 'Pss: 0 kB', 'Shared_Clean: 0 kB', 'Shared_Dirty: 0 kB', 'Private_Clean: 0 kB', 'Private_Dirty: 0 kB', 'Swap: 0 kB',
    '',
  ].join('\n');
  // The stack start from stat lies in the unnamed mapping at 7ffc00000000.
  const summary = summarize(parseSmapsDetailed(smaps), 0x7ffc00020f00);

  it('splits by category, sorted by RSS', () => {
    expect(summary.categories.map((row) => [row.category, row.rss, row.mappings])).toEqual([
      ['heap', 900, 1], ['shmem', 64, 1], ['stack', 16, 1], ['anon', 12, 1],
      ['data', 8, 1], ['code', 4, 1], ['kernel', 0, 1],
    ]);
    expect(summary.categories.every((row) => CATEGORIES.includes(row.category))).toBe(true);
    expect(summary.total).toEqual({ size: 1300, rss: 1004, pss: 970, private: 936, shared: 68, swap: 104, mappings: 7 });
  });

  it('groups each file into one object and labels the rest', () => {
    expect(summary.objects.map((row) => [row.object, row.kind, row.size, row.rss, row.private, row.shared])).toEqual([
      ['[heap]', 'heap', 1024, 900, 900, 0],
      ['[shmid=0x8001]', 'shm', 64, 64, 0, 64],
      ['main stack', 'stack', 132, 16, 16, 0],
      // A tie on RSS goes to the larger mapping.
      ['[anon]', 'anon', 64, 12, 12, 0],
      ['/usr/bin/app', 'file', 12, 12, 8, 4],
      ['vsyscall', 'vsyscall', 4, 0, 0, 0],
    ]);
  });
});

describe('--summary text', () => {
  const tree = join(FIXTURES, 'multi', 'tree');
  const haveMulti = existsSync(join(FIXTURES, 'multi', 'cases', 'x', 'argv'));

  it.runIf(haveMulti)('prints a header and tables per process, a combined table, and pmap exit status 42', () => {
    const args = (JSON.parse(readFileSync(join(FIXTURES, 'multi', 'cases', 'x', 'argv'), 'utf8')) as string[]).slice(1);
    const run = tspmap(['--summary', '--proc-root', tree, ...args]);
    const expectedStatus = Number(readFileSync(join(FIXTURES, 'multi', 'cases', 'x', 'status'), 'utf8'));
    expect(run.status).toBe(expectedStatus);
    const text = Buffer.from(run.stdout, 'latin1').toString('utf8');
    // The same header lines pmap prints, in the same order.
    const pmapHeaders = readFileSync(join(FIXTURES, 'multi', 'cases', 'x', 'stdout'), 'utf8').split('\n').filter((l) => /^\d+:   /.test(l));
    expect(text.split('\n').filter((l) => /^\d+:   /.test(l))).toEqual(pmapHeaders);
    // Each "total" row of a category table matches pmap -x's totals.
    const totals = text.split('\n').filter((l) => /^│ total\b/.test(l)).map((l) => l.split('│').map((c) => c.trim()));
    const x = extendedTotals(readFileSync(join(FIXTURES, 'multi', 'cases', 'x', 'stdout'), 'latin1'));
    // Two tables (category, object) per process, then the combined table.
    expect(totals.length).toBe(2 * x.length + 1);
    x.forEach((t, i) => {
      expect(totals[2 * i]![2]).toBe(String(t.kbytes));
      expect(totals[2 * i]![3]).toBe(String(t.rss));
      expect(totals[2 * i + 1]![2]).toBe(String(t.kbytes));
    });
    const combined = totals[totals.length - 1]!;
    expect(combined[2]).toBe(String(x.reduce((a, t) => a + t.kbytes, 0n)));
    expect(text).toContain(`all ${x.length} processes:`);
    expect(text.split('\n')[1]).toMatch(/^┌─+┬/);
    expect(text.split('\n')[2]).toMatch(/^│ Category \(kB\) +│ +Size │ +RSS │ +PSS │ Private │ Shared │ Swap │ Maps │$/);
  });

  it.runIf(haveMulti)('uses ASCII borders outside a UTF-8 locale', () => {
    const run = tspmap(['--summary', '--proc-root', tree, '29708'], cleanEnv({ LANG: 'C' }));
    expect(run.stdout).toMatch(/^29708:   sleep 100000\n\+-+\+/);
    expect(/[^\x00-\x7f]/.test(run.stdout)).toBe(false);
  });

  it('reports an unreadable smaps with status 1 and a missing PID with 42', () => {
    const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
    const pid = join(dir, '777');
    execFileSync('mkdir', ['-p', pid]);
    execFileSync('sh', ['-c', `printf 'Name:\\tx\\nTgid:\\t777\\n' > ${pid}/status; printf '777 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1 1 1 1 1 1 1' > ${pid}/stat; printf 'x\\0' > ${pid}/cmdline`]);
    const run = tspmap(['--summary', '--proc-root', dir, '777']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('777:   x\n');
    expect(run.stderr).toBe('tspmap: cannot read /proc/777/smaps: No such file or directory\n');
    expect(tspmap(['--summary', '--proc-root', dir, '777', '778']).status).toBe(43);
    execFileSync('rm', ['-rf', dir]);
  });
});
