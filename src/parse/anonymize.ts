/**
 * --anonymize: raw /proc files with command lines, command names and path
 * components replaced by stable hashes, so a snapshot from production can be
 * shared and two anonymized snapshots still diff (the same name always gives
 * the same hash). Kernel labels ([heap], [stack], [vdso], ...), the
 * " (deleted)" suffix, SysV names and every number are kept, so pmap's modes,
 * categories and diff keys work unchanged.
 */
import { createHash } from 'node:crypto';
import { isMappingHeader, nameColumn } from './maps.js';

const DELETED = ' (deleted)';

/** A stable 10-hex-digit stand-in for a name. */
export function hashName(text: string): string {
  return `h${createHash('sha256').update(text, 'latin1').digest('hex').slice(0, 10)}`;
}

function anonymizePath(path: string): string {
  return path
    .split('/')
    .map((part) => (part === '' ? part : hashName(part)))
    .join('/');
}

/** The name column of a maps/smaps line, anonymized. */
export function anonymizeMappingName(name: string): string {
  if (name === '') return name;
  const deleted = name.endsWith(DELETED);
  const bare = deleted ? name.slice(0, -DELETED.length) : name;
  const suffix = deleted ? DELETED : '';
  if (/^\/SYSV[0-9a-fA-F]{8}$/.test(bare)) return name;
  if (bare.startsWith('/memfd:')) return `/memfd:${hashName(bare.slice(7))}${suffix}`;
  if (bare.startsWith('/')) return `${anonymizePath(bare)}${suffix}`;
  const named = /^\[(anon|anon_shmem):(.*)\]$/.exec(bare);
  if (named) return `[${named[1]}:${hashName(named[2]!)}]${suffix}`;
  if (bare.startsWith('[')) return name;
  return `${hashName(bare)}${suffix}`;
}

/** maps or smaps text (latin1) with every mapping's name anonymized. */
export function anonymizeMaps(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line === '' || !isMappingHeader(line)) return line;
      const name = nameColumn(line);
      return name === '' ? line : line.slice(0, line.length - name.length) + anonymizeMappingName(name);
    })
    .join('\n');
}

/** cmdline: each NUL-separated argument hashed, the separators kept. */
export function anonymizeCmdline(raw: string): string {
  return raw
    .split('\0')
    .map((arg) => (arg === '' ? arg : hashName(arg)))
    .join('\0');
}

/** stat: the command name between '(' and the last ')' hashed (15 bytes, as TASK_COMM_LEN allows). */
export function anonymizeStat(text: string): string {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close <= open) return text;
  return `${text.slice(0, open + 1)}${hashName(text.slice(open + 1, close)).slice(0, 15)}${text.slice(close)}`;
}

/** status: the Name line's value hashed like stat's command name. */
export function anonymizeStatus(text: string): string {
  return text.replace(/^Name:\t(.*)$/m, (_line, value: string) => `Name:\t${hashName(value).slice(0, 15)}`);
}
