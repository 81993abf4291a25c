/**
 * The classifier: its categories add up exactly to what real pmap -X
 * printed over every fixture tree; its rules name the regions of real
 * processes (recorded node and python fixtures, and live node, python, a
 * JVM and a Go program when they can be started); --rules files are checked
 * and used.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyMappings } from '../src/model/classify.js';
import { parseRulesFile } from '../src/model/user-rules.js';
import { parseSmapsDetailed } from '../src/format/json.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tspmap.js');
const FIXTURES = join(ROOT, 'fixtures');
const MASK = (1n << 64n) - 1n;

function tspmap(args: string[]): { stdout: string; stderr: string; status: number } {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, encoding: 'utf8', maxBuffer: 1 << 30,
  });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status ?? -1 };
}

/** pmap -X totals per process block (cumulative in pmap, so differenced). */
function xTotals(text: string): Array<Map<string, bigint> | null> {
  const blocks: string[][] = [];
  for (const line of text.split('\n')) {
    if (/^\d+:   /.test(line)) blocks.push([]);
    else blocks[blocks.length - 1]?.push(line);
  }
  let header: string[] = [];
  let previous = new Map<string, bigint>();
  return blocks.map((lines) => {
    let totals: Map<string, bigint> | null = null;
    for (const line of lines) {
      const words = line.trim().split(/\s+/);
      if (words[0] === 'Address' && words[1] === 'Perm') {
        header = words.slice(words.indexOf('Inode') + 1).filter((w) => w !== 'Mapping' && w !== 'VmFlags');
      } else if (words[words.length - 1] === 'KB' && words.slice(0, -1).every((w) => /^\d+$/.test(w))) {
        const cumulative = new Map(header.map((name, i) => [name, BigInt(words[i]!)]));
        totals = new Map([...cumulative].map(([key, value]) => [key, (value - (previous.get(key) ?? 0n)) & MASK]));
        previous = cumulative;
      }
    }
    return totals;
  });
}

const X_CASES = existsSync(FIXTURES)
  ? readdirSync(FIXTURES).sort().filter((f) => existsSync(join(FIXTURES, f, 'cases', 'X', 'argv')) && !existsSync(join(FIXTURES, f, 'cases', 'X', 'env')))
  : [];

