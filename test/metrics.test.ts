/**
 * `tspmap metrics` and `tspmap serve` against the real things: promtool
 * checks the exposition, a real Prometheus scrapes `tspmap serve` and must
 * store the PSS that `tspmap --json --summary` reads from the same frozen
 * child, and node_exporter's textfile collector must publish a file written
 * by `tspmap metrics -o`. Each tool is skipped with a visible notice only
 * where its Debian package is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TSPMAP_BIN } from './helpers/run.js';
import { SYSTEM_PYTHON, Server, freePort, frozenPrivateChild, get, have, startServer, waitFor } from './helpers/servers.js';

const TAG = `tspmap-test-${randomBytes(4).toString('hex')}`;
/**
 * The child runs with "TAG-child" in its command line. Go's named-group
 * syntax, as a process-exporter user would write it; the "[d]" keeps the
 * regex from matching tspmap's own command line, which contains it.
 */
const MATCH = ['--match', `(?P<tag>${TAG})-chil[d]`, '--name-template', '{{.Matches.tag}}'];
/** This test process's group under the default {{.Comm}} template. */
const OWN_GROUP = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
const HAS_PYTHON = existsSync(SYSTEM_PYTHON) && have('ldd');

function tspmap(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync(process.execPath, [TSPMAP_BIN, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28 });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

/** The child's total PSS in bytes as `tspmap --json --summary` reports it. */
function summaryPssBytes(pid: number): number {
  const run = tspmap(['--json', '--summary', String(pid)]);
  expect(run.status).toBe(0);
  const document = JSON.parse(run.stdout) as { processes: Array<{ summary: { total: { pss: number } } }> };
  return document.processes[0]!.summary.total.pss * 1024;
}

/** Sum of one metric's samples whose label set includes `group="G"`. */
function sumOf(text: string, metric: string, group: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) && line.includes(`group="${group}"`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

let child: { pid: number; kill: () => void } | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'tspmap-metrics-'));

beforeAll(async () => {
  if (HAS_PYTHON) child = await frozenPrivateChild(`${TAG}-child`);
  else console.warn('metrics.test: python3 not installed; the frozen-child comparisons are skipped');
});

afterAll(() => {
  child?.kill();
  rmSync(scratch, { recursive: true, force: true });
});

