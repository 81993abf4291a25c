/**
 * The fixture oracle: every recorded case under fixtures/<name>/cases/<id>
 * holds what procps-ng 4.0.2 pmap printed over fixtures/<name>/tree. tspmap
 * runs over the same tree with --proc-root and must match byte for byte:
 * stdout, stderr (recorded with the program named "tspmap") and status.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cleanEnv, runTspmap } from './helpers/run.js';

interface FixtureCase {
  fixture: string;
  id: string;
  argv: string[];
  env: Record<string, string>;
  stdout: Buffer;
  stderr: Buffer;
  status: number;
}

const FIXTURES = join(REPO_ROOT, 'fixtures');

function loadCases(): FixtureCase[] {
  const cases: FixtureCase[] = [];
  for (const fixture of readdirSync(FIXTURES).sort()) {
    const casesDir = join(FIXTURES, fixture, 'cases');
    if (!existsSync(casesDir) || !existsSync(join(FIXTURES, fixture, 'tree'))) continue;
    for (const id of readdirSync(casesDir).sort()) {
      const dir = join(casesDir, id);
      const envFile = join(dir, 'env');
      cases.push({
        fixture,
        id,
        argv: JSON.parse(readFileSync(join(dir, 'argv'), 'utf8')) as string[],
        env: existsSync(envFile) ? (JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>) : {},
        stdout: readFileSync(join(dir, 'stdout')),
        stderr: readFileSync(join(dir, 'stderr')),
        status: Number(readFileSync(join(dir, 'status'), 'utf8').trim()),
      });
    }
  }
  return cases;
}

const cases = loadCases();
const scratch = mkdtempSync(join(tmpdir(), 'tspmap-fixtures-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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

/** Byte-exact comparison that still prints a readable diff on failure. */
function expectBytes(actual: Buffer, expected: Buffer, what: string): void {
  if (!actual.equals(expected)) {
    expect(actual.toString('latin1'), what).toBe(expected.toString('latin1'));
  }
}

describe('fixture oracle', () => {
  it('has fixtures to compare', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  describe.concurrent.each(Array.from(new Set(cases.map((c) => c.fixture))))('%s', (fixture) => {
    for (const testCase of cases.filter((c) => c.fixture === fixture)) {
      it(testCase.id, async () => {
        // Each case gets its own empty HOME unless it names one (-c, -n).
        const home = mkdtempSync(join(scratch, 'home-'));
        const env = cleanEnv({ HOME: home, ...testCase.env });
        const tree = join('fixtures', fixture, 'tree');
        const result = await runTspmap(['--proc-root', tree, ...testCase.argv], env);
        const added = EXTENDS_PMAP_OUTPUT.get(`${fixture}/${testCase.id}`);
        if (added) {
          expectBytes(result.stdout.subarray(0, testCase.stdout.length), testCase.stdout, 'stdout prefix');
          expect(result.stdout.subarray(testCase.stdout.length).toString('latin1')).toMatch(added);
        } else {
          expectBytes(result.stdout, testCase.stdout, 'stdout');
        }
        expectBytes(result.stderr, testCase.stderr, 'stderr');
        expect(result.status, 'exit status').toBe(testCase.status);
      });
    }
  });
});