describe('categories add up to the -X totals real pmap printed', () => {
  it('has fixtures', () => expect(X_CASES.length).toBeGreaterThan(20));

  for (const fixture of X_CASES) {
    it(fixture, () => {
      const dir = join(FIXTURES, fixture);
      const argv = JSON.parse(readFileSync(join(dir, 'cases', 'X', 'argv'), 'utf8')) as string[];
      const totals = xTotals(readFileSync(join(dir, 'cases', 'X', 'stdout'), 'latin1'));
      const run = tspmap(['--json', '--summary', '--proc-root', join(dir, 'tree'), ...argv.slice(1)]);
      const doc = JSON.parse(run.stdout.replace(/:(\d{16,})/g, ':"$1"')) as { processes: Array<Record<string, any>> };
      const found = doc.processes.filter((p) => !p.error);
      expect(found.length).toBe(totals.length);
      found.forEach((process, i) => {
        const smapsPath = join(dir, 'tree', String(process.tgid), 'smaps');
        const smaps = statSync(smapsPath).isDirectory() ? '' : readFileSync(smapsPath, 'latin1');
        const sum = (key: string): bigint =>
          (process.summary.categories as Array<Record<string, unknown>>).reduce((acc, row) => (acc + BigInt(row[key] as string)) & MASK, 0n);
        // Every mapping got exactly one category.
        expect(Number(sum('mappings'))).toBe(process.mappings.length);
        expect(process.mappings.every((m: { category?: string }) => typeof m.category === 'string')).toBe(true);
        const table = totals[i];
        if (!table) return; // pmap prints no totals for a process without mappings
        // Each -X column, summed within each category, then over categories.
        const byCategory = new Map<string, Map<string, bigint>>();
        type JsonMapping = { category: string; kB: Record<string, string | number>; thpEligible?: number; protectionKey?: number; values?: Record<string, number> };
        for (const mapping of process.mappings as JsonMapping[]) {
          let fields = byCategory.get(mapping.category);
          if (!fields) byCategory.set(mapping.category, (fields = new Map()));
          const numbers = { ...mapping.kB, ...mapping.values, THPeligible: mapping.thpEligible ?? 0, ProtectionKey: mapping.protectionKey ?? 0 };
          for (const [key, value] of Object.entries(numbers)) fields.set(key, ((fields.get(key) ?? 0n) + BigInt(value)) & MASK);
        }
        let compared = 0;
        for (const [field, expected] of table) {
          // pmap -X reads at most 20 digits (hand-made trees exceed that).
          if (new RegExp(`^${field}:\\s*\\d{21,}`, 'm').test(smaps)) continue;
          const total = [...byCategory.values()].reduce((acc, fields) => (acc + (fields.get(field) ?? 0n)) & MASK, 0n);
          expect(total, `${fixture} ${process.tgid} ${field}`).toBe(expected);
          compared++;
        }
        expect(compared).toBeGreaterThan(0);
        // The category rows themselves: RSS, PSS and Swap as -X totals them.
        for (const [field, key] of [['Rss', 'rss'], ['Pss', 'pss'], ['Swap', 'swap']] as const) {
          if (!table.has(field) || new RegExp(`^${field}:\\s*\\d{21,}`, 'm').test(smaps)) continue;
          expect(sum(key), `${fixture} ${process.tgid} ${field} rows`).toBe(table.get(field));
        }
        // reserved + committed is the whole size (pmap -x's Kbytes total).
        const accounting = process.summary.accounting;
        expect((BigInt(accounting.reserved) + BigInt(accounting.committed)) & MASK).toBe(BigInt(process.summary.total.size));
        expect((BigInt(accounting.rss.anon) + BigInt(accounting.rss.file) + BigInt(accounting.rss.shmem)) & MASK).toBe(sum('rss'));
      });
    });
  }
});

function classesOf(fixture: string, pid: string): Map<string, string> {
  const smaps = readFileSync(join(FIXTURES, fixture, 'tree', pid, 'smaps'), 'latin1');
  const stat = readFileSync(join(FIXTURES, fixture, 'tree', pid, 'stat'), 'latin1');
  const startStack = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[25]);
  const mappings = parseSmapsDetailed(smaps);
  const classes = classifyMappings(mappings, startStack);
  return new Map(mappings.map((m, i) => [`${m.start.toString(16)} ${m.perms}`, `${classes[i]!.category}/${classes[i]!.label}`]));
}

describe('rules on recorded real processes', () => {
  it('names node 20\'s V8 and thread regions', () => {
    const labels = [...classesOf('node', '26117').values()];
    for (const expected of ['runtime/V8 heap page', 'runtime/V8 code space', 'reserved/V8 code range (reserved)', 'stack/thread stack',
      'guard/thread stack guard', 'heap/malloc arena', 'reserved/malloc arena (reserved)', 'stack/main stack', 'bss/[bss]', 'code/code', 'kernel/vDSO']) {
      expect(labels).toContain(expected);
    }
  });

  it('tells python\'s ELF parts apart', () => {
    const labels = [...classesOf('python3', '25717').values()];
    for (const expected of ['code/code', 'rodata/read-only data', 'data/data', 'bss/[bss]', 'heap/[heap]', 'file/mapped file']) {
      expect(labels).toContain(expected);
    }
  });

  it('files SysV and memfd memory as shmem', () => {
    expect([...classesOf('sysv-shm', '27328').values()]).toContain('shmem/SysV shm');
    expect([...classesOf('memfd', '32022').values()]).toContain('shmem/memfd');
  });
});

