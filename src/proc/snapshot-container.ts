/**
 * The snapshot container: a gzip-compressed POSIX tar (tar-stream), so any
 * tar can open it. Layout (documented in README "Memory over time" and, for
 * the JSON entries, schema/tspmap-snapshot.schema.json):
 *
 *   tspmap-snapshot.json            metadata, always the first entry
 *   samples/000000/sample.json      when the sample was taken, which processes
 *   samples/000000/proc/PID/maps    raw bytes as read from /proc (or the tree)
 *   samples/000000/proc/PID/smaps   ... stat, status, cmdline likewise
 *   samples/000000/proc/self/maps   only when recorded from a --proc-root tree
 *   samples/000000/proc/sysvipc/shm, proc/uptime when they could be read
 *   samples/000001/...              further samples of a series
 *
 * A file is written whole to a temporary name and renamed over the target,
 * so a reader never sees half a snapshot and a series interrupted mid-write
 * keeps its earlier samples.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as tarStreamModule from 'tar-stream';
import { basename, dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

type TarStream = typeof tarStreamModule;

/** tar-stream, bundled; this module loads only for snapshots. */
function tarStream(): TarStream {
  return tarStreamModule;
}

export const SNAPSHOT_FORMAT = 'tspmap-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;
const META_ENTRY = 'tspmap-snapshot.json';

export interface SnapshotMeta {
  format: typeof SNAPSHOT_FORMAT;
  formatVersion: number;
  tspmapVersion: string;
  /** When the file was first written (ISO 8601). */
  created: string;
  hostname: string | null;
  kernelRelease: string | null;
  /** /proc/sys/kernel/random/boot_id: start times compare only within one boot. */
  bootId: string | null;
  /** Bytes, from KernelPageSize of a recorded mapping. */
  pageSize: number | null;
  /** 'live' when read from /proc, 'tree' from a --proc-root copy. */
  source: 'live' | 'tree';
  anonymized: boolean;
  samples: number;
}

export interface SampleProcess {
  /** The id recorded (may be a thread id) and its thread group. */
  pid: number;
  tgid: number;
  /** stat field 22, clock ticks after boot, as decimal digits. */
  startTime: string | null;
  comm: string;
}

export interface SampleMeta {
  index: number;
  /** ISO 8601 and milliseconds since the epoch, of the start of the sample. */
  time: string;
  unixMs: number;
  processes: SampleProcess[];
  /** Process directories present (a directory can exist with its files unreadable). */
  dirs: string[];
  /** Files that existed but could not be opened: "PID/smaps" -> "EACCES". */
  unreadable: Record<string, string>;
}

export interface Sample {
  meta: SampleMeta;
  /** Raw file bytes keyed by their path below the proc root ("4242/smaps"). */
  files: Map<string, Buffer>;
}

export interface Snapshot {
  meta: SnapshotMeta;
  samples: Sample[];
}

/** A snapshot file that cannot be used; the message names the file and why. */
export class SnapshotError extends Error {}

const sampleDir = (index: number): string => `samples/${String(index).padStart(6, '0')}/`;

/** The whole snapshot as .tar.gz bytes. */
export async function encodeSnapshot(snapshot: Snapshot): Promise<Buffer> {
  const pack = tarStream().pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  const mtime = new Date(snapshot.meta.created);
  const add = (name: string, data: Buffer): void => {
    pack.entry({ name, size: data.length, mode: 0o644, mtime }, data);
  };
  add(META_ENTRY, Buffer.from(`${JSON.stringify({ ...snapshot.meta, samples: snapshot.samples.length }, null, 2)}\n`));
  for (const sample of snapshot.samples) {
    const dir = sampleDir(sample.meta.index);
    add(`${dir}sample.json`, Buffer.from(`${JSON.stringify(sample.meta, null, 2)}\n`));
    for (const pid of sample.meta.dirs) {
      pack.entry({ name: `${dir}proc/${pid}/`, type: 'directory', mode: 0o755, mtime });
    }
    for (const [path, data] of sample.files) add(`${dir}proc/${path}`, data);
  }
  pack.finalize();
  await collected;
  return gzipSync(Buffer.concat(chunks));
}

