/**
 * `tspmap report` in a real browser: Debian's headless Chromium, driven by
 * playwright-core, opens the page from a file:// URL with every request
 * watched (and any that would leave aborted). The page must make none, log
 * no console error, and show the totals real pmap -X printed for the same
 * snapshot, with one treemap leaf, strip piece and table row per item of
 * its data. Screenshots are kept in test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tspmap.js');
const FIXTURES = join(ROOT, 'fixtures');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.TSPMAP_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`NOTICE: ${CHROMIUM} is missing: the report's browser tests are skipped (apt-get install chromium)`);

const scratch = mkdtempSync(join(tmpdir(), 'tspmap-report-'));

function tspmap(args: string[]): { stdout: string; stderr: string; status: number } {
  const run = spawnSync(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status ?? -1 };
}

/** pmap -X's totals line (one process): column name to value. */
function xTotals(stdout: string): Map<string, number> {
  const lines = stdout.trim().split('\n');
  const header = lines[1]!.trim().split(/\s+/);
  const names = header.slice(header.indexOf('Inode') + 1).filter((w) => w !== 'Mapping' && w !== 'VmFlags');
  const values = lines[lines.length - 1]!.trim().split(/\s+/).slice(0, -1).map(Number);
  return new Map(names.map((name, i) => [name, values[i]!]));
}

interface Visit {
  page: Page;
  requests: string[];
  errors: string[];
  data: any;
}

let browser: Browser | null = null;

beforeAll(async () => {
  if (!haveChromium) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // playwright gives the browser a fresh temporary profile (--user-data-dir) itself.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function visit(file: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Visit> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 1000 }, colorScheme, offline: true });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const errors: string[] = [];
  // Every request is seen here; anything but the page itself is recorded and refused.
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (target === url) return route.continue();
    requests.push(target);
    return route.abort();
  });
  page.on('request', (request) => { if (request.url() !== url && !requests.includes(request.url())) requests.push(request.url()); });
  page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 20000 });
  const data = JSON.parse((await page.textContent('#report-data'))!);
  return { page, requests, errors, data };
}

function leafCount(node: { children?: any[] }): number {
  return node.children ? node.children.reduce((acc: number, child: any) => acc + leafCount(child), 0) : 1;
}

const nodeFixture = join(FIXTURES, 'node');

