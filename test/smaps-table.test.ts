/**
 * pmap -X / -XX / -c / -C (print_extended_maps) driven in-process.
 *
 * 1. Every recorded case of those modes under fixtures/ is replayed through
 *    SmapsTableRun the way main.ts calls it (one run over all PIDs) and must
 *    reproduce pmap's recorded stdout, rc warnings and fatal error exactly.
 * 2. Where the real pmap can be run (root, unshare, /usr/bin/pmap), mutated
 *    smaps files are written to scratch /proc trees and tspmap's output is
 *    compared with what pmap prints over the same tree, right now.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArguments, parsePids } from '../src/cli/args.js';
import { RcSession, tableConfig } from '../src/cli/rc.js';
import { INCONSISTENT_FIELD, SmapsTableRun, UNKNOWN_FORMAT } from '../src/format/smaps-table.js';
import { parseRc } from '../src/parse/rc.js';
import { ProcFS } from '../src/proc/procfs.js';
import { readProcess } from '../src/proc/process.js';
import { REPO_ROOT } from './helpers/run.js';
import { pmapOracleProblem } from './helpers/oracle.js';

const FIXTURES = join(REPO_ROOT, 'fixtures');
const NAME = 'tspmap';

interface RecordedCase {
  name: string;
  dir: string;
  tree: string;
  argv: string[];
  env: Record<string, string>;
}

function tableCases(): RecordedCase[] {
  const found: RecordedCase[] = [];
  for (const fixture of readdirSync(FIXTURES).sort()) {
    const casesDir = join(FIXTURES, fixture, 'cases');
    const tree = join(FIXTURES, fixture, 'tree');
    if (!existsSync(casesDir) || !existsSync(tree)) continue;
    for (const id of readdirSync(casesDir).sort()) {
      const dir = join(casesDir, id);
      const argv = JSON.parse(readFileSync(join(dir, 'argv'), 'utf8')) as string[];
      const envFile = join(dir, 'env');
      const env = existsSync(envFile) ? (JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>) : {};
      found.push({ name: `${fixture}/${id}`, dir, tree, argv, env });
    }
  }
  return found;
}

/** What main.ts does around SmapsTableRun, with pmap's recorded output to compare against. */
function replay(c: RecordedCase): 'skip' | 'done' {
  const parsed = parseArguments(c.argv, false, NAME);
  if (parsed.kind !== 'run' || parsed.stderr !== '') return 'skip';
  const options = parsed.options;
  if (options.xLevel === 0 && !options.readRc && !options.readRcFrom) return 'skip';
  if (options.json || options.summary) return 'skip';
  const chosen = [options.readRc, options.readRcFrom, options.device, options.extended, options.xLevel > 0].filter(Boolean);
  if (chosen.length > 1) return 'skip';
  const pids = parsePids(options.operands);
  if (!pids.ok || pids.pids.length === 0) return 'skip';

  const stdout = readFileSync(join(c.dir, 'stdout')).toString('latin1');
  const stderr = readFileSync(join(c.dir, 'stderr')).toString('latin1');
  const status = Number(readFileSync(join(c.dir, 'status'), 'utf8').trim());

  let rc: RcSession | null = null;
  let expectedStderr = '';
  if (options.readRc || options.readRcFrom) {
    const home = c.env.HOME;
    let path: string | null;
    if (options.readRcFrom) path = options.rcFile;
    else path = home === undefined ? null : `${home}/.${NAME}rc`;
    if (path === null) return 'skip';
    const full = isAbsolute(path) ? path : join(REPO_ROOT, path);
    if (!existsSync(full)) return 'skip';
    let text: string;
    try {
      text = readFileSync(full).toString('latin1');
    } catch {
      return 'skip';
    }
    const parsedRc = parseRc(text);
    rc = { fields: new Set(parsedRc.fields), showPathToggles: parsedRc.showPathToggles };
    expectedStderr = parsedRc.warnings.map((w) => `${NAME}: ${w}\n`).join('');
  }

  const fs = new ProcFS(c.tree);
  const run = new SmapsTableRun(tableConfig(options, rc));
  let cursor = 0;
  let fatal: string | undefined;
  for (const pid of pids.pids) {
    const record = readProcess(fs, pid);
    if (record === null) continue;
    // The "PID:   command" line is main.ts's; step over it.
    expect(stdout.startsWith(`${record.tgid}:   `, cursor), `${c.name}: header of ${pid}`).toBe(true);
    cursor = stdout.indexOf('\n', cursor) + 1;
    const read = fs.readProcessFile(String(record.tgid), 'smaps');
    if (!read.ok) return 'skip';
    const rendered = run.render(read.data.toString('latin1'));
    expect(stdout.slice(cursor, cursor + rendered.text.length), `${c.name}: output of ${pid}`).toBe(rendered.text);
    cursor += rendered.text.length;
    if (rendered.fatal !== undefined) {
      fatal = rendered.fatal;
      break;
    }
  }
  expect(cursor, `${c.name}: all of stdout`).toBe(stdout.length);
  if (fatal !== undefined) {
    expectedStderr += `${NAME}: ${fatal}\n`;
    expect(status).toBe(1);
  }
  expect(stderr, `${c.name}: stderr`).toBe(expectedStderr);
  return 'done';
}

