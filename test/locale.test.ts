/**
 * Locales beyond C and UTF-8 (issue 9): pmap's isprint() follows the
 * locale's charset (ISO-8859-1 keeps bytes 0xa0-0xfe in mapping names) and
 * glibc finds compiled locales through LOCPATH (which decides UTF-8 or not
 * for the header). The test compiles its own locales with localedef into a
 * temporary directory and compares tspmap against /usr/bin/pmap on a frozen
 * process with odd names and odd arguments, and over the fixture trees with
 * pmap reading them in a mount namespace. Skipped with a notice where
 * localedef (or the locales package's sources) or pmap is missing.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, RunResult, runCommand, runTspmap } from './helpers/run.js';

const PMAP = '/usr/bin/pmap';
const work = mkdtempSync(join(tmpdir(), 'tspmap-locale-'));
const LOCALES = join(work, 'locales');

/** Compile the two locales; the reason when that cannot be done. */
function compileLocales(): string | null {
  if (!existsSync(PMAP)) return `${PMAP} is not installed`;
  if (spawnSync('localedef', ['--help']).error) return 'localedef is not installed';
  mkdirSync(LOCALES);
  for (const [charmap, name] of [['ISO-8859-1', 'en_US.ISO-8859-1'], ['UTF-8', 'en_US.UTF-8']]) {
    const made = spawnSync('localedef', ['-i', 'en_US', '-f', charmap!, join(LOCALES, name!)], { encoding: 'utf8' });
    if (!existsSync(join(LOCALES, name!, 'LC_CTYPE'))) {
      return `localedef -i en_US -f ${charmap} failed (the locales package holds its sources): ${made.stderr.trim()}`;
    }
  }
  return null;
}
const unavailable = compileLocales();
if (unavailable) console.warn(`[locale] SKIPPED: ${unavailable}`);
const rootProblem =
  process.getuid?.() !== 0 ? 'not root' : spawnSync('unshare', ['-m', 'true']).status !== 0 ? 'unshare -m fails' : null;
if (!unavailable && rootProblem) console.warn(`[locale] fixture trees through pmap SKIPPED: ${rootProblem}`);

/** Locale environments, each with and without the compiled locales at hand. */
const ENVIRONMENTS: Array<Record<string, string>> = [
  { LOCPATH: LOCALES, LC_ALL: 'en_US.ISO-8859-1' },
  { LOCPATH: LOCALES, LANG: 'en_US.ISO-8859-1' },
  { LOCPATH: LOCALES, LC_ALL: 'en_US.UTF-8' },
  { LOCPATH: LOCALES, LANG: 'en_US.UTF-8' },
  { LOCPATH: LOCALES, LC_CTYPE: 'en_US.ISO-8859-1', LANG: 'C.UTF-8' },
  { LOCPATH: LOCALES, LC_CTYPE: 'en_US.UTF-8', LANG: 'C' },
  { LOCPATH: LOCALES, LC_ALL: 'en_US.iso88591' },
  { LOCPATH: LOCALES, LC_ALL: 'en_US' },
  { LOCPATH: LOCALES, LANG: 'C.UTF-8' },
  { LOCPATH: `/nonexistent:${LOCALES}`, LC_ALL: 'en_US.ISO-8859-1' },
  { LC_ALL: 'en_US.ISO-8859-1' },
  { LANG: 'C.UTF-8' },
];

function envOf(extra: Record<string, string>): Record<string, string> {
  return { PATH: '/usr/bin:/bin', HOME: '/nonexistent', ...extra };
}

function expectSame(actual: RunResult, expected: RunResult, what: string): void {
  expect(actual.stdout.toString('latin1'), what).toBe(expected.stdout.toString('latin1'));
  expect(actual.stderr.toString('latin1'), what).toBe(expected.stderr.toString('latin1'));
  expect(actual.status, what).toBe(expected.status);
}