describe('tspmap metrics: the exposition text', () => {
  it('keeps HELP/TYPE once per metric before its grouped samples, uses the prefix and ends in a newline', () => {
    const run = tspmap(['metrics', '--all']);
    expect(run.status).toBe(0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    const seen = new Set<string>();
    let current = '';
    for (const line of run.stdout.split('\n').filter(Boolean)) {
      const [, kind, name] = /^# (HELP|TYPE) (\S+)/.exec(line) ?? [];
      const metric = name ?? /^([a-z_]+)/.exec(line)![1]!;
      expect(metric.startsWith('tspmap_')).toBe(true);
      if (kind === 'HELP') {
        expect(seen.has(metric)).toBe(false);
        seen.add(metric);
        current = metric;
      } else {
        expect(metric).toBe(current);
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['tspmap_pss_bytes', 'tspmap_uss_bytes', 'tspmap_swap_pss_bytes', 'tspmap_mappings_limit', 'tspmap_read_errors']));
  });

  it('escapes label values (a group named from a command line with a quote and a backslash)', () => {
    if (!HAS_PYTHON) return console.warn('metrics.test: python3 missing, escaping check skipped');
    const strange = tspmap(['metrics', '--match', `(?<tag>${TAG})-chil[d]`, '--name-template', 'a"b\\c{{.Matches.tag}}']);
    expect(strange.status).toBe(0);
    expect(strange.stdout).toContain(`tspmap_processes{group="a\\"b\\\\c${TAG}"} 1`);
  });

  it('fails in one line with status 1 on a bad regex, template or missing selection', () => {
    for (const args of [['--match', '('], ['--all', '--name-template', '{{.Nope}}'], []]) {
      const run = tspmap(['metrics', ...args]);
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toBe('');
    }
  });

  it.runIf(HAS_PYTHON)('publishes the frozen child with the PSS that --summary reads, from smaps and from smaps_rollup', () => {
    const expected = summaryPssBytes(child!.pid);
    const full = tspmap(['metrics', ...MATCH]);
    const rolled = tspmap(['metrics', '--rollup', ...MATCH]);
    const byPid = tspmap(['metrics', '--per-pid', String(child!.pid)]);
    expect(sumOf(full.stdout, 'tspmap_pss_bytes', TAG)).toBe(expected);
    expect(sumOf(rolled.stdout, 'tspmap_pss_bytes', TAG)).toBe(expected);
    expect(byPid.stdout).toContain(`pid="${child!.pid}"`);
    expect(full.stdout).toContain(`tspmap_processes{group="${TAG}"} 1`);
    expect(sumOf(full.stdout, 'tspmap_mappings', TAG)).toBe(readFileSync(`/proc/${child!.pid}/maps`, 'latin1').split('\n').length - 1);
  });

  it('returns 42 for a PID that does not exist and still writes the rest', () => {
    const run = tspmap(['metrics', String(process.pid), '2147483646']);
    expect(run.status).toBe(42);
    expect(run.stdout).toContain(`tspmap_processes{group="${OWN_GROUP}"} 1`);
  });
});

describe.skipIf(!have('promtool'))('promtool check metrics', () => {
  for (const extra of [['--all'], ['--all', '--rollup'], ['--all', '--per-pid']]) {
    it(`is clean on tspmap metrics ${extra.join(' ')}`, () => {
      const text = tspmap(['metrics', ...extra]).stdout;
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
      expect(check.stdout + check.stderr).toBe('');
      expect(check.status).toBe(0);
    });
  }

  it('passes the unit test of the README alert rules (docs/prometheus)', () => {
    const dir = join(import.meta.dirname, '..', 'docs', 'prometheus');
    const check = spawnSync('promtool', ['test', 'rules', 'tspmap-rules.test.yml'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(check.stdout).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });
});
if (!have('promtool')) console.warn('metrics.test: promtool not installed (Debian package prometheus); its checks are skipped');

describe('tspmap metrics -o FILE', () => {
  it('writes the file atomically, leaving no temporary file behind', () => {
    const dir = mkdtempSync(join(scratch, 'out-'));
    const run = tspmap(['metrics', '-o', join(dir, 'tspmap.prom'), String(process.pid)]);
    expect(run.status).toBe(0);
    expect(readdirSync(dir)).toEqual(['tspmap.prom']);
    expect(readFileSync(join(dir, 'tspmap.prom'), 'utf8')).toContain(`\ntspmap_processes{group="${OWN_GROUP}"} 1\n`);
  });

  it('reports an unwritable file in one line with status 1', () => {
    const run = tspmap(['metrics', '-o', join(scratch, 'no', 'such', 'dir.prom'), String(process.pid)]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^tspmap: cannot write '.*dir\.prom': ENOENT\n$/);
  });
});

describe.skipIf(!have('prometheus-node-exporter'))('node_exporter textfile collector', () => {
  it('publishes the series of a file written by tspmap metrics -o', async () => {
    const dir = mkdtempSync(join(scratch, 'textfile-'));
    expect(tspmap(['metrics', '-o', join(dir, 'tspmap.prom'), String(process.pid)]).status).toBe(0);
    const port = await freePort();
    const exporter = startServer('prometheus-node-exporter', [
      '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    try {
      const body = await waitFor('node_exporter /metrics', 20_000, async () => {
        const response = await get(`http://127.0.0.1:${port}/metrics`);
        return response.ok ? response.text() : undefined;
      });
      expect(body).toContain(`\ntspmap_processes{group="${OWN_GROUP}"} 1\n`);
      // node_exporter re-renders the series with its labels sorted.
      const heap = body.split('\n').find((line) => line.startsWith(`tspmap_pss_bytes{category="heap",group="${OWN_GROUP}"} `));
      expect(Number(heap?.split(' ').pop())).toBeGreaterThan(0);
      expect(body).toMatch(/^node_textfile_scrape_error 0$/m);
    } finally {
      await exporter.stop();
    }
  });
});
if (!have('prometheus-node-exporter')) console.warn('metrics.test: node_exporter not installed (Debian package prometheus-node-exporter); skipped');

describe.skipIf(!have('prometheus') || !HAS_PYTHON)('a real Prometheus scraping tspmap serve', () => {
  let serve: Server | undefined;
  let prometheus: Server | undefined;
  let servePort = 0;
  let promPort = 0;

  afterAll(async () => {
    await prometheus?.stop();
    await serve?.stop();
  });

  it('serves /healthz and /metrics with the Prometheus text content type', async () => {
    servePort = await freePort();
    serve = startServer(process.execPath, [TSPMAP_BIN, 'serve', '--listen', `127.0.0.1:${servePort}`, '--interval', '1', ...MATCH]);
    await waitFor('tspmap serve to listen', 15_000, async () => (serve!.log().includes('listening on') ? true : undefined));
    expect((await (await get(`http://127.0.0.1:${servePort}/healthz`)).text())).toBe('ok\n');
    const metrics = await get(`http://127.0.0.1:${servePort}/metrics`);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await metrics.text()).toContain(`tspmap_processes{group="${TAG}"} 1`);
  });

  it('stores the PSS that tspmap --summary reads from the frozen child', async () => {
    promPort = await freePort();
    const dir = mkdtempSync(join(scratch, 'prometheus-'));
    writeFileSync(join(dir, 'prometheus.yml'), [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s',
      'scrape_configs:', '  - job_name: tspmap', '    static_configs:', `      - targets: ['127.0.0.1:${servePort}']`, '',
    ].join('\n'));
    prometheus = startServer('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    const query = async (promql: string): Promise<number | undefined> => {
      const response = await get(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
      const value = body.data?.result?.[0]?.value[1];
      return value === undefined ? undefined : Number(value);
    };
    // A few scrape intervals' worth of samples, all successful.
    await waitFor('three scrapes stored by Prometheus', 45_000, async () => {
      const count = await query(`count_over_time(tspmap_processes{group="${TAG}"}[5m])`);
      return count !== undefined && count >= 3 ? count : undefined;
    });
    expect(await query('min_over_time(up{job="tspmap"}[5m])')).toBe(1);
    const promql = `sum(tspmap_pss_bytes{job="tspmap",group="${TAG}"})`;
    const stored = await query(promql);
    const summary = summaryPssBytes(child!.pid);
    console.info(`metrics.test: Prometheus ${promql} = ${stored}; tspmap --json --summary ${child!.pid}: total.pss ${summary / 1024} kB`);
    expect(stored).toBe(summary);
    expect(stored).toBeGreaterThan(8 << 20);
  });

  it('drains and exits 0 on SIGTERM', async () => {
    await prometheus?.stop();
    prometheus = undefined;
    expect(await serve!.stop()).toBe(0);
    expect(serve!.log()).toMatch(/^tspmap serve: listening on http:\/\/127\.0\.0\.1:\d+\/metrics\n$/);
    serve = undefined;
  });
});
if (!have('prometheus')) console.warn('metrics.test: prometheus not installed (Debian package prometheus); the scrape test is skipped');