describe('recorded -X/-XX/-c/-C cases', () => {
  const cases = tableCases();
  it('replays every recorded case of these modes byte for byte', () => {
    let done = 0;
    for (const c of cases) if (replay(c) === 'done') done++;
    expect(done).toBeGreaterThan(150);
  });

  it('covers both fatal errors', () => {
    const stderrs = cases
      .filter((c) => c.name.startsWith('smaps-kernel-mixed/'))
      .map((c) => readFileSync(join(c.dir, 'stderr'), 'latin1'));
    expect(stderrs.some((s) => s.includes(`${NAME}: ${UNKNOWN_FORMAT}\n`))).toBe(true);
    expect(stderrs.some((s) => s.includes(`${NAME}: ${INCONSISTENT_FIELD}`))).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Differential tests against the real pmap, when it can be run here.

function oracleAvailable(): boolean {
  return pmapOracleProblem() === null;
}

const ORACLE = oracleAvailable();
const scratch = mkdtempSync(join(tmpdir(), 'tspmap-smaps-table-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runPmap(tree: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(
    'unshare',
    ['-m', 'bash', '--norc', '--noprofile', '-c', 'mount --bind "$1" /proc && shift && exec -a tspmap /usr/bin/pmap "$@"', '_', tree, ...args],
    { env: { PATH: '/usr/bin:/bin', HOME: scratch, LANG: 'C.UTF-8' }, maxBuffer: 1 << 30, timeout: 60_000 },
  );
  return { stdout: result.stdout.toString('latin1'), stderr: result.stderr.toString('latin1'), status: result.status };
}

/** tspmap's stdout/stderr/status for the same PIDs, built as main.ts does. */
function runTable(tree: string, args: string[], rcText: string | null = null): { stdout: string; stderr: string; status: number } {
  const parsed = parseArguments(args, false, NAME);
  if (parsed.kind !== 'run') throw new Error('bad args');
  const parsedRc = rcText === null ? null : parseRc(rcText);
  const rc = parsedRc ? { fields: new Set(parsedRc.fields), showPathToggles: parsedRc.showPathToggles } : null;
  let stderr = parsedRc ? parsedRc.warnings.map((w) => `${NAME}: ${w}\n`).join('') : '';
  const fs = new ProcFS(tree);
  const run = new SmapsTableRun(tableConfig(parsed.options, rc));
  let stdout = '';
  for (const pid of parsed.options.operands.map(Number)) {
    const record = readProcess(fs, pid);
    if (record === null) continue;
    stdout += `${record.tgid}:   x\n`;
    const read = fs.readProcessFile(String(record.tgid), 'smaps');
    if (!read.ok) continue;
    const rendered = run.render(read.data.toString('latin1'));
    stdout += rendered.text;
    if (rendered.fatal !== undefined) {
      stderr += `${NAME}: ${rendered.fatal}\n`;
      return { stdout, stderr, status: 1 };
    }
  }
  return { stdout, stderr, status: 0 };
}

const BASE = join(FIXTURES, 'smaps-kernel-6.x', 'tree');
const BASE_419 = join(FIXTURES, 'smaps-kernel-4.19', 'tree');

/** A scratch tree with PIDs 1001.. whose smaps are the given texts; cmdline is "x". */
function makeTree(name: string, smaps: string[]): string {
  const tree = join(scratch, name);
  rmSync(tree, { recursive: true, force: true });
  cpSync(join(BASE, 'self'), join(tree, 'self'), { recursive: true });
  cpSync(join(BASE, 'uptime'), join(tree, 'uptime'));
  smaps.forEach((text, i) => {
    const pid = 1001 + i;
    const dir = join(tree, String(pid));
    cpSync(join(BASE, '1001'), dir, { recursive: true });
    const stat = readFileSync(join(dir, 'stat'), 'latin1').replace(/^1001 \([^)]*\)/, `${pid} (x)`);
    writeFileSync(join(dir, 'stat'), stat, 'latin1');
    const status = readFileSync(join(dir, 'status'), 'latin1')
      .replace(/^Tgid:\t\d+/m, `Tgid:\t${pid}`)
      .replace(/^Pid:\t\d+/m, `Pid:\t${pid}`);
    writeFileSync(join(dir, 'status'), status, 'latin1');
    writeFileSync(join(dir, 'cmdline'), 'x\0', 'latin1');
    writeFileSync(join(dir, 'smaps'), text, 'latin1');
  });
  return tree;
}

const SMAPS_6X = readFileSync(join(BASE, '1001', 'smaps'), 'latin1');
const SMAPS_419 = readFileSync(join(BASE_419, '1001', 'smaps'), 'latin1');
const isHeader = (line: string): boolean => /^[0-9a-f]+-/.test(line);

/** Line-wise mutations of an smaps text, each exercising one scanf/fgets quirk. */
const MUTATIONS: Record<string, (text: string) => string> = {
  'leading zeros': (t) => t.replace(/^(Rss:\s+)(\d+)/gm, '$1000$2'),
  'huge and overflowing values': (t) => {
    let n = 0;
    const huge = ['18446744073709551615', '18446744073709551616', '99999999999999999999', '123456789012345678901234'];
    return t.replace(/^Pss:.*$/gm, () => `Pss: ${huge[n++ % 4]} kB`);
  },
  'no kB and trailing words': (t) => t.replace(/^(Swap:.*) kB$/gm, '$1').replace(/^(Locked:.*kB)$/gm, '$1 x'),
  'text after the number': (t) => t.replace(/^(Locked:\s+\d+) kB$/gm, '$1 pages'),
  'fields missing at the end': (t) => t.replace(/^(THPeligible|Locked):.*\n/gm, ''),
  'VmFlags on some mappings only': (t) => {
    let n = 0;
    return t.replace(/^VmFlags:.*\n/gm, (line) => (n++ % 3 === 0 ? '' : line));
  },
  'no VmFlags': (t) => t.replace(/^VmFlags:.*\n/gm, ''),
  'empty VmFlags': (t) => t.replace(/^VmFlags:.*$/gm, 'VmFlags: '),
  'VmFlags with digits': (t) => t.replace(/^VmFlags:.*$/gm, 'VmFlags: rd wr 9x mr '),
  'long names': (t) =>
    t
      .split('\n')
      .map((l) => (isHeader(l) && l.includes('/') ? `${l}/${'d'.repeat(50)}/${'e'.repeat(50)}/${'f'.repeat(50)}/file` : l))
      .join('\n'),
  'header lines over 1024 bytes': (t) =>
    t
      .split('\n')
      .map((l) => (isHeader(l) && l.includes('/') ? l + 'x'.repeat(1100) : l))
      .join('\n'),
  'NUL in a header line': (t) =>
    t
      .split('\n')
      .map((l) => (isHeader(l) && l.includes('/') ? `${l.slice(0, 40)}\0${l.slice(40)}` : l))
      .join('\n'),
  'name ending in a slash': (t) =>
    t
      .split('\n')
      .map((l) => (isHeader(l) && l.includes('/') ? `${l}/` : l))
      .join('\n'),
  'upper-case hex': (t) =>
    t
      .split('\n')
      .map((l) => (isHeader(l) ? l.toUpperCase() : l))
      .join('\n'),
  'an extra field': (t) => t.replace(/^(Locked:.*\n)/gm, '$1NewField:     7 kB\n'),
  'fields swapped in one mapping': (t) => {
    let n = 0;
    return t.replace(/^(Rss:.*\n)(Pss:.*\n)/gm, (all, a: string, b: string) => (n++ === 2 ? b + a : all));
  },
  'no trailing newline': (t) => t.replace(/\n$/, ''),
  empty: () => '',
};

const MODES: string[][] = [['-X'], ['-XX'], ['-X', '-q'], ['-XX', '-q'], ['-XX', '-p']];

describe.skipIf(!ORACLE)('against the real pmap', () => {
  for (const [name, mutate] of Object.entries(MUTATIONS)) {
    it(`matches pmap: ${name}`, () => {
      const tree = makeTree(name.replace(/\W+/g, '-'), [SMAPS_6X, mutate(SMAPS_6X), mutate(SMAPS_419)]);
      for (const mode of MODES) {
        for (const pids of [['1002'], ['1001', '1002'], ['1002', '1001'], ['1003', '1001']]) {
          const args = [...mode, ...pids];
          const expected = runPmap(tree, args);
          expect(runTable(tree, args), args.join(' ')).toEqual(expected);
        }
      }
    });
  }

  it('matches pmap with rc files of every shape', () => {
    const tree = makeTree('rc', [SMAPS_6X, SMAPS_419]);
    const rcDir = join(FIXTURES, 'smaps-kernel-common', 'rc');
    for (const file of readdirSync(rcDir)) {
      const path = join(rcDir, file);
      const text = readFileSync(path, 'latin1');
      for (const extra of [[], ['-p'], ['-q']]) {
        const args = ['-C', path, ...extra, '1001', '1002'];
        expect(runTable(tree, args.slice(2), text), args.join(' ')).toEqual(runPmap(tree, args));
      }
    }
  });

  it('matches pmap on a 60,000-mapping smaps, quickly', () => {
    const block = SMAPS_6X.split(/(?=^[0-9a-f]+-)/m).slice(0, 3);
    const parts: string[] = [];
    let address = 0x7f0000000000;
    for (let i = 0; i < 60_000; i++) {
      const body = block[i % 3]!.replace(/^[0-9a-f]+-[0-9a-f]+/, () => {
        const start = address;
        address += 0x2000;
        return `${start.toString(16)}-${(start + 0x1000).toString(16)}`;
      });
      parts.push(body);
    }
    const tree = makeTree('big', [parts.join('')]);
    const started = process.cpuUsage();
    const ours = runTable(tree, ['-XX', '1001']);
    const used = process.cpuUsage(started);
    expect(ours).toEqual(runPmap(tree, ['-XX', '1001']));
    expect(ours.stdout.split('\n').length).toBe(60_000 + 5);
    expect((used.user + used.system) / 1e6).toBeLessThan(5);
  });
});
