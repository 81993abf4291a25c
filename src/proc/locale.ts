/**
 * Whether pmap would run in a UTF-8 locale. pmap calls setlocale(LC_ALL, "")
 * and libproc2's escape_str() then asks nl_langinfo(CODESET). glibc's
 * setlocale fails as a whole, leaving the C locale, when the locale named
 * for any category cannot be loaded, so availability on this host matters.
 */
import { existsSync, readFileSync } from 'node:fs';

const CATEGORIES = [
  'LC_CTYPE', 'LC_NUMERIC', 'LC_TIME', 'LC_COLLATE', 'LC_MONETARY', 'LC_MESSAGES',
  'LC_PAPER', 'LC_NAME', 'LC_ADDRESS', 'LC_TELEPHONE', 'LC_MEASUREMENT', 'LC_IDENTIFICATION',
] as const;

const LOCALE_DIR = '/usr/lib/locale';

type Env = Readonly<Record<string, string | undefined>>;

function localeFor(category: string, env: Env): string {
  return env.LC_ALL || env[category] || env.LANG || 'C';
}

/** glibc's normalised codeset: lower case, alphanumerics only. */
function normalizeName(name: string): string {
  const dot = name.indexOf('.');
  if (dot < 0) return name;
  const at = name.indexOf('@', dot);
  const codeset = name.slice(dot + 1, at < 0 ? undefined : at).toLowerCase().replace(/[^a-z0-9]/g, '');
  return name.slice(0, dot + 1) + codeset + (at < 0 ? '' : name.slice(at));
}

function isBuiltin(name: string): boolean {
  return name === 'C' || name === 'POSIX' || normalizeName(name) === 'C.utf8';
}

let archiveText: string | null | undefined;

function inArchive(name: string): boolean {
  if (archiveText === undefined) {
    try {
      archiveText = readFileSync(`${LOCALE_DIR}/locale-archive`).toString('latin1');
    } catch {
      archiveText = null;
    }
  }
  return archiveText !== null && archiveText.includes(`${name}\0`);
}

function isLoadable(name: string): boolean {
  if (isBuiltin(name)) return true;
  if (name.includes('/')) return existsSync(name);
  const normalized = normalizeName(name);
  return (
    existsSync(`${LOCALE_DIR}/${name}/LC_CTYPE`) ||
    existsSync(`${LOCALE_DIR}/${normalized}/LC_CTYPE`) ||
    inArchive(normalized) ||
    inArchive(name)
  );
}

/** True when escape_str() would take its UTF-8 path for this environment. */
export function isUtf8Locale(env: Env): boolean {
  for (const category of CATEGORIES) {
    if (!isLoadable(localeFor(category, env))) return false;
  }
  const ctype = localeFor('LC_CTYPE', env);
  if (ctype === 'C' || ctype === 'POSIX') return false;
  const dot = ctype.indexOf('.');
  return dot >= 0 && normalizeName(ctype).slice(normalizeName(ctype).indexOf('.') + 1).replace(/@.*/, '') === 'utf8';
}
