/**
 * The metrics collector over recorded /proc trees and a controlled clock:
 * its sums agree with real pmap's -X totals recorded over the same trees,
 * a process is re-read at most once per interval but at once when its PID
 * is reused (new start time), and a deadline publishes what was read.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Collector, CollectorOptions } from '../src/cli/metrics-collect.js';
import { ProcFS } from '../src/proc/procfs.js';
import { totalOf } from '../src/format/metrics-usage.js';
import { REPO_ROOT, TSPMAP_BIN } from './helpers/run.js';

const FIXTURES = join(REPO_ROOT, 'fixtures');

/** pmap -X's closing totals line, by column name (Size, Rss, Pss, Swap, SwapPss...). */
function xTotals(stdout: string): Map<string, number> {
  const lines = stdout.split('\n').filter(Boolean);
  const header = lines.find((line) => line.trimStart().startsWith('Address'))!.trim().split(/\s+/);
  const totals = lines[lines.length - 1]!.trim().split(/\s+/).slice(0, -1);
  // The totals line starts at the Size column.
  const columns = header.slice(header.indexOf('Size'), header.indexOf('Size') + totals.length);
  return new Map(columns.map((name, index) => [name, Number(totals[index])]));
}

/** Fixtures with a recorded `pmap -X PID` of one process and no special environment. */
function singleProcessXCases(): Array<{ fixture: string; pid: string; stdout: string }> {
  if (!existsSync(FIXTURES)) return [];
  return readdirSync(FIXTURES).sort().flatMap((fixture) => {
    const dir = join(FIXTURES, fixture, 'cases', 'X');
    if (!existsSync(join(dir, 'argv')) || existsSync(join(dir, 'env'))) return [];
    const argv = JSON.parse(readFileSync(join(dir, 'argv'), 'utf8')) as string[];
    if (argv.length !== 2 || argv[0] !== '-X') return [];
    const stdout = readFileSync(join(dir, 'stdout'), 'latin1');
    if (stdout.includes('Address') === false) return [];
    return [{ fixture, pid: argv[1]!, stdout }];
  });
}

function sumSeries(text: string, metric: string): number {
  return text.split('\n').filter((line) => line.startsWith(`${metric}{`)).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('tspmap metrics over recorded trees agrees with pmap -X', () => {
  const cases = singleProcessXCases();
  it('has cases to compare', () => expect(cases.length).toBeGreaterThan(0));
  for (const { fixture, pid, stdout } of cases) {
    it(`${fixture}: Size, Rss, Pss and Swap totals`, () => {
      const run = spawnSync(process.execPath, [TSPMAP_BIN, 'metrics', '--proc-root', join(FIXTURES, fixture, 'tree'), pid], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      const totals = xTotals(stdout);
      for (const [column, metric] of [['Size', 'tspmap_size_bytes'], ['Rss', 'tspmap_rss_bytes'], ['Pss', 'tspmap_pss_bytes'], ['Swap', 'tspmap_swap_bytes'], ['SwapPss', 'tspmap_swap_pss_bytes']] as const) {
        if (totals.has(column)) expect([fixture, column, sumSeries(run.stdout, metric)]).toEqual([fixture, column, totals.get(column)! * 1024]);
      }
    });
  }
});

function collector(root: string, overrides: Partial<CollectorOptions> = {}): { collector: Collector; notices: string[] } {
  const notices: string[] = [];
  const options: CollectorOptions = {
    fs: new ProcFS(root), pids: null, grouping: { matchers: [], template: '{{.Comm}}' }, perPid: false, rollup: false,
    intervalMs: 0, deadlineMs: null, notice: (line) => notices.push(line), ...overrides,
  };
  return { collector: new Collector(options), notices };
}

describe('the collector cache and deadline', () => {
  const tree = mkdtempSync(join(tmpdir(), 'tspmap-collect-'));
  cpSync(join(FIXTURES, 'bash', 'tree'), tree, { recursive: true });
  const pss = async (c: Collector, clock: () => number) => totalOf({ byCategory: (await c.collect(clock)).groups[0]!.byCategory, mappings: 0, resident: { anon: 0, file: 0, shmem: 0 } }).pss;
  const doubleSmapsPss = () => {
    const path = join(tree, '24904', 'smaps');
    writeFileSync(path, readFileSync(path, 'latin1').replace(/^Pss: +(\d+) kB$/gm, (_line, kb: string) => `Pss: ${Number(kb) * 2} kB`), 'latin1');
  };

  it('re-reads a process at most once per interval, and at once when its start time changes', async () => {
    let now = 1_000_000;
    const { collector: c } = collector(tree, { intervalMs: 10_000 });
    const first = await pss(c, () => now);
    doubleSmapsPss();
    now += 5_000;
    expect(await pss(c, () => now)).toBe(first);
    const statPath = join(tree, '24904', 'stat');
    writeFileSync(statPath, readFileSync(statPath, 'latin1').replace(' 77127 ', ' 77128 '), 'latin1');
    expect(await pss(c, () => now)).toBe(first * 2);
  });

  it('stops at its deadline: cached processes are published, the rest are counted unread', async () => {
    let now = 0;
    const ticking = () => (now += 1000);
    const cold = collector(tree, { deadlineMs: 500 }).collector;
    const partial = await cold.collect(ticking);
    expect([partial.partial, partial.unreadAtDeadline, partial.groups.length, partial.deadlineExceededTotal]).toEqual([true, 1, 0, 1]);
    const { collector: warm } = collector(tree, { deadlineMs: 500 });
    await warm.collect(() => 0);
    const fromCache = await warm.collect(ticking);
    expect([fromCache.partial, fromCache.unreadAtDeadline, fromCache.groups[0]!.processes]).toEqual([true, 0, 1]);
  });

  it('falls back to smaps with one notice where the tree has no smaps_rollup', async () => {
    const { collector: c, notices } = collector(tree, { rollup: true });
    const collected = await c.collect();
    expect(notices).toEqual(['this kernel has no smaps_rollup; reading smaps']);
    expect([...collected.groups[0]!.byCategory.keys()]).not.toContain('all');
    rmSync(tree, { recursive: true, force: true });
  });
});

describe('serve: one scrape in flight', () => {
  it('gives requests that overlap a running scrape its result, and starts a new one after it', async () => {
    const { sharedScraper } = await import('../src/cli/serve.js');
    const tree = join(FIXTURES, 'bash', 'tree');
    const { collector: real } = collector(tree);
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const counting = {
      collect: async () => {
        calls++;
        await gate;
        return real.collect();
      },
    };
    const logged: string[] = [];
    const scraper = sharedScraper(counting, false, (line) => logged.push(line));
    const overlapping = [scraper.scrape(), scraper.scrape(), scraper.scrape()];
    release();
    const bodies = await Promise.all(overlapping);
    expect(calls).toBe(1);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain('tspmap_processes{group="bash"} 1\n');
    await scraper.scrape();
    expect(calls).toBe(2);
    expect(logged).toEqual([]);
  });
});
