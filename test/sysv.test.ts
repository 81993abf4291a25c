/**
 * SysV labels decided by pmap's own rule (issue 9): tspmap attaches a
 * segment of its own to learn the shm device minor, as pmap does, so the
 * labels agree where the old /proc/sysvipc/shm lookup did not:
 *   - an SHM_HUGETLB segment (its minor is hugetlbfs', so pmap does not label it),
 *   - a holder in an IPC namespace of its own, read from the host,
 *   - tspmap (and pmap) in another IPC namespace than the holder,
 *   - a memfd named "/SYSV..." (on the shm device: pmap labels it).
 * Each compares tspmap against /usr/bin/pmap on the same frozen holder.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, RunResult, TSPMAP_BIN, cleanEnv, runCommand } from './helpers/run.js';

const PMAP = '/usr/bin/pmap';
const HOLDER = join(REPO_ROOT, 'scripts', 'live', 'sysv-cases.py');
const NR_HUGEPAGES = '/proc/sys/vm/nr_hugepages';

function missing(): string | null {
  if (!existsSync(PMAP)) return `${PMAP} is not installed`;
  if (spawnSync('python3', ['-c', 'import ctypes']).status !== 0) return 'python3 with ctypes is missing';
  if (process.getuid?.() !== 0) return 'not root (unshare -i needs it)';
  if (spawnSync('unshare', ['-i', 'true']).status !== 0) return 'unshare -i fails here';
  return null;
}
const unavailable = missing();
if (unavailable) console.warn(`[sysv] SKIPPED: ${unavailable}`);

const MODES = [[], ['-x'], ['-d'], ['-p'], ['-x', '-q'], ['-d', '-q']];
const holders: ChildProcess[] = [];
let compared = 0;

/** Start a holder (optionally in its own IPC namespace), wait for it, freeze it. */
async function startHolder(kind: string, ownIpcNamespace = false): Promise<number> {
  const argv = ownIpcNamespace ? ['unshare', '-i', 'python3', HOLDER, kind] : ['python3', HOLDER, kind];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  holders.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.on('exit', () => reject(new Error(`holder ${kind} exited: ${stderr}`)));
  });
  // unshare execs python3, so the child's pid is the holder's.
  process.kill(child.pid!, 'SIGSTOP');
  return child.pid!;
}

/** Run a program directly or inside a fresh IPC namespace. */
function runIn(ipcNamespace: boolean, argv: string[]): Promise<RunResult> {
  const [command, ...args] = ipcNamespace ? ['unshare', '-i', ...argv] : argv;
  return runCommand(command!, args, cleanEnv());
}

async function compareAll(pid: number, ipcNamespace = false): Promise<string> {
  let labels = '';
  for (const mode of MODES) {
    const args = [...mode, String(pid)];
    const expected = await runIn(ipcNamespace, [PMAP, ...args]);
    const actual = await runIn(ipcNamespace, [process.execPath, TSPMAP_BIN, ...args]);
    expect(expected.status).toBe(0);
    expect(actual.stdout.toString('latin1'), args.join(' ')).toBe(expected.stdout.toString('latin1'));
    expect(actual.stderr.toString('latin1')).toBe('');
    expect(actual.status).toBe(expected.status);
    compared++;
    if (mode.length === 0) labels = expected.stdout.toString('latin1');
  }
  return labels;
}

describe.skipIf(unavailable !== null)('SysV labels as pmap decides them (live)', () => {
  afterAll(() => {
    for (const holder of holders) holder.kill('SIGKILL');
    console.info(`[sysv] ${compared} comparisons of tspmap against pmap`);
  });

  it('an SHM_HUGETLB segment before an ordinary one', async (context) => {
    let original: string;
    try {
      original = readFileSync(NR_HUGEPAGES, 'utf8');
      writeFileSync(NR_HUGEPAGES, String(Number(original) + 2));
    } catch (error) {
      console.warn(`[sysv] SHM_HUGETLB case SKIPPED: cannot reserve huge pages (${(error as Error).message})`);
      return context.skip();
    }
    try {
      const free = Number(/HugePages_Free:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
      if (free < 1) {
        console.warn('[sysv] SHM_HUGETLB case SKIPPED: the kernel reserved no huge page');
        return context.skip();
      }
      const pid = await startHolder('hugetlb');
      const labels = await compareAll(pid);
      // pmap: the huge-page segment is not labelled, the ordinary one is.
      expect(labels).toMatch(/ SYSV00000000 \(deleted\)\n/);
      expect(labels).toMatch(/\[ shmid=0x[0-9a-f]+ \]\n/);
      const api = await import('../src/index.js');
      expect(api.formatDefault(api.readProcess(pid), { bytes: true })).toBe(labels);
    } finally {
      for (const holder of holders.splice(0)) holder.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
      writeFileSync(NR_HUGEPAGES, original);
    }
  }, 60_000);

  it('a holder in an IPC namespace of its own, read from the host', async () => {
    const labels = await compareAll(await startHolder('plain', true));
    expect(labels).toMatch(/shmid=0x|SYSV/);
  }, 60_000);

  it('tspmap and pmap in another IPC namespace than the holder', async () => {
    const labels = await compareAll(await startHolder('plain'), true);
    expect(labels).toMatch(/shmid=0x|SYSV/);
  }, 60_000);

  it('loads koffi only for a target with a major-0 "/SYSV" mapping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tspmap-koffi-'));
    try {
      // Reports every require('koffi') on stderr.
      const hook = join(dir, 'hook.cjs');
      writeFileSync(hook, [
        "const Module = require('node:module');",
        'const load = Module._load;',
        "Module._load = function (request, ...rest) { if (request === 'koffi') process.stderr.write('koffi loaded\\n'); return load.call(this, request, ...rest); };",
      ].join('\n'));
      const withHook = (pid: number): Promise<RunResult> =>
        runCommand(process.execPath, ['--require', hook, TSPMAP_BIN, '-x', String(pid)], cleanEnv());
      const plain = await withHook(process.pid);
      expect(plain.status).toBe(0);
      expect(plain.stderr.toString()).toBe('');
      const sysv = await withHook(await startHolder('memfd'));
      expect(sysv.stdout.toString()).toContain('[ shmid=0x');
      expect(sysv.stderr.toString()).toBe('koffi loaded\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a memfd named "/SYSV..." is labelled as pmap labels it', async () => {
    const labels = await compareAll(await startHolder('memfd'));
    expect(labels).toMatch(/\[ shmid=0x[0-9a-f]+ \]\n[^]*\[ shmid=0x[0-9a-f]+ \]\n/);
  }, 60_000);
});
