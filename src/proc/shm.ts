/**
 * The device minor that marks SysV shared memory in maps.
 *
 * pmap creates and attaches a segment of its own, then takes the minor of
 * the first shared "/SYSV" line with major 0 in /proc/self/maps. Over a
 * copied tree (--proc-root) that file is the tree's self/maps, which is
 * read the same way. Live, tspmap cannot attach a segment, so it takes the
 * minor from a target mapping whose inode is a segment listed in
 * /proc/sysvipc/shm: the inode of a SysV mapping is its shmid.
 */
import { cStringEnds, fgetsEnd, sanitizeUnprintable } from '../parse/cscan.js';
import { newMappingFields, scanMappingLine } from '../parse/maps.js';
import { NO_SHM_MINOR } from '../model/sysv.js';
import { ProcFS } from './procfs.js';

/** discover_shm_minor() reads self/maps through a 256-byte fgets buffer. */
const SELF_MAPS_BUFFER = 256;

interface ShmCandidate {
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
    found.push({ minor: fields.devMinor, inode: String(fields.inode) });
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

/**
 * Live: for each target, the minor of one of its mappings that is a
 * segment listed in sysvipc/shm. The listing is read once per run; with no
 * segments on the system (the usual case) no target's maps is read.
 */
export function liveShmMinorFinder(fs: ProcFS): (tgid: string) => number {
  let shmids: Set<string> | undefined;
  return (tgid) => {
    shmids ??= listedShmids(fs);
    if (shmids.size === 0) return NO_SHM_MINOR;
    const maps = fs.readProcessFile(tgid, 'maps');
    if (!maps.ok) return NO_SHM_MINOR;
    const known = shmids;
    const segment = sysvCandidates(maps.data.toString('latin1'), Number.MAX_SAFE_INTEGER).find((candidate) =>
      known.has(candidate.inode),
    );
    return segment ? segment.minor : NO_SHM_MINOR;
  };
}