describe('--rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tspmap-rules-'));
  const tree = join(FIXTURES, 'python3', 'tree');

  it('puts user rules first', () => {
    const file = join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ rules: [{ category: 'python', label: 'interpreter $1', name: '/(python3[.0-9]*)$', kind: 'file' }] }));
    const run = tspmap(['--summary', '--rules', file, '--proc-root', tree, '25717']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/│ python +│/);
    const json = JSON.parse(tspmap(['--json', '--rules', file, '--proc-root', tree, '25717']).stdout);
    expect(json.processes[0].mappings.some((m: { label: string }) => /^interpreter python3/.test(m.label))).toBe(true);
  });

  it.each([
    ['[{"label": "x"}]', /rule 1: "category" must be a non-empty string$/],
    ['{"rules": [{"category": "a", "colour": 1}]}', /rule 1: unknown key "colour"$/],
    ['[{"category": "a", "kind": "anonymous"}]', /unknown kind "anonymous"/],
    ['[{"category": "a", "perms": "rwx"}]', /"perms" must be 4 characters/],
    ['[{"category": "a", "name": "("}]', /"name" is not a regular expression/],
    ['{"rule": []}', /expected an array of rules/],
    ['{', /not JSON/],
  ])('rejects %s with one line and status 1', (text, message) => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, text);
    const run = tspmap(['--summary', '--rules', file, '--proc-root', tree, '25717']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').length).toBe(2);
    expect(run.stderr).toMatch(/^tspmap: --rules /);
    expect(run.stderr.trim()).toMatch(message);
    expect(parseRulesFile(text, 'f').ok).toBe(false);
  });

  it('says when the file cannot be read', () => {
    const run = tspmap(['--summary', '--rules', join(dir, 'missing.json'), '--proc-root', tree, '25717']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`tspmap: --rules ${join(dir, 'missing.json')}: No such file or directory\n`);
  });
});

/** Start a program, wait for its line on stdout, and read its summary. */
async function liveSummary(command: string, args: string[], ready: RegExp | number): Promise<{ text: string; json: any } | null> {
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
  try {
    const started = await new Promise<boolean>((resolve) => {
      let seen = '';
      const timer = setTimeout(() => resolve(false), 30000);
      child.on('error', () => { clearTimeout(timer); resolve(false); });
      if (typeof ready === 'number') setTimeout(() => { clearTimeout(timer); resolve(child.exitCode === null); }, ready);
      child.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (typeof ready !== 'number' && ready.test(seen)) { clearTimeout(timer); resolve(true); }
      });
    });
    if (!started) return null;
    const text = tspmap(['--summary', String(child.pid)]).stdout;
    const json = JSON.parse(tspmap(['--json', String(child.pid)]).stdout);
    return { text, json };
  } finally {
    child.kill('SIGKILL');
  }
}

function labels(json: any): string[] {
  return json.processes[0].mappings.map((m: { category: string; label: string }) => `${m.category}/${m.label}`);
}

