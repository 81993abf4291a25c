/**
 * Differential fuzzing against the real procps-ng pmap (scripts/fuzz.mjs) with
 * a fixed seed: a few hundred random /proc trees, each run in a random subset
 * of the modes, must give byte-identical stdout, stderr and exit status.
 * Cases where pmap itself crashes or is nondeterministic are excluded by the
 * fuzzer. Needs root (unshare -m, mount --bind) and /usr/bin/pmap; skipped
 * with a notice otherwise. Reproduce a failure with
 *   npm run fuzz -- --seed 20241125 --cases 300 --modes-per-tree 3 --keep-failures /tmp/fuzz-failures
 */
import { describe, expect, it } from 'vitest';
import { pmapOracleProblem } from './helpers/oracle.js';

const SEED = 20241125;
const TREES = 300;
const MODES_PER_TREE = 3;

interface FuzzReport {
  summary: string;
  counts: { trees: number; runs: number; divergent: number; ubCrash: number; ubNondet: number; notImplemented: number };
  divergences: Array<{
    index: number;
    mode: string;
    sig: string;
    args: string[];
    env: Record<string, string>;
    hostile: string[];
    status: [number, number];
    stdout: { line: number; pmap?: string; tspmap?: string } | null;
    stderr: { line: number; pmap?: string; tspmap?: string } | null;
  }>;
}
type FuzzFn = (opts: Record<string, unknown>) => Promise<FuzzReport>;

const clip = (s: string | undefined) => JSON.stringify(s === undefined || s.length <= 120 ? s : `${s.slice(0, 120)}...`);

function oracleProblem(): string | null {
  return pmapOracleProblem();
}

const problem = oracleProblem();
if (problem) console.warn(`fuzz.test.ts: differential fuzzing against pmap is SKIPPED (${problem})`);

describe.skipIf(problem !== null)('differential fuzzing against procps-ng pmap', () => {
  it(
    `seed ${SEED}: ${TREES} random trees agree byte for byte`,
    async () => {
      const { fuzz } = (await import('../scripts/fuzz.mjs')) as { fuzz: FuzzFn };
      const report = await fuzz({
        seed: SEED,
        cases: TREES,
        modesPerTree: MODES_PER_TREE,
        minimize: 0,
        jobs: 4,
        log: () => {},
      });
      console.info(report.summary);
      expect(report.counts.trees).toBe(TREES);
      const shown = report.divergences.slice(0, 15).map(
        (d) =>
          `tree ${d.index} mode ${d.mode} [${d.sig}] status pmap/tspmap ${d.status.join('/')} argv ${JSON.stringify(d.args)} env ${JSON.stringify(d.env)}` +
          (d.hostile.length ? ` hostile ${d.hostile.join(',')}` : '') +
          (d.stdout ? `\n    stdout line ${d.stdout.line}: pmap ${clip(d.stdout.pmap)} / tspmap ${clip(d.stdout.tspmap)}` : '') +
          (d.stderr ? `\n    stderr line ${d.stderr.line}: pmap ${clip(d.stderr.pmap)} / tspmap ${clip(d.stderr.tspmap)}` : ''),
      );
      expect(shown, report.summary).toEqual([]);
    },
    170_000,
  );
});
