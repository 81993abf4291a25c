/**
 * `tspmap record PID… [-o FILE] [--every DURATION --count N | --until-exit]`:
 * the raw /proc files of the processes into one snapshot file, one sample or
 * a timed series, rewritten atomically after every sample so an interrupted
 * series keeps what it took.
 */
import { DEFAULT_PROC_ROOT, ProcFS } from '../proc/procfs.js';
import { Sample, Snapshot, SnapshotError, readSnapshotFile, writeSnapshotFile } from '../proc/snapshot-container.js';
import { CaptureOptions, captureSample, snapshotMeta } from '../proc/snapshot-writer.js';
import { parseCount, parseDuration } from '../parse/units.js';
import { TSPMAP_VERSION } from '../format/json.js';
import { USAGE_STATUS, complain, loadCommander, parseCommand } from './commander.js';
import { parsePids } from './args.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Exit statuses of record (README "Memory over time"). */
export const RECORD_STATUS = { ok: 0, usage: USAGE_STATUS, snapshot: 2, missing: 42 } as const;

interface RecordOptions {
  output?: string;
  every?: string;
  count?: string;
  untilExit?: boolean;
  append?: boolean;
  anonymize?: boolean;
  totalsOnly?: boolean;
  procRoot?: string;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

function defaultOutput(pids: readonly number[], now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `tspmap-${pids.join('-')}-${stamp}.tar.gz`;
}

interface Plan {
  pids: number[];
  output: string;
  intervalMs: number;
  count: number;
  untilExit: boolean;
  append: boolean;
  capture: CaptureOptions;
  procRoot: string | null;
}

function plan(operands: readonly string[], opts: RecordOptions): Plan | string {
  const parsed = parsePids(operands);
  if (!parsed.ok || parsed.pids.length === 0) return 'expected one or more process IDs';
  const intervalMs = opts.every !== undefined ? parseDuration(opts.every) : 1000;
  if (intervalMs === null) return `--every '${opts.every}': not a duration (e.g. 500ms, 10s, 1m)`;
  const series = opts.every !== undefined || opts.untilExit === true;
  const count = opts.count !== undefined ? parseCount(opts.count) : series ? Number.POSITIVE_INFINITY : 1;
  if (count === null) return `--count '${opts.count}': not a positive whole number`;
  return {
    pids: parsed.pids,
    output: opts.output ?? defaultOutput(parsed.pids, new Date()),
    intervalMs,
    count,
    untilExit: opts.untilExit === true,
    append: opts.append === true,
    capture: { live: opts.procRoot === undefined, anonymize: opts.anonymize === true, totalsOnly: opts.totalsOnly === true },
    procRoot: opts.procRoot ?? null,
  };
}

export async function run(args: readonly string[], _env: Env, name: string): Promise<number> {
  const { Command, Option } = loadCommander();
  const prefix = `${name} record`;
  const command = new Command(`${name} record`)
    .description('record the raw /proc files of processes into a snapshot file (.tar.gz)')
    .argument('<pid...>', 'processes to record')
    .option('-o, --output <file>', 'snapshot file to write (default tspmap-PID-TIME.tar.gz)')
    .option('--every <duration>', 'take a sample every DURATION (500ms, 10s, 1m), appended to the same file')
    .option('--count <n>', 'stop after N samples (default 1, or until Ctrl-C with --every)')
    .option('--until-exit', 'keep sampling (every 1s unless --every) until every process has exited')
    .option('--append', 'add the samples to an existing snapshot file instead of replacing it')
    .option('--anonymize', 'replace command lines, command names and path components with stable hashes')
    .option('--totals-only', 'record smaps_rollup instead of smaps (totals only; pmap -x/-X cannot render it)')
    .addOption(new Option('--proc-root <dir>', 'record from a copied /proc tree instead of /proc'));
  const early = parseCommand(command, args);
  if (early !== null) return early;
  const setup = plan(command.args, command.opts<RecordOptions>());
  if (typeof setup === 'string') {
    complain(prefix, setup);
    return RECORD_STATUS.usage;
  }
  return recordSeries(setup, prefix);
}

async function startingSnapshot(setup: Plan, prefix: string): Promise<Snapshot | null | number> {
  if (!setup.append) return null;
  try {
    return await readSnapshotFile(setup.output);
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw error;
    complain(prefix, error.message);
    return RECORD_STATUS.snapshot;
  }
}

async function recordSeries(setup: Plan, prefix: string): Promise<number> {
  const fs = new ProcFS(setup.procRoot ?? DEFAULT_PROC_ROOT);
  if (setup.procRoot !== null && fs.rootProblem() !== null) {
    complain(prefix, `--proc-root '${setup.procRoot}': ${fs.rootProblem()}`);
    return RECORD_STATUS.usage;
  }
  const started = await startingSnapshot(setup, prefix);
  if (typeof started === 'number') return started;
  let snapshot = started;
  const stop = new AbortController();
  // Kept until the file is written: a second SIGINT (timeout(1) sends one to
  // the process and one to its group) must not kill a write midway.
  const onSignal = (): void => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let taken = 0;
  let missingAtStart: number[] = [];
  try {
    while (taken < setup.count && !stop.signal.aborted) {
      const index = snapshot ? snapshot.samples.length : 0;
      const { sample, missing } = captureSample(fs, setup.pids, index, setup.capture);
      if (taken === 0) missingAtStart = missing;
      if (sample.meta.processes.length === 0) {
        if (taken === 0) complain(prefix, `no such process: ${missing.join(' ')}`);
        break;
      }
      snapshot = append(snapshot, sample, fs, setup);
      await writeSnapshotFile(setup.output, snapshot);
      taken++;
      if (process.stderr.isTTY) process.stderr.write(`\r${prefix}: ${taken} sample${taken === 1 ? '' : 's'} in ${setup.output}`);
      if (setup.untilExit && missing.length === setup.pids.length) break;
      if (taken < setup.count) await sleep(setup.intervalMs, stop.signal);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  if (process.stderr.isTTY && taken > 0) process.stderr.write('\n');
  if (taken === 0) return RECORD_STATUS.missing;
  const processes = snapshot!.samples[snapshot!.samples.length - 1]!.meta.processes.length;
  process.stderr.write(`${prefix}: wrote ${snapshot!.samples.length} sample${snapshot!.samples.length === 1 ? '' : 's'} of ${setup.pids.length - missingAtStart.length} process${processes === 1 ? '' : 'es'} to ${setup.output}\n`);
  if (missingAtStart.length > 0) complain(prefix, `no such process: ${missingAtStart.join(' ')}`);
  return missingAtStart.length > 0 ? RECORD_STATUS.missing : RECORD_STATUS.ok;
}

function append(snapshot: Snapshot | null, sample: Sample, fs: ProcFS, setup: Plan): Snapshot {
  if (snapshot === null) return { meta: snapshotMeta(fs, sample, setup.capture, TSPMAP_VERSION), samples: [sample] };
  return { meta: { ...snapshot.meta, samples: snapshot.samples.length + 1 }, samples: [...snapshot.samples, sample] };
}