describe('rules on live runtimes', () => {
  it('node: V8 heap pages, code range, thread stacks, malloc arenas', async () => {
    const found = await liveSummary(process.execPath, ['-e', 'new (require("worker_threads").Worker)("setInterval(()=>{},1e3)",{eval:true}); setTimeout(()=>console.log("ready"),300); setInterval(()=>{},1e3)'], /ready/);
    expect(found).not.toBeNull();
    const seen = labels(found!.json);
    for (const label of ['runtime/V8 heap page', 'runtime/V8 code space', 'reserved/V8 code range (reserved)', 'stack/thread stack', 'heap/malloc arena']) {
      expect(seen).toContain(label);
    }
    // No other runtime's rule fires in node (V8 pages can land in Go's range).
    expect(seen.filter((label) => /Go |Java|JVM/.test(label))).toEqual([]);
  });

  it('python: thread stacks and malloc arenas', async () => {
    const script = 'import threading,time\nev=threading.Event()\ndef work():\n  x=[bytes(100) for _ in range(1000)]\n  ev.wait()\nthreading.Thread(target=work).start()\ntime.sleep(0.3)\nprint("ready",flush=True)\ntime.sleep(60)';
    const found = await liveSummary('python3', ['-c', script], /ready/);
    if (found === null) {
      console.warn('python3 could not be started: skipping its live check');
      return;
    }
    const seen = labels(found.json);
    for (const label of ['stack/thread stack', 'guard/thread stack guard', 'heap/malloc arena', 'heap/[heap]']) expect(seen).toContain(label);
  });

  it('a JVM: the Java heap and the code cache', async (ctx) => {
    if (spawnSync('java', ['-version']).status !== 0) {
      console.warn('NOTICE: java is not installed: the JVM rules are not checked live');
      ctx.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'tspmap-jvm-'));
    writeFileSync(join(dir, 'Hold.java'), 'public class Hold { public static void main(String[] a) throws Exception { System.out.println("ready"); Thread.sleep(60000); } }');
    const found = await liveSummary('java', ['-Xmx128m', join(dir, 'Hold.java')], /ready/);
    expect(found).not.toBeNull();
    const seen = labels(found!.json);
    for (const label of ['runtime/Java heap', 'runtime/JVM code cache', 'reserved/JVM code cache (reserved)', 'stack/thread stack']) {
      expect(seen).toContain(label);
    }
  }, 60000);

  it('Go (esbuild\'s binary): the heap arena', async (ctx) => {
    const esbuild = join(ROOT, 'node_modules', '@esbuild', 'linux-x64', 'bin', 'esbuild');
    if (!existsSync(esbuild)) {
      console.warn('NOTICE: no esbuild Go binary for this platform: the Go rule is not checked live');
      ctx.skip();
    }
    // With no entry point esbuild reads stdin (a pipe left open) and waits.
    const found = await liveSummary(esbuild, ['--loader=js'], 1500);
    expect(found).not.toBeNull();
    const seen = labels(found!.json);
    expect(seen).toContain('runtime/Go heap arena');
    expect(seen).toContain('reserved/Go heap arena (reserved)');
  });
});

/** smaps text for one mapping with the fields the rules look at. */
function entry(header: string, sizeKB: number, rssKB: number, extra: string[] = []): string {
  return [header, `Size: ${sizeKB} kB`, `Rss: ${rssKB} kB`, `Pss: ${rssKB} kB`, 'Swap: 0 kB', ...extra].join('\n');
}