describe.skipIf(!haveChromium)('the report in headless Chromium', () => {
  it('shows what pmap -X printed for the recorded node process, offline', async () => {
    const file = join(scratch, 'node.html');
    const run = tspmap(['report', '--proc-root', join(nodeFixture, 'tree'), '26117', '-o', file]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { page, requests, errors, data } = await visit(file);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const section = page.locator('section.process[data-pid="26117"]');
    const shown = async (key: string): Promise<number> => Number(await section.locator(`.total-${key}`).getAttribute('data-value'));
    // The recorded pmap -X (real procps-ng pmap over the same tree).
    const X = xTotals(readFileSync(join(nodeFixture, 'cases', 'X', 'stdout'), 'latin1'));
    expect(await shown('size')).toBe(X.get('Size'));
    expect(await shown('rss')).toBe(X.get('Rss'));
    expect(await shown('pss')).toBe(X.get('Pss'));
    expect(await shown('swap')).toBe(X.get('Swap'));
    // And what --summary says, row by row.
    const summary = JSON.parse(tspmap(['--json', '--summary', '--proc-root', join(nodeFixture, 'tree'), '26117']).stdout).processes[0].summary;
    const rows = await section.locator('table.summary-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td, i) => (i === 0 ? td.textContent : Number(td.getAttribute('data-value'))))));
    expect(rows).toEqual(summary.categories.map((c: any) => [c.category, c.size, c.rss, c.pss, c.private, c.shared, c.swap, c.mappings]));
    expect(await section.locator('table.summary-table tfoot td').last().textContent()).toBe(String(summary.total.mappings));
    // One element per item of the page's data.
    const report = data.processes[0];
    expect(await section.locator('.tm-leaf').count()).toBe(leafCount(report.tree));
    expect(await section.locator('.tm-cat').count()).toBe(report.tree.children.length);
    expect(await section.locator('.strip-piece').count()).toBe(report.strip.pieces.length);
    expect(await section.locator('.strip-gap').count()).toBe(report.strip.gaps.length);
    expect(await section.locator('.strip-piece[data-category="reserved"]').count()).toBeGreaterThan(0);
    expect(await section.locator('.strip-largest').textContent()).toMatch(/^largest free gap \d/);
    expect(await section.locator('table.object-table tbody tr').count()).toBe(report.objects.length);
    // Hover shows a mapping's details.
    await section.locator('.tm-leaf').first().hover();
    expect(await page.locator('.tip').textContent()).toMatch(/-[0-9a-f]+ [r-][w-][x-][ps] · RSS \d+ kB · PSS \d+ kB/);
    // Sorting by RSS, then reversed.
    const rss = (): Promise<number[]> => section.locator('table.summary-table tbody tr td:nth-child(3)').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
    await section.locator('table.summary-table th', { hasText: 'RSS' }).click();
    const descending = await rss();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    await section.locator('table.summary-table th', { hasText: 'RSS' }).click();
    const ascending = await rss();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect(await page.locator('#timeline').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'report-node-fixture.png'), fullPage: true });
    await page.context().close();
  });

  it('is readable in the dark scheme', async () => {
    const file = join(scratch, 'node.html');
    const { page, errors } = await visit(file, 'dark');
    expect(errors).toEqual([]);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const text = await page.evaluate(() => getComputedStyle(document.body).color);
    expect(background).toBe('rgb(19, 20, 22)');
    expect(text).toBe('rgb(232, 232, 232)');
    await page.screenshot({ path: join(ARTIFACTS, 'report-node-dark.png') });
    await page.context().close();
  });

  describe('a live process read several times', () => {
    let child: ChildProcess;
    beforeAll(async () => {
      // A node process that grows an array between samples.
      child = spawn(process.execPath, ['-e', 'const keep=[]; setInterval(()=>keep.push(Buffer.alloc(1<<20,1)),100); console.log("ready")'], { stdio: ['ignore', 'pipe', 'ignore'] });
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    });
    afterAll(() => { child.kill('SIGKILL'); });

    it('draws the stacked timeline and the top growers', async () => {
      const file = join(scratch, 'live.html');
      const run = tspmap(['report', String(child.pid), '--samples', '4', '--every', '0.4', '-o', file]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const { page, requests, errors, data } = await visit(file);
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
      expect(data.timeline.times.length).toBe(4);
      expect(await page.locator('#timeline canvas').count()).toBeGreaterThan(0);
      const series = Object.keys(data.timeline.series).filter((c) => data.timeline.series[c].some((v: number) => v > 0));
      // uPlot's legend: the x axis plus one entry per category drawn.
      expect(await page.locator('#timeline .u-legend .u-series').count()).toBe(series.length + 1);
      expect(data.growers.length).toBeGreaterThan(0);
      expect(await page.locator('table.growers tbody tr').count()).toBe(data.growers.length);
      // The last sample's totals are what the page heads with.
      const report = data.processes[0];
      expect(Number(await page.locator('.total-rss').getAttribute('data-value'))).toBe(report.total.rss);
      expect(statSync(file).size).toBeLessThan(1 << 20);
      await page.screenshot({ path: join(ARTIFACTS, 'report-live.png'), fullPage: true });
      // The first screen (header, treemap, strip): docs/report.png is one of these.
      await page.screenshot({ path: join(ARTIFACTS, 'report-live-top.png') });
      await page.context().close();
    }, 60000);
  });
});

describe('tspmap report arguments', () => {
  it('needs -o', () => {
    const run = tspmap(['report', '1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("tspmap report: required option '-o, --output <file>' not specified\n");
  });

  it('refuses what is not a PID, and a missing process, in one line', () => {
    const bad = tspmap(['report', 'abc', '-o', join(scratch, 'x.html')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe("tspmap report: 'abc' is not a PID (snapshot files come from tspmap record)\n");
    const missing = tspmap(['report', '--proc-root', join(nodeFixture, 'tree'), '999999', '-o', join(scratch, 'x.html')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('tspmap report: process 999999 not found\n');
    expect(existsSync(join(scratch, 'x.html'))).toBe(false);
  });

  it('says when the file cannot be written', () => {
    const run = tspmap(['report', '--proc-root', join(nodeFixture, 'tree'), '26117', '-o', join(scratch, 'no', 'such', 'dir.html')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`tspmap report: cannot write ${join(scratch, 'no', 'such', 'dir.html')}: No such file or directory\n`);
  });

  it('keeps a 5000-mapping process small', () => {
    const file = join(scratch, 'many.html');
    const pid = readFileSync(join(FIXTURES, 'many-maps', 'cases', 'X', 'argv'), 'utf8').match(/\d+/)![0];
    expect(tspmap(['report', '--proc-root', join(FIXTURES, 'many-maps', 'tree'), pid, '-o', file]).status).toBe(0);
    expect(statSync(file).size).toBeLessThan(300 * 1024);
  });
});
