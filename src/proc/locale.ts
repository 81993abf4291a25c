/**
 * The character type pmap runs with. pmap calls setlocale(LC_ALL, ""):
 * libproc2's escape_str() then asks nl_langinfo(CODESET) (UTF-8 or not, for
 * the header) and pmap's isprint() cleans mapping names with the locale's
 * class table (an 8-bit charset such as ISO-8859-1 keeps 0xa0-0xfe). glibc's
 * setlocale fails as a whole, leaving the C locale, when the locale named
 * for any category cannot be loaded, so availability on this host matters:
 * without LOCPATH the locale-archive first, then /usr/lib/locale's
 * directories; with LOCPATH its directories, then /usr/lib/locale's.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { localeFileCtype } from '../parse/escape.js';
import { archiveName, archivedCtype } from '../parse/locale-archive.js';

/** The host's byte order, as os.endianness() tells it, without loading node:os at start-up. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const CATEGORIES = [
  'LC_CTYPE', 'LC_NUMERIC', 'LC_TIME', 'LC_COLLATE', 'LC_MONETARY', 'LC_MESSAGES',
  'LC_PAPER', 'LC_NAME', 'LC_ADDRESS', 'LC_TELEPHONE', 'LC_MEASUREMENT', 'LC_IDENTIFICATION',
] as const;

const LOCALE_DIR = '/usr/lib/locale';

type Env = Readonly<Record<string, string | undefined>>;

function localeFor(category: string, env: Env): string {
  return env.LC_ALL || env[category] || env.LANG || 'C';
}

/** A locale name split as glibc's _nl_explode_name() splits it. */
interface LocaleParts {
  language: string;
  territory: string | null;
  codeset: string | null;
  modifier: string | null;
}

function explode(name: string): LocaleParts | null {
  const match = /^([^_.@]*)(?:_([^.@]*))?(?:\.([^@]*))?(?:@(.*))?$/.exec(name);
  if (!match || match[1] === '') return null;
  return { language: match[1]!, territory: match[2] ?? null, codeset: match[3] ?? null, modifier: match[4] ?? null };
}

/**
 * The codeset as glibc matches it against the installed locale. Measured
 * with glibc 2.36's setlocale(): "UTF-8", "utf-8", "UTF8" load C.utf8, while
 * "UTF--8", "UTF_8", ".UTF-8" and "utf8." do not.
 */
function normalizeCodeset(codeset: string): string {
  return codeset.toLowerCase().replace('-', '');
}

/**
 * The installed locale directories glibc would try for a name: the
 * territory and the modifier may each be dropped, the codeset is normalised.
 */
function candidates(parts: LocaleParts): string[] {
  // The name as spelled, then with the codeset normalised.
  const codesets = parts.codeset === null ? [''] : [...new Set([`.${parts.codeset}`, `.${normalizeCodeset(parts.codeset)}`])];
  const names: string[] = [];
  for (const territory of parts.territory === null ? [''] : [`_${parts.territory}`, '']) {
    for (const codeset of codesets) {
      for (const modifier of parts.modifier === null ? [''] : [`@${parts.modifier}`, '']) {
        names.push(`${parts.language}${territory}${codeset}${modifier}`);
      }
    }
  }
  return names;
}

/** Where a locale name was found: built in, a directory, or the archive. */
type Found = { kind: 'builtin' } | { kind: 'directory'; path: string } | { kind: 'archive'; name: string };

/** The directories glibc searches: LOCPATH's (when set and not empty), then the default. */
function searchPath(env: Env): string[] {
  const locpath = env.LOCPATH ?? '';
  return [...locpath.split(':').filter((dir) => dir !== ''), LOCALE_DIR];
}

/**
 * Where a name resolves for one category, or null when glibc cannot load
 * it. As _nl_find_locale(): without LOCPATH the archive comes first, by the
 * name with its codeset normalised; then the directories, trying variants.
 */