/** Write atomically: a temporary file beside the target, then rename. */
export async function writeSnapshotFile(path: string, snapshot: Snapshot): Promise<void> {
  const bytes = await encodeSnapshot(snapshot);
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function gunzip(path: string, bytes: Buffer): Buffer {
  if (bytes.length === 0) throw new SnapshotError(`${path}: empty file, not a tspmap snapshot`);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new SnapshotError(`${path}: not a tspmap snapshot (not gzip data)`);
  try {
    return gunzipSync(bytes);
  } catch {
    throw new SnapshotError(`${path}: truncated or corrupt snapshot (gzip data is damaged)`);
  }
}

async function untar(path: string, tarBytes: Buffer): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const extract = tarStream().extract();
  const done = (async () => {
    for await (const entry of extract) {
      const parts: Buffer[] = [];
      for await (const chunk of entry) parts.push(chunk as Buffer);
      if (entry.header.type === 'file') entries.set(entry.header.name, Buffer.concat(parts));
      if (entries.size === 1 && !entries.has(META_ENTRY)) break;
    }
  })();
  extract.end(tarBytes);
  try {
    await done;
  } catch {
    throw new SnapshotError(`${path}: truncated or corrupt snapshot (bad tar data)`);
  }
  return entries;
}

function parseJson(path: string, entry: string, data: Buffer | undefined): unknown {
  if (data === undefined) throw new SnapshotError(`${path}: truncated or corrupt snapshot (${entry} is missing)`);
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    throw new SnapshotError(`${path}: truncated or corrupt snapshot (${entry} is not JSON)`);
  }
}

function checkMeta(path: string, value: unknown): SnapshotMeta {
  const meta = value as Partial<SnapshotMeta> | null;
  if (!meta || typeof meta !== 'object' || meta.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`${path}: not a tspmap snapshot (${META_ENTRY} has no "format": "${SNAPSHOT_FORMAT}")`);
  }
  if (meta.formatVersion !== SNAPSHOT_FORMAT_VERSION) {
    throw new SnapshotError(`${path}: snapshot format version ${String(meta.formatVersion)} is not supported (this tspmap reads ${SNAPSHOT_FORMAT_VERSION})`);
  }
  if (typeof meta.samples !== 'number' || meta.samples < 1) {
    throw new SnapshotError(`${path}: truncated or corrupt snapshot (no samples)`);
  }
  return meta as SnapshotMeta;
}

/** Read and check a snapshot file; every failure is a SnapshotError with one clear message. */
export async function readSnapshotFile(path: string): Promise<Snapshot> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'EIO';
    const reason = code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : code === 'EACCES' ? 'Permission denied' : code;
    throw new SnapshotError(`${path}: ${reason}`);
  }
  const entries = await untar(path, gunzip(path, bytes));
  if (!entries.has(META_ENTRY)) throw new SnapshotError(`${path}: not a tspmap snapshot (a tar without ${META_ENTRY})`);
  const meta = checkMeta(path, parseJson(path, META_ENTRY, entries.get(META_ENTRY)));
  const samples: Sample[] = [];
  for (let index = 0; index < meta.samples; index++) {
    const dir = sampleDir(index);
    const sampleMeta = parseJson(path, `${dir}sample.json`, entries.get(`${dir}sample.json`)) as SampleMeta;
    if (!Array.isArray(sampleMeta.processes) || !Array.isArray(sampleMeta.dirs) || typeof sampleMeta.unixMs !== 'number') {
      throw new SnapshotError(`${path}: truncated or corrupt snapshot (${dir}sample.json is incomplete)`);
    }
    const files = new Map<string, Buffer>();
    const prefix = `${dir}proc/`;
    for (const [name, data] of entries) if (name.startsWith(prefix)) files.set(name.slice(prefix.length), data);
    samples.push({ meta: { ...sampleMeta, unreadable: sampleMeta.unreadable ?? {} }, files });
  }
  return { meta, samples };
}
