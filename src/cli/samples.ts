/**
 * One process's mappings at one moment, classified for diff and watch, from
 * a live PID or a sample of a snapshot file. Operands name them as:
 *   PID          the live process
 *   FILE         a snapshot's last sample (the only one, for a single snapshot)
 *   FILE@N       sample N of a series (0 first, -1 last)
 *   FILE@TIME    the last sample taken at or before TIME (ISO 8601)
 * A FILE that exists under its whole name is never split at '@'.
 */
import { existsSync } from 'node:fs';
import { classifyForDiff } from '../format/diff-classify.js';
import type { DiffSide } from '../format/diff.js';
import type { DiffMapping, ProcessIdentity } from '../model/diff.js';
import { parseSmapsMeasures } from '../parse/smaps-measures.js';
import { statComm, statStartTime } from '../parse/stat-fields.js';
import { readProcess } from '../proc/process.js';
import { ProcFS } from '../proc/procfs.js';
import { Snapshot, SnapshotError, readSnapshotFile } from '../proc/snapshot-container.js';
import { SnapshotProcFS, selectSample } from '../proc/snapshot.js';

export interface LoadedSample {
  side: DiffSide;
  identity: ProcessIdentity;
  mappings: DiffMapping[];
  unixMs: number;
}

/** A process that is not there or cannot be read (status 1), as opposed to a bad snapshot (SnapshotError). */
export class ProcessError extends Error {}

const latin1 = (data: Buffer): string => data.toString('latin1');

export function liveBootId(): string | null {
  const read = new ProcFS().readRootFile('sys/kernel/random/boot_id');
  return read.ok ? latin1(read.data).trim() : null;
}

/** The mappings of `pid` as `fs` shows them. */
export function loadFromFs(fs: ProcFS, pid: number, source: string, unixMs: number, bootId: string | null): LoadedSample {
  const record = readProcess(fs, pid);
  if (record === null) throw new ProcessError(`${source}: no such process: ${pid}`);
  const statRead = fs.readProcessFile(String(pid), 'stat');
  const statText = statRead.ok ? latin1(statRead.data) : '';
  const tgid = String(record.tgid >>> 0);
  const smaps = fs.readProcessFile(tgid, 'smaps');
  if (!smaps.ok) {
    const rollup = fs.readProcessFile(tgid, 'smaps_rollup').ok;
    throw new ProcessError(
      rollup ? `${source}: holds totals only (recorded with --totals-only); diff needs smaps` : `${source}: cannot read smaps of ${pid}: ${smaps.code}`,
    );
  }
  const startStack = record.stat.startStack;
  const mappings = classifyForDiff(parseSmapsMeasures(latin1(smaps.data)), startStack);
  const comm = statComm(statText);
  const startTime = statStartTime(statText);
  return {
    side: { source, pid, comm, time: new Date(unixMs).toISOString(), startTime },
    identity: { pid, startTime, bootId, comm },
    mappings,
    unixMs,
  };
}

/** The one process of a sample, or the one --pid names. */
function pickPid(fs: SnapshotProcFS, wanted: number | null, source: string): number {
  const processes = fs.sample.meta.processes;
  if (wanted !== null) return wanted;
  if (processes.length === 1) return processes[0]!.pid;
  throw new ProcessError(`${source}: holds ${processes.length} processes (${processes.map((p) => p.pid).join(' ')}); choose one with --pid`);
}

export function loadFromSnapshot(snapshot: Snapshot, at: string | null, path: string, wanted: number | null): LoadedSample {
  const sample = selectSample(snapshot, at, path);
  const fs = new SnapshotProcFS(snapshot, sample, path);
  const source = `${path}@${sample.meta.index}`;
  return loadFromFs(fs, pickPid(fs, wanted, source), source, sample.meta.unixMs, snapshot.meta.bootId);
}

/** Split FILE@WHICH, unless FILE exists under the whole name. */
export function splitOperand(operand: string): { path: string; at: string | null } {
  const at = operand.lastIndexOf('@');
  if (at <= 0 || existsSync(operand)) return { path: operand, at: null };
  return { path: operand.slice(0, at), at: operand.slice(at + 1) };
}

const cache = new Map<string, Promise<Snapshot>>();

/** Read each snapshot file once, however many operands name it. */
export function snapshotOf(path: string): Promise<Snapshot> {
  let pending = cache.get(path);
  if (!pending) cache.set(path, (pending = readSnapshotFile(path)));
  return pending;
}

export async function loadOperand(operand: string, wanted: number | null): Promise<LoadedSample> {
  if (/^[0-9]+$/.test(operand)) {
    return loadFromFs(new ProcFS(), Number(operand), `live PID ${operand}`, Date.now(), liveBootId());
  }
  const { path, at } = splitOperand(operand);
  return loadFromSnapshot(await snapshotOf(path), at, path, wanted);
}

export { SnapshotError };
