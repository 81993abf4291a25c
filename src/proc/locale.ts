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
  const codeset = parts.codeset === null ? '' : `.${normalizeCodeset(parts.codeset)}`;
  const names: string[] = [];
  for (const territory of parts.territory === null ? [''] : [`_${parts.territory}`, '']) {
    for (const modifier of parts.modifier === null ? [''] : [`@${parts.modifier}`, '']) {
      names.push(`${parts.language}${territory}${codeset}${modifier}`);
    }
  }
  return names;
}

/** The directory or archive entry a name resolves to, or null. */
function resolveLocale(name: string): string | null {
  if (name === 'C' || name === 'POSIX') return name;
  // glibc refuses names with a '/' unless they are absolute paths.
  if (name.includes('/')) return name.startsWith('/') && existsSync(`${name}/LC_CTYPE`) ? name : null;
  const parts = explode(name);
  if (parts === null) return null;
  return candidates(parts).find((candidate) => existsSync(`${LOCALE_DIR}/${candidate}/LC_CTYPE`) || inArchive(candidate)) ?? null;
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

/** True when escape_str() would take its UTF-8 path for this environment. */
export function isUtf8Locale(env: Env): boolean {
  const resolved = new Map<string, string | null>();
  for (const category of CATEGORIES) {
    const name = localeFor(category, env);
    if (!resolved.has(name)) resolved.set(name, resolveLocale(name));
    if (resolved.get(name) === null) return false;
  }
  const ctype = resolved.get(localeFor('LC_CTYPE', env))!;
  const codeset = explode(ctype)?.codeset;
  return codeset !== null && codeset !== undefined && normalizeCodeset(codeset) === 'utf8';
}