function resolveLocale(name: string, category: string, env: Env): Found | null {
  if (name === 'C' || name === 'POSIX') return { kind: 'builtin' };
  // glibc refuses names with a '/' unless they are absolute paths.
  if (name.includes('/')) return name.startsWith('/') && existsSync(`${name}/${category}`) ? { kind: 'directory', path: name } : null;
  if (!env.LOCPATH && archivedLocaleCtype(archiveName(name)) !== null) return { kind: 'archive', name: archiveName(name) };
  const parts = explode(name);
  if (parts === null) return null;
  const variants = candidates(parts);
  for (const dir of searchPath(env)) {
    const variant = variants.find((candidate) => existsSync(`${dir}/${candidate}/${category}`));
    if (variant !== undefined) return { kind: 'directory', path: `${dir}/${variant}` };
  }
  return null;
}

const archived = new Map<string, Buffer | null>();

/** The LC_CTYPE data the default locale-archive holds for a name, or null. */
function archivedLocaleCtype(name: string): Buffer | null {
  if (archived.has(name)) return archived.get(name)!;
  let data: Buffer | null = null;
  let fd: number | null = null;
  try {
    fd = openSync(`${LOCALE_DIR}/locale-archive`, 'r');
    const file = fd;
    const read = (offset: number, length: number): Buffer => {
      const buffer = Buffer.alloc(length);
      return buffer.subarray(0, readSync(file, buffer, 0, length, offset));
    };
    data = archivedCtype(read, name, LITTLE_ENDIAN);
  } catch {
    data = null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
  archived.set(name, data);
  return data;
}

/** What pmap's locale means for its output. */
export interface CtypeLocale {
  /** nl_langinfo(CODESET) is "UTF-8": escape_str() takes its UTF-8 path. */
  utf8: boolean;
  /**
   * isprint() of each byte as pmap calls it (on a plain char), or null for
   * the C rule, printable ASCII only (also what every UTF-8 locale gives).
   */
  printable: Uint8Array | null;
}

const C_LOCALE: CtypeLocale = { utf8: false, printable: null };

/** The LC_CTYPE a category resolved to, read; null when it cannot be. */
function readCtype(found: Found, requestedCodeset: string | null): CtypeLocale | null {
  if (found.kind === 'builtin') return C_LOCALE;
  if (found.kind === 'archive') {
    // The archive entry is taken as it is: glibc checks no codeset there.
    const archived = archivedLocaleCtype(found.name);
    const ctype = archived && localeFileCtype(archived, LITTLE_ENDIAN);
    return ctype ? { utf8: ctype.codeset.toUpperCase() === 'UTF-8', printable: ctype.printable } : null;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${found.path}/LC_CTYPE`);
  } catch {
    return null;
  }
  const ctype = localeFileCtype(bytes, LITTLE_ENDIAN);
  if (ctype === null) return null;
  // glibc refuses a locale whose codeset is not the one the name asked for.
  if (requestedCodeset !== null && normalizeCodeset(requestedCodeset) !== normalizeCodeset(ctype.codeset)) return null;
  return { utf8: ctype.codeset.toUpperCase() === 'UTF-8', printable: ctype.printable };
}

/** The character type setlocale(LC_ALL, "") leaves pmap with. */
export function ctypeLocale(env: Env): CtypeLocale {
  const resolved = new Map<string, Found | null>();
  for (const category of CATEGORIES) {
    const name = localeFor(category, env);
    const key = `${category}\0${name}`;
    if (!resolved.has(key)) resolved.set(key, resolveLocale(name, category, env));
    if (resolved.get(key) === null) return C_LOCALE;
  }
  const name = localeFor('LC_CTYPE', env);
  const found = resolved.get(`LC_CTYPE\0${name}`)!;
  return readCtype(found, name.startsWith('/') ? null : (explode(name)?.codeset ?? null)) ?? C_LOCALE;
}

/** True when escape_str() would take its UTF-8 path for this environment. */
export function isUtf8Locale(env: Env): boolean {
  return ctypeLocale(env).utf8;
}
