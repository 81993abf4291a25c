/**
 * --json: real output (live processes and every fixture tree) validates
 * against schema/tspmap.schema.json, carries exact 64-bit values, every
 * smaps field the kernel gave, error entries and pmap's exit statuses.
 */
import { useSleepingChild } from './helpers/subject.js';
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { TSPMAP_VERSION, stringifyJson } from '../src/format/json.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tspmap.js');
const FIXTURES = join(ROOT, 'fixtures');
const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'tspmap.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true }).compile(schema);

function tspmap(args: string[]): { stdout: string; stderr: string; status: number } {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status ?? -1 };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = { tspmap: string; schemaVersion: number; processes: any[] };

function valid(text: string): Doc {
  const doc = JSON.parse(text) as Doc;
  const ok = validate(doc);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  return doc;
}

function fixturePids(name: string): string[] {
  const file = join(FIXTURES, name, 'pids');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
}

const FIXTURE_NAMES = existsSync(FIXTURES)
  ? readdirSync(FIXTURES).filter((name) => existsSync(join(FIXTURES, name, 'tree')) && fixturePids(name).length > 0).sort()
  : [];

describe('--json on live processes', () => {
  const child = useSleepingChild();

  it('validates and lists exactly the mappings of /proc/PID/maps', () => {
    const pid = child.pid();
    const run = tspmap(['--json', String(pid)]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const doc = valid(run.stdout);
    expect(doc.tspmap).toBe(TSPMAP_VERSION);
    expect(doc.schemaVersion).toBe(1);
    const [entry] = doc.processes;
    expect(entry.pid).toBe(pid);
    expect(entry.tgid).toBe(pid);
    expect(entry.cmdline).toEqual(['sleep', '1000']);
    expect(entry.command).toBe('sleep 1000');
    expect(entry.comm).toBe('sleep');
    const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
    expect(entry.mappings.map((m: { start: string; end: string; perms: string }) => `${m.start}-${m.end} ${m.perms}`)).toEqual(
      maps.map((line) => line.split(' ').slice(0, 2).join(' ')),
    );
    const kinds = new Set(entry.mappings.map((m: { kind: string }) => m.kind));
    for (const kind of ['file', 'heap', 'stack', 'vdso']) expect(kinds).toContain(kind);
    const sleepBinary = entry.mappings.find((m: { path: string | null }) => m.path?.endsWith('/sleep'));
    expect(sleepBinary.inode).toBe(String(execFileSync('stat', ['-L', '-c', '%i', `/proc/${pid}/exe`], { encoding: 'utf8' }).trim()));
    expect(sleepBinary.kB.Rss).toBeGreaterThan(0);
    // Totals are the sums of the mappings' fields.
    const rss = entry.mappings.reduce((sum: number, m: { kB: { Rss: number } }) => sum + m.kB.Rss, 0);
    expect(entry.totals.kB.Rss).toBe(rss);
    expect(entry.totals.mappings).toBe(maps.length);
    expect(entry.totals.kB.KernelPageSize).toBeUndefined();
  });

  it('gives error entries for missing and unreadable PIDs, with pmap exit statuses', () => {
    const tree = mkdtempSync(join(tmpdir(), 'tspmap-json-'));
    try {
      const dir = join(tree, '777');
      mkdirSync(dir);
      writeFileSync(join(dir, 'status'), 'Name:\tx\nTgid:\t777\n');
      writeFileSync(join(dir, 'stat'), '777 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1 1 1 1 1 1 1');
      writeFileSync(join(dir, 'cmdline'), 'x\0-y\0');
      let run = tspmap(['--json', '--proc-root', tree, '777']);
      expect(run.status).toBe(1);
      let doc = valid(run.stdout);
      expect(doc.processes).toEqual([
        {
          pid: 777, tgid: 777, comm: 'x', command: 'x -y', cmdline: ['x', '-y'],
          error: { code: 'unreadable', errno: 'ENOENT', message: 'cannot read /proc/777/smaps: ENOENT' },
        },
      ]);
      writeFileSync(join(dir, 'smaps'), '');
      run = tspmap(['--json', '--proc-root', tree, '778', '777']);
      expect(run.status).toBe(42);
      doc = valid(run.stdout);
      expect(doc.processes[0]).toEqual({ pid: 778, error: { code: 'not_found', message: 'no such process' } });
      expect(doc.processes[1].mappings).toEqual([]);
      expect(doc.processes[1].totals).toEqual({ mappings: 0, kB: {} });
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe('--json over the fixture trees', () => {
  it('has fixtures', () => {
    expect(FIXTURE_NAMES.length).toBeGreaterThan(5);
  });

  for (const name of FIXTURE_NAMES) {
    it(`${name} validates and agrees with pmap -x`, () => {
      const pids = fixturePids(name);
      const run = tspmap(['--json', '--summary', '--proc-root', join(FIXTURES, name, 'tree'), ...pids]);
      expect(run.stderr).toBe('');
      const doc = valid(run.stdout);
      expect(doc.processes.length).toBe(pids.length);
      const xCase = join(FIXTURES, name, 'cases', 'x');
      if (existsSync(join(xCase, 'argv')) && !existsSync(join(xCase, 'env'))) {
        const argv = JSON.parse(readFileSync(join(xCase, 'argv'), 'utf8')) as string[];
        if (JSON.stringify(argv.slice(1)) === JSON.stringify(pids)) {
          expect(run.status).toBe(Number(readFileSync(join(xCase, 'status'), 'utf8')));
          // Start addresses in pmap -x order, zero-padded as pmap prints them.
          const pmapStarts = readFileSync(join(xCase, 'stdout'), 'latin1')
            .split('\n')
            .filter((line) => /^[0-9a-f]{8,} /.test(line))
            .map((line) => line.split(' ')[0]!.replace(/^0+(?=.)/, ''));
          const ours = doc.processes.flatMap((p) => (p.mappings ?? []).map((m: { start: string }) => m.start));
          expect(ours).toEqual(pmapStarts);
        }
      }
    });
  }

  it.runIf(existsSync(join(FIXTURES, 'bash', 'cases', 'A-mid-x', 'argv')))('limits the mappings with -A as pmap -x does', () => {
    const caseDir = join(FIXTURES, 'bash', 'cases', 'A-mid-x');
    const argv = (JSON.parse(readFileSync(join(caseDir, 'argv'), 'utf8')) as string[]).filter((arg) => arg !== '-x');
    const doc = valid(tspmap(['--json', '--proc-root', join(FIXTURES, 'bash', 'tree'), ...argv]).stdout);
    const rows = readFileSync(join(caseDir, 'stdout'), 'latin1').split('\n').filter((line) => /^[0-9a-f]{16} /.test(line));
    expect(rows.length).toBeGreaterThan(1);
    expect(doc.processes[0].mappings.map((m: { start: string }) => m.start.padStart(16, '0'))).toEqual(rows.map((row) => row.slice(0, 16)));
    // The -A total RSS is what pmap -x adds up for the rows it prints (it
    // also counts mappings ending below the range, so compare row by row).
    const rss = rows.map((row) => Number(row.split(/ +/)[2]));
    expect(doc.processes[0].mappings.map((m: { kB: { Rss: number } }) => m.kB.Rss)).toEqual(rss);
  });

  it.runIf(FIXTURE_NAMES.includes('hm-smaps-future'))('keeps fields pmap cannot scan, and unitless ones apart', () => {
    const doc = valid(tspmap(['--json', '--proc-root', join(FIXTURES, 'hm-smaps-future', 'tree'), '4242']).stdout);
    const mappings = doc.processes[0].mappings;
    expect(mappings.some((m: { kB: Record<string, number> }) => m.kB.Very_Long_Field_Name_Pages === 123456789)).toBe(true);
    expect(mappings.every((m: { kB: Record<string, number> }) => !('THPeligible' in m.kB))).toBe(true);
    expect(mappings.every((m: { thpEligible: number }) => m.thpEligible === 0 || m.thpEligible === 1)).toBe(true);
  });

  it.runIf(FIXTURE_NAMES.includes('hm-smaps-2.6.32'))('leaves out fields an old kernel lacks', () => {
    const doc = valid(tspmap(['--json', '--proc-root', join(FIXTURES, 'hm-smaps-2.6.32', 'tree'), '4242']).stdout);
    const [first] = doc.processes[0].mappings;
    expect(Object.keys(first.kB)).toEqual(['Size', 'Rss', 'Pss', 'Shared_Clean', 'Shared_Dirty', 'Private_Clean', 'Private_Dirty', 'Referenced', 'Swap', 'KernelPageSize', 'MMUPageSize']);
    expect(first.vmFlags).toBeUndefined();
  });

  it.runIf(FIXTURE_NAMES.includes('hm-huge'))('writes 64-bit values with every digit', () => {
    const out = tspmap(['--json', '--proc-root', join(FIXTURES, 'hm-huge', 'tree'), '4242']).stdout;
    expect(out).toMatch(/"start":"fffffffffffff000"/);
    // A Swap line of 18446744073709551615 kB comes out exactly (no rounding).
    expect(out).toContain('"Swap":18446744073709551615');
    // Inodes are strings, so even ULLONG_MAX survives JSON.parse.
    expect(out).toContain('"inode":"18446744073709551615"');
  });

  it.runIf(FIXTURE_NAMES.includes('memfd') && FIXTURE_NAMES.includes('sysv-shm'))('names the kinds of shared memory', () => {
    const kinds = (name: string): Record<string, string> => {
      const doc = valid(tspmap(['--json', '--proc-root', join(FIXTURES, name, 'tree'), ...fixturePids(name)]).stdout);
      return Object.fromEntries(doc.processes[0].mappings.map((m: { path: string; kind: string }) => [m.path, m.kind]));
    };
    const memfd = kinds('memfd');
    expect(memfd['/memfd:tspmap-memfd (deleted)']).toBe('memfd');
    expect(memfd['/dev/zero (deleted)']).toBe('anon_shared');
    expect(kinds('sysv-shm')['/SYSV00000000 (deleted)']).toBe('shm');
  });

  it.runIf(FIXTURE_NAMES.includes('odd-names'))('keeps names that are not UTF-8 as base64 too', () => {
    const doc = valid(tspmap(['--json', '--proc-root', join(FIXTURES, 'odd-names', 'tree'), ...fixturePids('odd-names')]).stdout);
    const odd = doc.processes[0].mappings.filter((m: { pathBase64?: string }) => m.pathBase64 !== undefined);
    expect(odd.length).toBeGreaterThan(0);
    for (const mapping of odd) {
      const bytes = Buffer.from(mapping.pathBase64, 'base64');
      expect(bytes.toString('utf8')).toBe(mapping.path);
      expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)).toBe(false);
    }
  });
});

describe('stringifyJson', () => {
  it('writes bigints exactly and one mapping per line', () => {
    const text = stringifyJson({ a: [{ b: { c: [{ d: 1n << 64n, e: 'x', f: undefined }] } }] });
    expect(text).toBe('{\n  "a": [\n    {\n      "b": {\n        "c": [\n          {"d":18446744073709551616,"e":"x"}\n        ]\n      }\n    }\n  ]\n}\n');
  });

  it('keeps its version equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(TSPMAP_VERSION).toBe(pkg.version);
  });
});
