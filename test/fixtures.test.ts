/**
 * The fixture oracle: every recorded case under fixtures/<name>/cases/<id>
 * holds what procps-ng 4.0.2 pmap printed over fixtures/<name>/tree. tspmap
 * runs over the same tree with --proc-root and must match byte for byte:
 * stdout, stderr (recorded with the program named "tspmap") and status.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runTspmap } from './helpers/run.js';
import { casesOf, expectAsRecorded, fixtureNames } from './helpers/oracle.js';

const cases = fixtureNames().flatMap(casesOf);
const scratch = mkdtempSync(join(tmpdir(), 'tspmap-fixtures-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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
        expectAsRecorded(result, testCase);
      });
    }
  });
});
