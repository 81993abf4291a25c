/**
 * On a pseudo-terminal, without --color, tspmap prints pmap's bytes in
 * every mode, whatever the environment says about colour (FORCE_COLOR,
 * COLORTERM, TERM). `script` provides the pty, so this runs on CI where
 * there is no terminal; both programs go through the same pty, so its
 * CR-LF translation applies to both and the captured bytes compare exactly.
 *
 * Live modes run pmap and tspmap on the same SIGSTOPped processes. PSS
 * changes with every reader, so -X and -XX compare over a frozen copy of
 * /proc: tspmap with --proc-root, pmap with the copy bind-mounted on /proc
 * in its own mount namespace (root only; skipped with a notice otherwise).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TSPMAP_BIN } from './helpers/run.js';
import { frozenCopy } from './helpers/frozen-copy.js';

const PMAP = '/usr/bin/pmap';

function missing(): string | null {
  if (!existsSync(PMAP)) return `${PMAP} is not installed`;
  if (spawnSync('script', ['-qec', 'true', '/dev/null']).status !== 0) return 'script (util-linux) cannot open a pty here';
  return null;
}
const unavailable = missing();
if (unavailable) console.warn(`[terminal] SKIPPED: ${unavailable}`);
const rootProblem =
  process.getuid?.() !== 0 ? 'not root' : spawnSync('unshare', ['-m', 'true']).status !== 0 ? 'unshare -m fails' : null;
if (!unavailable && rootProblem) console.warn(`[terminal] -X/-XX over a frozen copy SKIPPED: ${rootProblem}`);

/** Environments a terminal session may have; none may bring colour without --color. */
const ENVIRONMENTS: Array<Record<string, string>> = [
  { TERM: 'xterm' },
  { TERM: 'xterm', FORCE_COLOR: '1' },
  { TERM: 'xterm-256color', COLORTERM: 'truecolor', FORCE_COLOR: '3' },
];

const SUBJECTS: Record<string, string[]> = {
  sleep: ['sleep', '600'],
  python3: ['python3', '-c', 'import mmap, os, time\nfd = os.memfd_create("tspmap tty")\nos.ftruncate(fd, 8192)\nm = mmap.mmap(fd, 8192)\ntime.sleep(600)'],
  node: [process.execPath, '-e', 'setTimeout(() => {}, 600000)'],
};

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The bytes a command writes to a pty, with its exit status. */
function onPty(argv: readonly string[], env: Record<string, string>): { bytes: string; status: number | null } {
  const run = spawnSync('script', ['-qec', argv.map(quote).join(' '), '/dev/null'], {
    env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', LANG: 'C.UTF-8', ...env },
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
  });
  return { bytes: run.stdout, status: run.status };
}

/** -A over the second to the fifth mapping of the process. */
function rangeOf(pid: number): string {
  const starts = readFileSync(`/proc/${pid}/maps`, 'latin1').split('\n').map((line) => line.split('-')[0]!);
  return `${starts[1]},${starts[4]}`;
}

function liveModes(pid: number): string[][] {
  const range = rangeOf(pid);
  return [[], ['-x'], ['-d'], ['-q'], ['-p'], ['-x', '-q'], ['-d', '-p'], ['-A', range], ['-x', '-A', range]];
}
const COPY_MODES = [['-X'], ['-XX'], ['-X', '-q'], ['-XX', '-p'], ['-X', '-A', '0,ffffffff']];

function snapshot(pidList: number[]): string {
  return frozenCopy(pidList, 'tspmap-tty-tree-');
}

describe.skipIf(unavailable !== null)('on a pseudo-terminal, without --color: pmap\'s bytes', () => {
  const children: ChildProcess[] = [];
  const pids: Record<string, number> = {};
  let compared = 0;

  beforeAll(async () => {
    for (const [label, argv] of Object.entries(SUBJECTS)) {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
      children.push(child);
      pids[label] = child.pid!;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const child of children) process.kill(child.pid!, 'SIGSTOP');
  }, 20_000);
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    console.info(`[terminal] ${compared} pty comparisons of tspmap against pmap`);
  });

  for (const label of Object.keys(SUBJECTS)) {
    it(`${label}: every live mode, in ${ENVIRONMENTS.length} environments`, () => {
      const pid = pids[label]!;
      for (const mode of liveModes(pid)) {
        for (const env of ENVIRONMENTS) {
          const args = [...mode, String(pid)];
          const expected = onPty([PMAP, ...args], env);
          expect(expected.bytes).toContain(`${pid}:   `);
          const actual = onPty([process.execPath, TSPMAP_BIN, ...args], env);
          expect(actual, `${args.join(' ')} ${JSON.stringify(env)}`).toEqual(expected);
          compared++;
        }
      }
    }, 120_000);
  }

  it.skipIf(rootProblem !== null)('-X and -XX over a frozen copy, in every environment', () => {
    const tree = snapshot(Object.values(pids));
    const oracle = join(tree, 'oracle.sh');
    writeFileSync(oracle, 'mount --bind "$1" /proc && shift && exec /usr/bin/pmap "$@"\n');
    try {
      for (const pid of Object.values(pids)) {
        for (const mode of COPY_MODES) {
          for (const env of ENVIRONMENTS) {
            const args = [...mode, String(pid)];
            const expected = onPty(['unshare', '-m', 'bash', oracle, tree, ...args], env);
            expect(expected.bytes).toContain(`${pid}:   `);
            const actual = onPty([process.execPath, TSPMAP_BIN, '--proc-root', tree, ...args], env);
            expect(actual, `${args.join(' ')} ${JSON.stringify(env)}`).toEqual(expected);
            compared++;
          }
        }
      }
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  }, 120_000);

  it('and --color does colour the same run (the pty is a terminal)', () => {
    const pid = String(pids.sleep);
    const coloured = onPty([process.execPath, TSPMAP_BIN, '--color', '-x', pid], { TERM: 'xterm' }).bytes;
    expect(coloured).toContain('\u001b[');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(onPty([PMAP, '-x', pid], { TERM: 'xterm' }).bytes);
  });
});