describe.skipIf(unavailable !== null)('locales compiled with localedef, found through LOCPATH', () => {
  let holder: ChildProcess;
  let pid: string;
  let compared = 0;

  beforeAll(async () => {
    // Odd names in the maps (UTF-8, invalid UTF-8, 0xff, controls) and odd
    // bytes in the command line, for the header.
    const args = [join(REPO_ROOT, 'scripts', 'live', 'oddnames.py'), join(work, 'names'), 'ctl\u0001\u0002\u007f', 'caf\u00e9 \u00a0nbsp', 'ok'];
    holder = spawn('python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.on('data', (chunk: Buffer) => chunk.includes('ready') && resolve()));
    pid = String(holder.pid);
    process.kill(holder.pid!, 'SIGSTOP');
  }, 20_000);
  afterAll(() => {
    holder?.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
    console.info(`[locale] ${compared} comparisons of tspmap against pmap`);
  });

  it('the ISO-8859-1 locale keeps 0xa0-0xfe in names, as pmap does', async () => {
    const env = envOf(ENVIRONMENTS[0]!);
    const expected = await runCommand(PMAP, [pid], env);
    expect(expected.stdout.toString('latin1')).toContain('utf8-\u00c3\u00a9\u00c3\u00bc-');
    expect(expected.stdout.toString('latin1')).toContain('bad-?\u00fe-\u00c3');
    expectSame(await runTspmap([pid], env), expected, 'default');
  });

  for (const [index, locale] of ENVIRONMENTS.entries()) {
    it(`a live process, ${JSON.stringify(locale).replaceAll(LOCALES, 'DIR')}`, async () => {
      const env = envOf(locale);
      for (const mode of [[], ['-x'], ['-d'], ['-p'], ['-x', '-p']]) {
        const args = [...mode, pid];
        expectSame(await runTspmap(args, env), await runCommand(PMAP, args, env), `${index}: ${args.join(' ')}`);
        compared++;
      }
    }, 60_000);
  }

  it.skipIf(rootProblem !== null)('locales in a locale-archive (bound over /usr/lib/locale for both)', async () => {
    const prefix = join(work, 'prefix');
    const archiveDir = join(prefix, 'usr', 'lib', 'locale');
    mkdirSync(archiveDir, { recursive: true });
    for (const [charmap, name] of [['ISO-8859-1', 'en_US.ISO-8859-1'], ['UTF-8', 'en_US.UTF-8']]) {
      spawnSync('localedef', [`--prefix=${prefix}`, '-i', 'en_US', '-f', charmap!, name!]);
    }
    expect(existsSync(join(archiveDir, 'locale-archive'))).toBe(true);
    const inNamespace = ['-m', 'sh', '-c', 'mount --bind "$1" /usr/lib/locale && shift && exec "$@"', '_', archiveDir];
    const archived: Array<Record<string, string>> = [
      { LANG: 'en_US.ISO-8859-1' }, { LC_ALL: 'en_US.iso88591' }, { LC_ALL: 'en_US.ISO8859-1' },
      { LANG: 'en_US.UTF-8' }, { LC_ALL: 'en_US.utf8' }, { LC_ALL: 'en_US' }, { LANG: 'C.UTF-8' },
      { LC_CTYPE: 'en_US.ISO-8859-1' }, { LOCPATH: LOCALES, LANG: 'en_US.ISO-8859-1' }, { LOCPATH: work, LANG: 'en_US.UTF-8' },
    ];
    for (const locale of archived) {
      for (const mode of [[], ['-x'], ['-d', '-p']]) {
        const args = [...mode, pid];
        const expected = await runCommand('unshare', [...inNamespace, PMAP, ...args], envOf(locale));
        const actual = await runCommand('unshare', [...inNamespace, process.execPath, join(REPO_ROOT, 'bin', 'tspmap.js'), ...args], envOf(locale));
        expectSame(actual, expected, `archive ${args.join(' ')} ${JSON.stringify(locale)}`);
        compared++;
      }
    }
  }, 120_000);

  it.skipIf(rootProblem !== null)('the fixture trees with odd names and odd command lines, every environment', async () => {
    // sh, not bash: bash would warn about the locales it cannot load.
    const script = 'mount --bind "$1" /proc && shift && exec /usr/bin/pmap "$@"';
    for (const fixture of ['locale-escape', 'odd-names']) {
      const tree = join(REPO_ROOT, 'fixtures', fixture, 'tree');
      const pids = spawnSync('cat', [join(REPO_ROOT, 'fixtures', fixture, 'pids')], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
      for (const locale of ENVIRONMENTS) {
        for (const mode of [[], ['-x'], ['-d', '-p']]) {
          const args = [...mode, ...pids];
          const expected = await runCommand('unshare', ['-m', 'sh', '-c', script, '_', tree, ...args], envOf(locale));
          const actual = await runTspmap(['--proc-root', tree, ...args], envOf(locale));
          expectSame(actual, expected, `${fixture} ${args.join(' ')} ${JSON.stringify(locale)}`);
          compared++;
        }
      }
    }
  }, 120_000);
});
