/**
 * Reading /proc from a snapshot: one sample of a snapshot file offered with
 * ProcFS's interface, so every pmap mode, --json and --summary render from
 * it exactly as they do from the tree or the live /proc it was recorded
 * from. It subclasses ProcFS so the code taking a ProcFS needs no change.
 */
import { ProcFS, ReadOutcome } from './procfs.js';
import { Sample, Snapshot, SnapshotError, readSnapshotFile } from './snapshot-container.js';

/** Blocks handed to streamProcessFile, cut after a newline as streamLines() cuts them. */
const BLOCK_BYTES = 1 << 20;

export class SnapshotProcFS extends ProcFS {
  private readonly dirs: ReadonlySet<string>;

  constructor(
    readonly snapshot: Snapshot,
    readonly sample: Sample,
    label: string,
  ) {
    super(label);
    this.dirs = new Set(sample.meta.dirs);
  }

  /** Whether the sample was taken from a live /proc (so SysV detection is done as live). */
  get live(): boolean {
    return this.snapshot.meta.source === 'live';
  }

  override rootProblem(): string | null {
    return null;
  }

  override hasProcessDir(pid: string): boolean {
    return this.dirs.has(pid) || (pid === 'self' && this.sample.files.has('self/maps'));
  }

  private outcome(path: string, limit = Number.POSITIVE_INFINITY): ReadOutcome {
    const data = this.sample.files.get(path);
    if (data !== undefined) return { ok: true, data: data.length > limit ? data.subarray(0, limit) : data };
    return { ok: false, code: this.sample.meta.unreadable[path] ?? 'ENOENT' };
  }

  override readProcessFile(pid: string, file: string, limit?: number): ReadOutcome {
    return this.outcome(`${pid}/${file}`, limit);
  }

  override readProcessFileLater(pid: string, file: string): Promise<ReadOutcome> {
    return Promise.resolve(this.readProcessFile(pid, file));
  }

  override streamProcessFile(pid: string, file: string, onBlock: (block: string) => boolean | void): ReadOutcome {
    const read = this.outcome(`${pid}/${file}`);
    if (!read.ok) return read;
    const data = read.data;
    for (let start = 0; start < data.length; ) {
      let end = Math.min(start + BLOCK_BYTES, data.length);
      if (end < data.length) {
        const newline = data.lastIndexOf(0x0a, end - 1);
        end = newline >= start ? newline + 1 : data.indexOf(0x0a, end) + 1 || data.length;
      }
      if (onBlock(data.toString('latin1', start, end)) === false) break;
      start = end;
    }
    return { ok: true, data: Buffer.alloc(0) };
  }

  /** The whole file in one call, as streamBytes() hands over a file that fits its first block. */
  override streamProcessFileBytes(pid: string, file: string, onBlock: (bytes: Buffer, eof: boolean) => number): ReadOutcome {
    const read = this.outcome(`${pid}/${file}`);
    if (!read.ok) return read;
    if (read.data.length > 0) onBlock(read.data, true);
    return { ok: true, data: Buffer.alloc(0) };
  }

  /** file2str() over the sample's bytes: one piece, the whole file. */
  override scanProcessFile(pid: string, file: string, consume: (piece: string) => boolean) {
    const read = this.outcome(`${pid}/${file}`);
    if (!read.ok) return read;
    if (read.data.length > 0) consume(read.data.toString('latin1'));
    return { ok: true as const, bytes: read.data.length };
  }

  override readRootFile(file: string): ReadOutcome {
    return this.outcome(file);
  }
}

/**
 * Which sample `--at` names: an integer counts from 0 (negative from the
 * end, -1 being the last); anything else is a time (ISO 8601 or what
 * Date.parse reads) and picks the last sample taken at or before it.
 * Without --at, the last sample.
 */
export function selectSample(snapshot: Snapshot, at: string | null, path: string): Sample {
  const samples = snapshot.samples;
  if (at === null) return samples[samples.length - 1]!;
  if (/^-?[0-9]+$/.test(at)) {
    const index = Number(at);
    const sample = samples[index < 0 ? samples.length + index : index];
    if (!sample) throw new SnapshotError(`${path}: no sample ${at} (the file holds ${samples.length}, numbered 0 to ${samples.length - 1})`);
    return sample;
  }
  const when = Date.parse(at);
  if (Number.isNaN(when)) throw new SnapshotError(`--at '${at}': not a sample number or a time`);
  const before = samples.filter((sample) => sample.meta.unixMs <= when);
  if (before.length === 0) throw new SnapshotError(`${path}: no sample at or before ${at} (the first is ${samples[0]!.meta.time})`);
  return before[before.length - 1]!;
}

/** Open a snapshot file at one sample; throws SnapshotError. */
export async function openSnapshot(path: string, at: string | null): Promise<SnapshotProcFS> {
  const snapshot = await readSnapshotFile(path);
  return new SnapshotProcFS(snapshot, selectSample(snapshot, at, path), path);
}
