/**
 * `tspmap watch PID [--interval DURATION] [--count N] [--record FILE]`: a
 * process's memory sampled over time. On a terminal a view redrawn in place;
 * piped, one NDJSON line per sample. Each sample reads the process's smaps
 * once (the kernel holds the target's mmap lock while it walks them).
 *
 * Exit statuses (README "Memory over time"): 0 after --count samples or when
 * the process exited; 1 usage, or no such process at the start; 2 the
 * --record file cannot be written or appended to; 130 Ctrl-C (SIGINT) or
 * SIGTERM, after a summary; 141 the reader of the output went away (EPIPE).
 */
import { isTerminal } from '../proc/node-require.js';
import { WatchHeader, REDRAW, ndjsonLine, renderFrame, renderSummary } from '../format/watch.js';
import { TSPMAP_VERSION } from '../format/json.js';
import { MemorySeries } from '../model/series.js';
import { parseCount, parseDuration } from '../parse/units.js';
import { ProcFS } from '../proc/procfs.js';
import { Snapshot, SnapshotMeta, writeSnapshotFile } from '../proc/snapshot-container.js';
import { SnapshotProcFS } from '../proc/snapshot.js';
import { captureSample, snapshotMeta } from '../proc/snapshot-writer.js';
import { USAGE_STATUS, complain, loadCommander, parseCommand, stdoutClosed, writeOut } from './commander.js';
import { ProcessError, liveBootId, loadFromFs } from './samples.js';

type Env = Readonly<Record<string, string | undefined>>;

export const WATCH_STATUS = { done: 0, usage: USAGE_STATUS, record: 2, interrupted: 130, pipeClosed: 141 } as const;

interface WatchOptions {
  interval: string;
  count?: string;
  record?: string;
  top: string;
  suspectAfter: string;
  ndjson?: boolean;
}

interface Setup {
  pid: number;
  intervalMs: number;
  count: number;
  top: number;
  minSamples: number;
  record: string | null;
  view: boolean;
}

function setupOf(operand: string, opts: WatchOptions): Setup | string {
  const pid = parseCount(operand);
  if (pid === null) return `'${operand}': not a process ID`;
  const intervalMs = parseDuration(opts.interval);
  if (intervalMs === null) return `--interval '${opts.interval}': not a duration (e.g. 500ms, 2s, 1m)`;
  const count = opts.count !== undefined ? parseCount(opts.count) : Number.POSITIVE_INFINITY;
  if (count === null) return `--count '${opts.count}': not a positive whole number`;
  const top = parseCount(opts.top);
  if (top === null) return `--top '${opts.top}': not a positive whole number`;
  const minSamples = parseCount(opts.suspectAfter);
  if (minSamples === null || minSamples < 3) return `--suspect-after '${opts.suspectAfter}': a whole number of at least 3`;
  return { pid, intervalMs, count, top, minSamples, record: opts.record ?? null, view: isTerminal(1) && !opts.ndjson };
}

export async function run(args: readonly string[], _env: Env, name: string): Promise<number> {
  const { Command, Option } = loadCommander();
  const prefix = `${name} watch`;
  const command = new Command(prefix)
    .description('sample a process\'s memory over time: a live view on a terminal, NDJSON when piped')
    .argument('<pid>', 'the process to watch')
    .addOption(new Option('--interval <duration>', 'time between samples (500ms, 2s, 1m)').default('1s'))
    .option('--count <n>', 'stop after N samples (default: until the process exits or Ctrl-C)')
    .option('--record <file>', 'also write every sample into this snapshot file (see tspmap record)')
    .addOption(new Option('--top <n>', 'objects and categories shown').default('5'))
    .addOption(new Option('--suspect-after <n>', 'samples needed before growth is marked as a leak suspect').default('5'))
    .option('--ndjson', 'print NDJSON lines even on a terminal');
  const early = parseCommand(command, args);
  if (early !== null) return early;
  const setup = setupOf(command.args[0]!, command.opts<WatchOptions>());
  if (typeof setup === 'string') {
    complain(prefix, setup);
    return WATCH_STATUS.usage;
  }
  return new Watcher(setup, prefix).run();
}

const CAPTURE = { live: true, anonymize: false, totalsOnly: false };

