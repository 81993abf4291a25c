/**
 * Live differential test: tspmap against /usr/bin/pmap on real processes,
 * frozen with SIGSTOP so that maps and smaps hold still. PSS-bearing modes
 * (-X, -XX) are compared over a frozen copy of /proc instead, because PSS
 * changes with the number of processes mapping a page, the reader included.
 * Skipped, with a notice, where pmap or root (for unshare) is missing.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult, cleanEnv, runCommand, runTspmap } from './helpers/run.js';
import { pmapOracleProblem } from './helpers/oracle.js';
import { frozenCopy } from './helpers/frozen-copy.js';

const PMAP = '/usr/bin/pmap';

function oracleAvailable(): string | null {
  return pmapOracleProblem();
}

const unavailable = oracleAvailable();
if (unavailable) console.warn(`[live differential] SKIPPED: ${unavailable}`);

/** Long-lived processes of different kinds; each is frozen once started. */
const SUBJECTS: Record<string, string[]> = {
  sleep: ['sleep', '600'],
  bash: ['bash', '-c', 'sleep 600; echo done'],
  python3: ['python3', '-c', 'import time, json, decimal; time.sleep(600)'],
  pythonThreads: ['python3', '-c', 'import threading, time\nfor _ in range(4): threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\ntime.sleep(600)'],
  pythonMmap: ['python3', '-c', 'import mmap, os, time\nf = open("/etc/passwd", "rb")\nm = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)\nfd = os.memfd_create("tspmap live")\nos.ftruncate(fd, 8192)\nm2 = mmap.mmap(fd, 8192)\ntime.sleep(600)'],
  node: [process.execPath, '-e', 'setTimeout(() => {}, 600000)'],
  perl: ['perl', '-e', 'sleep 600'],
  tail: ['tail', '-f', '/dev/null'],
  cat: ['sh', '-c', 'exec cat > /dev/null'],
  // Two attached SysV segments, removed at once so they die with the process.
  sysvShm: ['python3', '-c', [
    'import ctypes, time',
    'libc = ctypes.CDLL(None)',
    'libc.shmat.restype = ctypes.c_void_p',
    'libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]',
    'for key, size in ((0, 8192), (0x1234, 4096)):',
    '    shmid = libc.shmget(key, size, 0o1600)',
    '    libc.shmat(shmid, None, 0)',
    '    libc.shmctl(shmid, 0, None)',
    'time.sleep(600)',
  ].join('\n')],
  'odd argv': ['python3', '-c', 'import time; time.sleep(600)', 'two  spaces', 'tab\there', 'caf\u00e9'],
  // 20,000 mappings (every other page made read-only so none merge): maps
  // is ~1.6 MB, more than one read block, which is where the byte path
  // warms its loop (format/basic-bytes.ts) and -x reads ahead.
  'many mappings': ['python3', '-c', [
    'import ctypes, mmap, time',
    'pages = 20000',
    'm = mmap.mmap(-1, pages * 4096)',
    'base = ctypes.addressof(ctypes.c_char.from_buffer(m))',
    'libc = ctypes.CDLL(None)',
    'for i in range(0, pages, 2): libc.mprotect(ctypes.c_void_p(base + i * 4096), 4096, 1)',
    'time.sleep(600)',
  ].join('\n')],
};

const children: ChildProcess[] = [];
const pids: Record<string, number> = {};

async function startSubjects(): Promise<void> {
  for (const [label, argv] of Object.entries(SUBJECTS)) {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(child);
    pids[label] = child.pid!;
  }
  // Let them reach their steady state (imports done, threads started).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const [label, child] of Object.entries(children)) {
    if (child.exitCode !== null) throw new Error(`subject ${label} exited early`);
    process.kill(child.pid!, 'SIGSTOP');
  }
}

function pmapLive(args: readonly string[]): Promise<RunResult> {
  return runCommand(PMAP, args, cleanEnv(), { argv0: 'tspmap' });
}

function pmapOverTree(tree: string, args: readonly string[]): Promise<RunResult> {
  const script = 'mount --bind "$1" /proc && shift && exec -a tspmap /usr/bin/pmap "$@"';
  return runCommand('unshare', ['-m', 'bash', '-c', script, '_', tree, ...args], cleanEnv());
}

function expectSame(actual: RunResult, expected: RunResult): void {
  expect(actual.stdout.toString('latin1')).toBe(expected.stdout.toString('latin1'));
  expect(actual.stderr.toString('latin1')).toBe(expected.stderr.toString('latin1'));
  expect(actual.status).toBe(expected.status);
}

function snapshot(pidList: number[]): string {
  return frozenCopy(pidList, 'tspmap-live-tree-');
}

const LIVE_MODES = [[], ['-x'], ['-d'], ['-q'], ['-p'], ['-x', '-p'], ['-d', '-q'], ['-x', '-q']];
const SNAPSHOT_MODES = [['-X'], ['-XX'], ['-X', '-q'], ['-X', '-p'], ['-XX', '-q']];

describe.skipIf(unavailable !== null)('live differential against /usr/bin/pmap', () => {
  beforeAll(startSubjects, 30_000);
  afterAll(() => {
    for (const child of children) {
      try {
        process.kill(child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it('freezes twelve live processes', () => {
    expect(Object.keys(pids)).toHaveLength(12);
  });

  it('gives one of them maps larger than a read block', () => {
    expect(readFileSync(`/proc/${pids['many mappings']}/maps`).length).toBeGreaterThan(1_000_000);
  });

  it('recognises live SysV segments as pmap does', async () => {
    const result = await runTspmap([String(pids.sysvShm)], cleanEnv());
    expect(result.stdout.toString('latin1')).toMatch(/\[ shmid=0x[0-9a-f]+ \]\n[^]*\[ shmid=0x[0-9a-f]+ \]/);
    expectSame(result, await pmapLive([String(pids.sysvShm)]));
  });

  it('the library API formats a live process as pmap prints it, SysV included', async () => {
    const api = await import('../src/index.js');
    const expected = await pmapLive([String(pids.sysvShm)]);
    const info = api.readProcess(pids.sysvShm!);
    expect(api.formatDefault(info, { bytes: true })).toBe(expected.stdout.toString('latin1'));
  });

  for (const label of Object.keys(SUBJECTS)) {
    for (const mode of LIVE_MODES) {
      it(`${label} ${mode.join(' ') || '(default)'}`, async () => {
        const args = [...mode, String(pids[label])];
        expectSame(await runTspmap(args, cleanEnv()), await pmapLive(args));
      });
    }
  }

  it('a thread id prints its process', async () => {
    const tgid = pids.pythonThreads!;
    const tid = readdirSync(`/proc/${tgid}/task`).map(Number).find((t) => t !== tgid)!;
    const args = ['-x', String(tid)];
    expectSame(await runTspmap(args, cleanEnv()), await pmapLive(args));
  });

  it('several PIDs, a duplicate and a missing one in one call', async () => {
    const args = ['-x', ...Object.values(pids).map(String), String(pids.sleep), '99999999'];
    expectSame(await runTspmap(args, cleanEnv()), await pmapLive(args));
  });

  for (const mode of SNAPSHOT_MODES) {
    it(`frozen copy ${mode.join(' ')}`, async () => {
      const tree = snapshot(Object.values(pids));
      try {
        for (const pid of Object.values(pids)) {
          const args = [...mode, String(pid)];
          expectSame(await runTspmap(['--proc-root', tree, ...args], cleanEnv()), await pmapOverTree(tree, args));
        }
      } finally {
        rmSync(tree, { recursive: true, force: true });
      }
    });
  }
});
