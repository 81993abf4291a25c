/**
 * Taking a sample: the raw bytes of the files pmap and tspmap read for each
 * process, through a ProcFS (live /proc or a --proc-root tree), plus the
 * metadata that later tells whether two samples show the same process.
 */
import { hostname, release } from 'node:os';
import { anonymizeCmdline, anonymizeMaps, anonymizeStat, anonymizeStatus } from '../parse/anonymize.js';
import { CMDLINE_BUFFER } from '../parse/cmdline.js';
import { isMappingHeader } from '../parse/maps.js';
import { statComm, statStartTime } from '../parse/stat-fields.js';
import { parseTgid } from '../parse/status.js';
import { ProcFS } from './procfs.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION, Sample, SampleProcess, SnapshotMeta } from './snapshot-container.js';

export interface CaptureOptions {
  /** Read from the live /proc (else a --proc-root tree). */
  live: boolean;
  anonymize: boolean;
  /** Record smaps_rollup instead of smaps: totals only, far cheaper for the target. */
  totalsOnly: boolean;
  /** Leave maps out (watch without --record reads only smaps): one less copy of a large file. */
  skipMaps?: boolean;
}

/** What pmap reads besides the processes, from a tree (live, self/ would be tspmap's own). */
const TREE_ROOT_FILES = ['self/maps', 'self/status', 'uptime', 'sysvipc/shm'];
const LIVE_ROOT_FILES = ['uptime', 'sysvipc/shm'];

/** Text of a file's bytes as the parsers take it. */
const latin1 = (data: Buffer): string => data.toString('latin1');

function anonymized(file: string, data: Buffer): Buffer {
  const text = latin1(data);
  switch (file) {
    case 'maps': case 'smaps': return Buffer.from(anonymizeMaps(text), 'latin1');
    case 'cmdline': return Buffer.from(anonymizeCmdline(text), 'latin1');
    case 'stat': return Buffer.from(anonymizeStat(text), 'latin1');
    case 'status': return Buffer.from(anonymizeStatus(text), 'latin1');
    default: return data;
  }
}

/** Live, maps is the header lines of smaps (the kernel prints them alike): one read, consistent. */
function mapsFromSmaps(smaps: Buffer): Buffer {
  const lines = latin1(smaps).split('\n');
  const headers = lines.filter((line) => line !== '' && isMappingHeader(line));
  return Buffer.from(headers.length ? `${headers.join('\n')}\n` : '', 'latin1');
}

const SMALL_FILE = 1 << 20;

class SampleBuilder {
  readonly files = new Map<string, Buffer>();
  readonly unreadable: Record<string, string> = {};
  readonly dirs: string[] = [];

  constructor(
    private readonly fs: ProcFS,
    private readonly options: CaptureOptions,
  ) {}

  /** Record one file; false when it could not be opened. */
  take(path: string, read: () => ReturnType<ProcFS['readRootFile']>): Buffer | null {
    const outcome = read();
    if (!outcome.ok) {
      if (outcome.code !== 'ENOENT') this.unreadable[path] = outcome.code;
      return null;
    }
    const file = path.slice(path.lastIndexOf('/') + 1);
    // A small file is copied out of readWhole()'s 64 KiB buffer so a long series does not keep those.
    const data = outcome.data.length < SMALL_FILE ? Buffer.from(outcome.data) : outcome.data;
    this.files.set(path, this.options.anonymize ? anonymized(file, data) : data);
    return data;
  }

  /** Every file of one process directory; the raw (not anonymized) status and stat. */
  process(dir: string): { status: Buffer | null; stat: Buffer | null } {
    if (this.dirs.includes(dir)) return { status: null, stat: null };
    this.dirs.push(dir);
    const fs = this.fs;
    const status = this.take(`${dir}/status`, () => fs.readProcessFile(dir, 'status'));
    const stat = this.take(`${dir}/stat`, () => fs.readProcessFile(dir, 'stat'));
    this.take(`${dir}/cmdline`, () => fs.readProcessFile(dir, 'cmdline', CMDLINE_BUFFER));
    const detail = this.options.totalsOnly ? 'smaps_rollup' : 'smaps';
    const smaps = this.take(`${dir}/${detail}`, () => fs.readProcessFile(dir, detail));
    if (this.options.skipMaps) {
      // nothing: the caller needs smaps only
    } else if (this.options.live && smaps !== null && detail === 'smaps') {
      this.take(`${dir}/maps`, () => ({ ok: true, data: mapsFromSmaps(smaps) }));
    } else {
      this.take(`${dir}/maps`, () => fs.readProcessFile(dir, 'maps'));
    }
    return { status, stat };
  }
}

/** One sample of the given processes; `missing` lists those whose directory is absent. */
export function captureSample(
  fs: ProcFS,
  pids: readonly number[],
  index: number,
  options: CaptureOptions,
): { sample: Sample; missing: number[] } {
  const unixMs = Date.now();
  const builder = new SampleBuilder(fs, options);
  const processes: SampleProcess[] = [];
  const missing: number[] = [];
  for (const pid of pids) {
    const dir = String(pid);
    if (!fs.hasProcessDir(dir)) {
      missing.push(pid);
      continue;
    }
    const { status, stat } = builder.process(dir);
    const tgid = (status !== null ? parseTgid(latin1(status)) : null) ?? pid;
    if (tgid !== pid && fs.hasProcessDir(String(tgid))) builder.process(String(tgid));
    const statText = stat !== null ? latin1(stat) : '';
    const comm = statComm(statText);
    processes.push({ pid, tgid, startTime: statStartTime(statText), comm: options.anonymize && comm ? '(anonymized)' : comm });
  }
  const rootFiles = options.live ? LIVE_ROOT_FILES : TREE_ROOT_FILES;
  for (const file of rootFiles) builder.take(file, () => fs.readRootFile(file));
  const sample: Sample = {
    meta: {
      index,
      time: new Date(unixMs).toISOString(),
      unixMs,
      processes,
      dirs: builder.dirs,
      unreadable: builder.unreadable,
    },
    files: builder.files,
  };
  return { sample, missing };
}

/** KernelPageSize of the first mapping that lists it, in bytes. */
function pageSizeOf(sample: Sample): number | null {
  for (const [path, data] of sample.files) {
    if (!path.endsWith('/smaps') && !path.endsWith('/smaps_rollup')) continue;
    const match = /^KernelPageSize:\s+([0-9]+) kB$/m.exec(latin1(data));
    if (match) return Number(match[1]) * 1024;
  }
  return null;
}

/** The file's metadata, from the first sample and the system it was taken on. */
export function snapshotMeta(fs: ProcFS, first: Sample, options: CaptureOptions, tspmapVersion: string): SnapshotMeta {
  const bootId = fs.readRootFile('sys/kernel/random/boot_id');
  return {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    tspmapVersion,
    created: first.meta.time,
    hostname: options.live ? hostname() : null,
    kernelRelease: options.live ? release() : null,
    bootId: bootId.ok && bootId.data.length > 0 ? latin1(bootId.data).trim() : null,
    pageSize: pageSizeOf(first),
    source: options.live ? 'live' : 'tree',
    anonymized: options.anonymize,
    samples: 1,
  };
}