class Watcher {
  private readonly fs = new ProcFS();
  private readonly series: MemorySeries;
  private readonly bootId = liveBootId();
  private readonly stop = new AbortController();
  private snapshot: Snapshot | null = null;
  private meta: SnapshotMeta | null = null;
  private header: WatchHeader | null = null;

  constructor(
    private readonly setup: Setup,
    private readonly prefix: string,
  ) {
    this.series = new MemorySeries(setup.minSamples);
  }

  /** One sample: read once through a snapshot sample, so --record costs no second read. */
  private async sampleOnce(): Promise<boolean> {
    const capture = { ...CAPTURE, skipMaps: this.setup.record === null };
    const { sample, missing } = captureSample(this.fs, [this.setup.pid], this.series.samples, capture);
    if (missing.length > 0 || !sample.files.has(`${this.setup.pid}/smaps`)) return false;
    this.meta ??= snapshotMeta(this.fs, sample, CAPTURE, TSPMAP_VERSION);
    if (this.setup.record !== null) {
      const samples = [...(this.snapshot?.samples ?? []), sample];
      this.snapshot = { meta: { ...this.meta, samples: samples.length }, samples };
      await writeSnapshotFile(this.setup.record, this.snapshot);
    }
    const view = new SnapshotProcFS({ meta: this.meta, samples: [sample] }, sample, '/proc');
    const loaded = loadFromFs(view, this.setup.pid, `live PID ${this.setup.pid}`, sample.meta.unixMs, this.bootId);
    this.series.add(sample.meta.unixMs, loaded.mappings);
    this.header = { pid: this.setup.pid, comm: loaded.side.comm, intervalMs: this.setup.intervalMs, time: loaded.side.time };
    return true;
  }

  private show(): void {
    const report = this.series.report();
    const header = this.header!;
    writeOut(this.setup.view ? REDRAW + renderFrame(report, header, this.setup.top) : ndjsonLine(report, header, this.setup.top));
  }

  private finish(reason: string, status: number): number {
    const report = this.series.report();
    if (status === WATCH_STATUS.interrupted && this.header && !stdoutClosed()) {
      writeOut(this.setup.view ? `\n${renderSummary(report, this.header, this.setup.top)}` : ndjsonLine(report, this.header, this.setup.top, 'end'));
    }
    const suspects = report.suspects.length ? `; leak suspects: ${report.suspects.join(', ')}` : '';
    complain(this.prefix, `${reason} after ${report.samples} sample${report.samples === 1 ? '' : 's'}${suspects}`);
    return status;
  }

  async run(): Promise<number> {
    // Kept until the summary is out: timeout(1) and a shell can deliver a
    // second SIGINT right after the first, and with no listener left Node
    // dies of it midway through the summary (a test caught the lost last line).
    const onSignal = (): void => this.stop.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      return await this.loop();
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  }

  private async loop(): Promise<number> {
    const pid = this.setup.pid;
    for (;;) {
      if (stdoutClosed()) return this.finish('output closed', WATCH_STATUS.pipeClosed);
      if (this.stop.signal.aborted) return this.finish('interrupted', WATCH_STATUS.interrupted);
      let taken: boolean;
      try {
        taken = await this.sampleOnce();
      } catch (error) {
        if (error instanceof ProcessError) taken = false;
        else return this.recordFailure(error);
      }
      if (!taken) {
        if (this.series.samples === 0) {
          complain(this.prefix, `no such process: ${pid}`);
          return WATCH_STATUS.usage;
        }
        return this.finish(`PID ${pid} exited`, WATCH_STATUS.done);
      }
      this.show();
      await new Promise((resolve) => setImmediate(resolve));
      if (stdoutClosed()) return this.finish('output closed', WATCH_STATUS.pipeClosed);
      if (this.series.samples >= this.setup.count) return this.finish('done', WATCH_STATUS.done);
      await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.setup.intervalMs);
      this.stop.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }

  private recordFailure(error: unknown): number {
    const code = (error as { code?: string }).code;
    if (code === undefined) throw error;
    complain(this.prefix, `cannot write ${this.setup.record}: ${code}`);
    return WATCH_STATUS.record;
  }
}

