/**
 * `tspmap diff A [B]`: what changed in a process's memory between two
 * samples, each a snapshot file, a sample of a series (FILE@N, FILE@TIME)
 * or a live PID. One snapshot file alone compares its first and last sample.
 *
 * Exit statuses (README "Memory over time"): 0 compared; 1 usage, or a
 * process missing or unreadable; 2 a snapshot file unusable; 3 --fail-over
 * exceeded; 4 the same PID names another process (reused, or another boot)
 * and --allow-reuse was not given.
 */
import { DiffSide, diffJson, renderDiffText } from '../format/diff.js';
import { TSPMAP_VERSION } from '../format/json.js';
import { DiffResult, Measure, diffMappings, reusedPidProblem } from '../model/diff.js';
import { Threshold, parseCount, parseThreshold } from '../parse/units.js';
import { USAGE_STATUS, complain, loadCommander, parseCommand, writeOut } from './commander.js';
import { LoadedSample, ProcessError, SnapshotError, loadOperand, snapshotOf, splitOperand } from './samples.js';

type Env = Readonly<Record<string, string | undefined>>;

export const DIFF_STATUS = { ok: 0, usage: USAGE_STATUS, process: 1, snapshot: 2, failOver: 3, reusedPid: 4 } as const;

interface DiffOptions {
  json?: boolean;
  pid?: string;
  measure: string;
  failOver?: string;
  top: string;
  allowReuse?: boolean;
}

/** Measure names on the command line; uss and private are the same thing. */
const MEASURE_NAMES: Record<string, Measure> = {
  size: 'size', rss: 'rss', pss: 'pss', uss: 'uss', private: 'uss', dirty: 'privateDirty', 'private-dirty': 'privateDirty', swap: 'swap',
};

class UsageError extends Error {}

async function operandsOf(operands: readonly string[], wanted: number | null): Promise<[LoadedSample, LoadedSample]> {
  if (operands.length === 2) return [await loadOperand(operands[0]!, wanted), await loadOperand(operands[1]!, wanted)];
  const only = operands[0]!;
  if (operands.length !== 1 || /^[0-9]+$/.test(only) || splitOperand(only).at !== null) {
    throw new UsageError('expected two samples (A B), or one snapshot file holding a series');
  }
  const snapshot = await snapshotOf(only);
  if (snapshot.samples.length < 2) throw new UsageError(`${only} holds one sample; give two samples to compare`);
  return [await loadOperand(`${only}@0`, wanted), await loadOperand(`${only}@-1`, wanted)];
}

function failOverMessage(result: DiffResult, measure: Measure, limit: Threshold, text: string): string | null {
  const before = result.total.before[measure];
  const delta = result.total.delta[measure];
  const over = limit.kind === 'kB' ? delta > limit.kB : before > 0 ? (delta / before) * 100 > limit.percent : delta > 0;
  if (!over) return null;
  const share = before > 0 ? ` (+${((delta / before) * 100).toFixed(1)}%)` : '';
  return `${measure} grew by ${delta} kB${share}, more than --fail-over ${text}`;
}

interface Checked {
  wanted: number | null;
  measure: Measure;
  limit: Threshold | null;
  top: number;
}

function checkOptions(opts: DiffOptions): Checked {
  const measure = MEASURE_NAMES[opts.measure];
  if (!measure) throw new UsageError(`--measure '${opts.measure}': use one of ${Object.keys(MEASURE_NAMES).join(', ')}`);
  const limit = opts.failOver !== undefined ? parseThreshold(opts.failOver) : null;
  if (opts.failOver !== undefined && limit === null) throw new UsageError(`--fail-over '${opts.failOver}': use a size (kB, or 512k, 10M, 1G) or a percentage (5%)`);
  const top = parseCount(opts.top);
  if (top === null) throw new UsageError(`--top '${opts.top}': not a positive whole number`);
  const wanted = opts.pid !== undefined ? parseCount(opts.pid) : null;
  if (opts.pid !== undefined && wanted === null) throw new UsageError(`--pid '${opts.pid}': not a process ID`);
  return { wanted, measure, limit, top };
}

export async function run(args: readonly string[], _env: Env, name: string): Promise<number> {
  const { Command, Option } = loadCommander();
  const prefix = `${name} diff`;
  const command = new Command(prefix)
    .description('compare two samples of a process: snapshot files, FILE@N / FILE@TIME samples of a series, or live PIDs')
    .argument('<a>', 'the earlier sample (FILE, FILE@N, FILE@TIME or PID)')
    .argument('[b]', 'the later sample; omitted: the first and last sample of the series in A')
    .option('--json', 'print JSON (schema/tspmap-diff.schema.json)')
    .option('--pid <pid>', 'the process to compare in snapshots that hold several')
    .addOption(new Option('--measure <name>', `what --fail-over and the sort use: ${Object.keys(MEASURE_NAMES).join(', ')}`).default('rss'))
    .option('--fail-over <limit>', 'exit with status 3 when the measure grew by more than LIMIT (kB, 512k, 10M, 1G, or 5%)')
    .addOption(new Option('--top <n>', 'rows shown per table').default('20'))
    .option('--allow-reuse', 'compare even when the PID names another process in B (reused PID)');
  const early = parseCommand(command, args);
  if (early !== null) return early;
  const opts = command.opts<DiffOptions>();
  try {
    const checked = checkOptions(opts);
    const [before, after] = await operandsOf(command.args, checked.wanted);
    return compare(before, after, checked, opts, prefix);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ProcessError || error instanceof SnapshotError) {
      complain(prefix, error.message);
      return error instanceof SnapshotError ? DIFF_STATUS.snapshot : DIFF_STATUS.usage;
    }
    throw error;
  }
}

function compare(before: LoadedSample, after: LoadedSample, checked: Checked, opts: DiffOptions, prefix: string): number {
  const reused = reusedPidProblem(before.identity, after.identity);
  if (reused !== null && !opts.allowReuse) {
    complain(prefix, `${reused}; not compared (--allow-reuse compares anyway)`);
    return DIFF_STATUS.reusedPid;
  }
  if (reused !== null) complain(prefix, `warning: ${reused}`);
  const result = diffMappings(before.mappings, after.mappings, checked.measure);
  const sides: [DiffSide, DiffSide] = [before.side, after.side];
  writeOut(
    opts.json
      ? `${JSON.stringify({ ...(diffJson(result, ...sides, TSPMAP_VERSION) as object), reusedPid: reused }, null, 2)}\n`
      : renderDiffText(result, ...sides, checked.top),
  );
  if (checked.limit !== null) {
    const over = failOverMessage(result, checked.measure, checked.limit, opts.failOver ?? '');
    if (over !== null) {
      complain(prefix, over);
      return DIFF_STATUS.failOver;
    }
  }
  return DIFF_STATUS.ok;
}


