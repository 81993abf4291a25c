/**
 * The device minor that marks SysV shared memory in maps.
 *
 * pmap (discover_shm_minor) creates and attaches a segment of its own,
 * then takes the minor of the first shared "/SYSV" line with major 0 in its
 * /proc/self/maps that starts at or below the segment's address; a mapping
 * is then labelled "[ shmid=0x<inode> ]" when its major is 0, its minor is
 * that one and its name holds "/SYSV". Live, tspmap does the same through
 * sysv-probe.ts, once per run and only when a target has a major-0 "/SYSV"
 * mapping. Over a copied tree (--proc-root) pmap's self/maps is the tree's,
 * which is read the same way. Where no FFI can be loaded, tspmap falls back
 * to the minor of a target mapping whose inode /proc/sysvipc/shm lists.
 */
import { cStringEnds, fgetsEnd, sanitizeUnprintable } from '../parse/cscan.js';
import { newMappingFields, scanMappingLine } from '../parse/maps.js';
import { NO_SHM_MINOR } from '../model/sysv.js';
import { ProcFS } from './procfs.js';
import { ShmProbe, probeOwnSegment } from './sysv-probe.js';
import { toBig } from '../parse/u64.js';

/** discover_shm_minor() reads self/maps through a 256-byte fgets buffer. */
const SELF_MAPS_BUFFER = 256;

interface ShmCandidate {
  start: bigint;
  minor: number;
  inode: string;
}

/** Lines pmap would accept as its own segment: major 0, shared, "/SYSV". */
function sysvCandidates(text: string, bufferSize: number): ShmCandidate[] {
  const found: ShmCandidate[] = [];
  if (!text.includes('SYSV')) return found;
  const fields = newMappingFields();
  const lineEndOf = cStringEnds(text);
  for (let pos = 0; pos < text.length; ) {
    const end = fgetsEnd(text, pos, bufferSize);
    const line = text.slice(pos, lineEndOf(pos, end));
    pos = end;
    if (!line.includes('SYSV')) continue;
    if (scanMappingLine(line, fields) < 6) continue;
    if (fields.devMajor !== 0 || fields.perms[3] !== 0x73) continue;
    if (!sanitizeUnprintable(line).includes('/SYSV')) continue;
    found.push({ start: toBig(fields.start), minor: fields.devMinor, inode: String(fields.inode) });
  }
  return found;
}

/** Over a copied tree: the tree's self/maps, as pmap reads it. */
export function shmMinorFromTree(fs: ProcFS): number {
  const selfMaps = fs.readProcessFile('self', 'maps');
  if (!selfMaps.ok) return NO_SHM_MINOR;
  const [first] = sysvCandidates(selfMaps.data.toString('latin1'), SELF_MAPS_BUFFER);
  return first ? first.minor : NO_SHM_MINOR;
}

/** The shmids /proc/sysvipc/shm lists (its second column). */
function listedShmids(fs: ProcFS): Set<string> {
  const listing = fs.readRootFile('sysvipc/shm');
  if (!listing.ok) return new Set();
  return new Set(
    listing.data
      .toString('latin1')
      .split('\n')
      .slice(1)
      .map((row) => row.trim().split(/\s+/)[1])
      .filter((id): id is string => Boolean(id)),
  );
}

/** Whether a target's maps has a line pmap could label: major 0, "/SYSV" in it. */
function hasSysvCandidate(text: string): boolean {
  if (!text.includes('/SYSV')) return false;
  const fields = newMappingFields();
  for (const line of text.split('\n')) {
    if (!line.includes('/SYSV')) continue;
    if (scanMappingLine(line, fields) >= 6 && fields.devMajor === 0) return true;
  }
  return false;
}

let ownSegment: ShmProbe | undefined;

/** pmap's probe, once per run: the minor of our own segment in self/maps. */
function probedMinor(): ShmProbe {
  ownSegment ??= probeOwnSegment((selfMaps, attachedAt) => {
    const own = sysvCandidates(selfMaps, SELF_MAPS_BUFFER).find((candidate) => candidate.start <= attachedAt);
    return own ? own.minor : null;
  });
  return ownSegment;
}

/**
 * Live shm minors for a run. The probe runs at most once, when first asked;
 * without FFI, each target's minor comes from its mappings listed in
 * sysvipc/shm, a listing read once per run.
 */
class LiveShm {
  private shmids: Set<string> | undefined;

  constructor(private readonly fs: ProcFS) {}

  minorFor(tgid: string): number {
    const probe = probedMinor();
    if (probe.kind === 'probed') return probe.minor ?? NO_SHM_MINOR;
    return this.listedMinor(tgid);
  }

  private listedMinor(tgid: string): number {
    this.shmids ??= listedShmids(this.fs);
    if (this.shmids.size === 0) return NO_SHM_MINOR;
    const maps = this.fs.readProcessFile(tgid, 'maps');
    if (!maps.ok) return NO_SHM_MINOR;
    const known = this.shmids;
    const segment = sysvCandidates(maps.data.toString('latin1'), Number.MAX_SAFE_INTEGER).find((candidate) =>
      known.has(candidate.inode),
    );
    return segment ? segment.minor : NO_SHM_MINOR;
  }
}

/**
 * For the formatter: the minor for a target, which it asks for only on
 * meeting a major-0 "/SYSV" mapping (through a getter), so that runs
 * without one never probe.
 */
export function lazyLiveShmMinor(fs: ProcFS): (tgid: string) => number {
  const live = new LiveShm(fs);
  return (tgid) => live.minorFor(tgid);
}

/**
 * For callers that need a number up front (the library API): reads the
 * target's maps and probes only when it has a major-0 "/SYSV" mapping.
 */
export function liveShmMinorFinder(fs: ProcFS): (tgid: string) => number {
  const live = new LiveShm(fs);
  return (tgid) => {
    const maps = fs.readProcessFile(tgid, 'maps');
    if (!maps.ok || !hasSysvCandidate(maps.data.toString('latin1'))) return NO_SHM_MINOR;
    return live.minorFor(tgid);
  };
}
