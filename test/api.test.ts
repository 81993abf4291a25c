/**
 * The library API: the built package imported by name from another
 * package (plain ESM and TypeScript), the README example run as is, and the
 * formatters agreeing with the CLI (and so with pmap) on the same process.
 */
import { useSleepingChild } from './helpers/subject.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidPidError, ProcessNotFoundError, formatDefault, formatDevice, formatExtended, formatJson, formatSummary, readProcess,
  summarizeProcess, toJson,
} from '../src/index.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tspmap.js');

function cli(args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, encoding: 'latin1' });
}

/** The code block under "<!-- example: api -->" in docs/extensions.md. */
function readmeExample(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'extensions.md'), 'utf8');
  const match = /<!-- example: api -->\n```js\n([\s\S]*?)```/.exec(doc);
  expect(match).not.toBeNull();
  return match![1]!;
}

describe('the package, imported by name from another package', () => {
  let consumer: string;
  beforeAll(() => {
    expect(existsSync(join(ROOT, 'dist', 'lib', 'index.js')), 'run npm run build first').toBe(true);
    consumer = mkdtempSync(join(tmpdir(), 'tspmap-consumer-'));
    mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
    symlinkSync(ROOT, join(consumer, 'node_modules', 'tspmap'));
    symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(consumer, 'node_modules', '@types', 'node'));
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  });
  afterAll(() => {
    rmSync(consumer, { recursive: true, force: true });
  });

  it('runs the README example', () => {
    writeFileSync(join(consumer, 'example.mjs'), readmeExample());
    const run = spawnSync(process.execPath, ['example.mjs'], { cwd: consumer, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/node example\.mjs \d+ mappings$/);
    expect(lines[1]).toMatch(/^total kB +\d+ +\d+ +\d+$/);
    const rss = Number(/^Rss (\d+) kB$/.exec(lines[2]!)![1]);
    // The JSON total is the -x footer's RSS for the same read.
    expect(rss).toBe(Number(lines[1]!.trim().split(/ +/)[3]));
    expect(rss).toBeGreaterThan(1000);
    expect(lines[3]).toMatch(/^heap RSS \d+ kB$/);
  });

  it('exports the schema and package.json', () => {
    const script = "import { createRequire } from 'node:module'; const r = createRequire(import.meta.url); " +
      "console.log(r('tspmap/schema/tspmap.schema.json').title, r('tspmap/package.json').name);";
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, encoding: 'utf8' });
    expect(run.stdout).toBe('tspmap --json output tspmap\n');
  });

  it('type-checks a TypeScript consumer against the shipped declarations', () => {
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: ['node'] }, files: ['use.ts'] }),
    );
    writeFileSync(
      join(consumer, 'use.ts'),
      [
        "import { readProcess, formatExtended, formatJson, type ProcessInfo, type MappingKind, type JsonDocument } from 'tspmap';",
        'const me: ProcessInfo = readProcess(process.pid, { procRoot: "/proc" });',
        'const text: string = formatExtended(me, { quiet: true });',
        "const kinds: MappingKind[] = (me.smaps ?? []).map(() => 'anon');",
        'const doc: JsonDocument = JSON.parse(formatJson([me]));',
        'console.log(text.length, kinds.length, doc.schemaVersion);',
        '// @ts-expect-error: the PID is a number',
        "readProcess('1');",
        '',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('the API on live processes', () => {
  const child = useSleepingChild();

  it('formats a process exactly as the CLI (pmap) prints it', () => {
    const pid = child.pid();
    const info = readProcess(pid);
    expect(info.command).toBe('sleep 1000');
    expect(info.cmdline).toEqual(['sleep', '1000']);
    expect(formatDefault(info, { bytes: true })).toBe(cli([String(pid)]));
    expect(formatExtended(info, { bytes: true })).toBe(cli(['-x', String(pid)]));
    expect(formatDevice(info, { bytes: true })).toBe(cli(['-d', String(pid)]));
    expect(formatDefault(info, { quiet: true, showPath: true, bytes: true })).toBe(cli(['-q', '-p', String(pid)]));
    // PSS moves as other processes (this test's node children) map the same
    // libraries, so it is left out of the comparison.
    const stable = (json: string): unknown => JSON.parse(json, (key, value: unknown) => (/pss/i.test(key) ? undefined : value));
    expect(stable(formatJson(info))).toEqual(stable(cli(['--json', String(pid)])));
    expect(stable(formatJson([info], { summary: true }))).toEqual(stable(cli(['--json', '--summary', String(pid)])));
    expect(formatJson(info)).toMatch(/^\{\n  "tspmap": "\d+\.\d+\.\d+",\n  "schemaVersion": 1,\n  "processes": \[\n/);
    if (existsSync('/usr/bin/pmap')) {
      // The real pmap, run under tspmap's name, on the same stopped-in-sleep process.
      const real = execFileSync('bash', ['-c', `exec -a tspmap /usr/bin/pmap -x ${pid}`], { encoding: 'latin1' });
      expect(formatExtended(info, { bytes: true })).toBe(real);
    }
  });

  it('reads the caller\'s own process', async () => {
    const me = readProcess(process.pid);
    expect(me.pid).toBe(process.pid);
    expect(me.tgid).toBe(process.pid);
    const maps = readFileSync('/proc/self/maps', 'utf8').trim().split('\n');
    // Node's own mappings change while it runs; the start is stable.
    expect(me.maps!.length).toBeGreaterThan(10);
    expect(me.maps![0]!.start).toBe(Number.parseInt(maps[0]!.split('-')[0]!, 16));
    const summary = summarizeProcess(me);
    expect(summary.total.rss).toBe(toJson(me).processes[0] && (toJson(me).processes[0] as { totals: { kB: { Rss: number } } }).totals.kB.Rss);
    expect(summary.total.mappings).toBe(me.smaps!.length);
    const text = await formatSummary(me, { unicode: false, maxObjects: 3 });
    expect(text.startsWith(`${process.pid}:   `)).toBe(true);
    expect(text).toMatch(/^\| total +\| +\d+ \| +\d+ \|/m);
    expect(text).toMatch(/^\| \(\d+ more\) +\|/m);
    expect(formatExtended(me).split('\n')[1]).toBe('Address           Kbytes     RSS   Dirty Mode  Mapping');
  });

  it('throws ProcessNotFoundError for a PID that does not exist', () => {
    const tree = mkdtempSync(join(tmpdir(), 'tspmap-api-'));
    try {
      expect(() => readProcess(4242, { procRoot: tree })).toThrow(ProcessNotFoundError);
      expect(() => readProcess(0)).toThrow(InvalidPidError);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