describe('the rule table on hand-written mappings', () => {
  const smaps = [
    entry('00400000-00401000 r-xp 00000000 fe:01 12 /usr/bin/app', 4, 4),
    entry('00401000-00402000 r--p 00001000 fe:01 12 /usr/bin/app', 4, 4),
    entry('00402000-00403000 rw-p 00002000 fe:01 12 /usr/bin/app', 4, 4),
    entry('00403000-00405000 rw-p 00000000 00:00 0 ', 8, 4),
    entry('7f0000000000-7f0000200000 rw-s 00000000 00:10 99 /anon_hugepage (deleted)', 2048, 0, ['VmFlags: rd wr sh mr mw me ms ht']),
    entry('7f0000200000-7f0000201000 rw-s 00000000 00:01 7 /dev/shm/pulse-shm-1', 4, 4),
    entry('7f0000201000-7f0000202000 rw-s 00000000 00:01 8 [anon_shmem:ring]', 4, 4),
    entry('7f0000202000-7f0000203000 rw-p 00000000 00:00 0 [anon:scratch]', 4, 4),
    entry('7f0000203000-7f0000204000 rw-p 00000000 00:00 0 [anon:Go: heap]', 4, 4),
    entry('7f0000204000-7f0000205000 ---p 00000000 00:00 0 ', 4, 0),
    entry('7f0000300000-7f0001300000 ---p 00000000 00:00 0 ', 16384, 0),
    entry('7f0001400000-7f0001401000 r--p 00000000 fe:01 44 /usr/share/data.bin', 4, 4),
    entry('7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 ', 132, 8, ['VmFlags: rd wr mr mw me gd ac']),
    entry('7ffff7ff0000-7ffff7ff1000 r-xp 00000000 00:00 0 [uprobes]', 4, 0),
    '',
  ].join('\n');
  const mappings = parseSmapsDetailed(smaps);
  const classes = classifyMappings(mappings, 0).map((c) => `${c.category}/${c.label}`);

  it('gives each its category and label, first match winning', () => {
    expect(classes).toEqual([
      'code/code', 'rodata/read-only data', 'data/data', 'bss/[bss]',
      'hugetlb/hugetlb', 'shmem/POSIX shm (/dev/shm)', 'shmem/[anon_shmem:ring]',
      'anon/[anon:scratch]', 'runtime/[anon:Go: heap]',
      'guard/guard', 'reserved/reserved (PROT_NONE)', 'file/mapped file',
      'stack/main stack', 'kernel/uprobes',
    ]);
  });

  it('odd perms, past the lists it keeps per kind, classify as a fresh classifier does', () => {
    // 80 distinct hand-made perms (the kernel's make at most 16 per kind), far apart.
    const odd = Array.from({ length: 80 }, (_, i) => {
      const start = 0x10000000 + i * 0x100000;
      const perms = i % 2 ? `r${i.toString(36).padStart(3, '-')}` : `-w${i.toString(36).padStart(2, 'x')}`;
      return entry(`${start.toString(16)}-${(start + 0x1000).toString(16)} ${perms} 00000000 00:00 0 `, 4, i % 3);
    });
    const oddMappings = parseSmapsDetailed([...odd, ''].join('\n'));
    expect(new Set(oddMappings.map((m) => m.perms)).size).toBe(80);
    const all = classifyMappings([...oddMappings, ...mappings], 0);
    expect(all.slice(80).map((c) => `${c.category}/${c.label}`)).toEqual(classes);
    oddMappings.forEach((mapping, i) => expect(all[i]).toEqual(classifyMappings([mapping], 0)[0]));
  });

  it('puts user rules before the built-in ones', () => {
    const parsed = parseRulesFile(JSON.stringify([{ category: 'scratch', name: '^\\[anon:(\\w+)\\]$', label: 'named $1' }]), 'r');
    expect(parsed.ok).toBe(true);
    const user = classifyMappings(mappings, 0, parsed.ok ? parsed.rules : []);
    expect(`${user[7]!.category}/${user[7]!.label}`).toBe('scratch/named scratch');
    expect(user[0]!.category).toBe('code');
  });
});

describe('vm.max_map_count', () => {
  it('warns past 90% of the limit read under the proc root', () => {
    const tree = mkdtempSync(join(tmpdir(), 'tspmap-mapcount-'));
    cpSync(join(FIXTURES, 'python3', 'tree'), tree, { recursive: true });
    const sys = join(tree, 'sys', 'vm');
    mkdirSync(sys, { recursive: true });
    const count = readFileSync(join(tree, '25717', 'maps'), 'latin1').trim().split('\n').length;
    writeFileSync(join(sys, 'max_map_count'), `${count + 1}\n`);
    const near = tspmap(['--summary', '--proc-root', tree, '25717']).stdout;
    expect(near).toContain(`mappings ${count} of vm.max_map_count ${count + 1}\n`);
    expect(near).toContain(`warning: ${count} mappings is ${Math.floor((count * 100) / (count + 1))}% of vm.max_map_count (${count + 1}); mmap fails at the limit\n`);
    writeFileSync(join(sys, 'max_map_count'), `${Math.ceil(count / 0.9)}\n`);
    expect(tspmap(['--summary', '--proc-root', tree, '25717']).stdout).not.toContain('warning:');
    rmSync(tree, { recursive: true, force: true });
  });
});
