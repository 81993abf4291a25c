/**
 * The recorded fixture cases, shared by the fixture oracle and the snapshot
 * round-trip: fixtures/<name>/cases/<id> holds what procps-ng 4.0.2 pmap
 * printed over fixtures/<name>/tree.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from './run.js';

export interface FixtureCase {
  fixture: string;
  id: string;
  argv: string[];
  env: Record<string, string>;
  stdout: Buffer;
  stderr: Buffer;
  status: number;
}

export const FIXTURES = join(REPO_ROOT, 'fixtures');
export const PMAP = '/usr/bin/pmap';

/** Fixtures with a tree and recorded cases, sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .sort()
    .filter((name) => existsSync(join(FIXTURES, name, 'cases')) && existsSync(join(FIXTURES, name, 'tree')));
}

export function casesOf(fixture: string): FixtureCase[] {
  const casesDir = join(FIXTURES, fixture, 'cases');
  return readdirSync(casesDir)
    .sort()
    .map((id) => {
      const dir = join(casesDir, id);
      const envFile = join(dir, 'env');
      return {
        fixture,
        id,
        argv: JSON.parse(readFileSync(join(dir, 'argv'), 'utf8')) as string[],
        env: existsSync(envFile) ? (JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>) : {},
        stdout: readFileSync(join(dir, 'stdout')),
        stderr: readFileSync(join(dir, 'stderr')),
        status: Number(readFileSync(join(dir, 'status'), 'utf8').trim()),
      };
    });
}

/** Byte-exact comparison that still prints a readable diff on failure. */
export function expectBytes(actual: Buffer, expected: Buffer, what: string): void {
  if (!actual.equals(expected)) expect(actual.toString('latin1'), what).toBe(expected.toString('latin1'));
}

/**
 * The deliberate differences from pmap: the long --help lists tspmap's
 * extensions after pmap's own text (issue 5), and the long --version adds
 * tspmap's release (issue 9); -h and -V stay identical. Their stdout must
 * start with exactly what pmap printed, followed by what is added.
 */
const EXTENDS_PMAP_OUTPUT = new Map([
  ['cli/help', /--json/],
  ['cli/version', /^tspmap \d+\.\d+\.\d+\n$/],
]);

/** tspmap's result equals pmap's recording: stdout, stderr and status. */
export function expectAsRecorded(
  result: { stdout: Buffer; stderr: Buffer; status: number | null },
  testCase: FixtureCase,
): void {
  const added = EXTENDS_PMAP_OUTPUT.get(`${testCase.fixture}/${testCase.id}`);
  if (added) {
    expectBytes(result.stdout.subarray(0, testCase.stdout.length), testCase.stdout, 'stdout prefix');
    expect(result.stdout.subarray(testCase.stdout.length).toString('latin1')).toMatch(added);
  } else {
    expectBytes(result.stdout, testCase.stdout, 'stdout');
  }
  expectBytes(result.stderr, testCase.stderr, 'stderr');
  expect(result.status, 'exit status').toBe(testCase.status);
}

/**
 * Why the real pmap cannot be run over a tree here (null when it can): the
 * oracle is `unshare -m sh -c 'mount --bind TREE /proc && exec pmap …'`, so
 * it needs /usr/bin/pmap, root, and a private mount namespace that allows a
 * bind mount onto /proc. Each test file words its own skip notice.
 */
export function pmapOracleProblem(): string | null {
  if (!existsSync(PMAP)) return `${PMAP} is missing`;
  if (process.getuid?.() !== 0) return 'not root (unshare -m needs it)';
  const dir = mkdtempSync(join(tmpdir(), 'tspmap-oracle-probe-'));
  try {
    const probe = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind ${dir} /proc && echo ok`], { encoding: 'utf8' });
    if (probe.status !== 0 || !probe.stdout.includes('ok')) return `unshare -m / mount --bind failed: ${(probe.stderr ?? '').trim()}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return null;
}
