/**
 * The package as a user gets it: `npm pack` in a copy of the sources (so
 * prepack builds there, not in this checkout's dist/), the tarball
 * installed globally into a temporary prefix, then the installed command,
 * its man page, --help and the API, all without any node_modules next to
 * the installed package.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useSleepingChild } from './helpers/subject.js';
import { runCommand } from './helpers/run.js';

const ROOT = join(import.meta.dirname, '..');
const SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'LICENSE', 'README.md', 'bin', 'man', 'schema', 'scripts', 'src'];
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8', npm_config_update_notifier: 'false' };

describe('npm pack, installed globally into a prefix', () => {
  const child = useSleepingChild();
  let work: string;
  let prefix: string;
  let packed: string;
  let installLog: string;
  const installed = (): string => join(prefix, 'lib', 'node_modules', 'tspmap');
  const tspmap = (args: string[]) => spawnSync(join(prefix, 'bin', 'tspmap'), args, { env, encoding: 'latin1' });

  // npm pack (which builds) and npm install take about a minute under load:
  // run them without blocking this worker's event loop, or vitest's RPC to
  // it times out ("Timeout calling onTaskUpdate") after 60 s.
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tspmap-package-'));
    const copy = join(work, 'src');
    mkdirSync(copy);
    for (const name of SOURCES) cpSync(join(ROOT, name), join(copy, name), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const pack = await runCommand('npm', ['pack', '--json', '--pack-destination', work], env, { cwd: copy });
    expect(pack.status, pack.stderr.toString()).toBe(0);
    packed = join(work, (JSON.parse(pack.stdout.toString()) as Array<{ filename: string }>)[0]!.filename);
    prefix = join(work, 'prefix');
    const install = await runCommand('npm', ['install', '-g', '--no-audit', '--no-fund', '--prefix', prefix, packed], env);
    installLog = install.stdout.toString() + install.stderr.toString();
    expect(install.status, installLog).toBe(0);
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs quietly, with the license, the build and koffi as its only dependency', () => {
    // npm 11 lists every dependency with an install script; koffi's only
    // picks its shipped prebuilt binary, and koffi works without it. Any
    // other warning or error fails.
    const otherWarnings = installLog
      .split('\n')
      .filter((line) => /npm (warn|WARN|ERR)/.test(line))
      .filter((line) => !/^npm warn install-scripts( |$)/.test(line) || /^npm warn install-scripts {3}(?!koffi@)/.test(line));
    expect(otherWarnings).toEqual([]);
    expect(existsSync(join(installed(), 'dist', 'tspmap.js'))).toBe(true);
    expect(readdirSync(join(installed(), 'node_modules'))).toEqual(['koffi']);
    expect(readFileSync(join(installed(), 'LICENSE'), 'utf8')).toContain('GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 2.1');
    const manifest = JSON.parse(readFileSync(join(installed(), 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['koffi']);
    expect(manifest.os).toEqual(['linux']);
  });

  it('runs tspmap -x on a live process as pmap prints it', () => {
    const pid = String(child.pid());
    const ours = tspmap(['-x', pid]);
    expect(ours.stderr).toBe('');
    expect(ours.status).toBe(0);
    if (existsSync('/usr/bin/pmap')) {
      expect(ours.stdout).toBe(execFileSync('bash', ['-c', `exec -a tspmap /usr/bin/pmap -x ${pid}`], { encoding: 'latin1' }));
    } else {
      console.warn('/usr/bin/pmap missing: tspmap -x checked for shape only');
      expect(ours.stdout).toMatch(new RegExp(`^${pid}:   sleep 1000\\nAddress +Kbytes`));
    }
  });

  it('prints --help with the extensions, without commander installed', () => {
    const help = tspmap(['--help']);
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('\ntspmap extensions:\n  --json ');
    expect(help.stdout.endsWith('For the extensions see tspmap(1).\n')).toBe(true);
  });

  it('installs a man page that man -l renders without hyphenated words', (ctx) => {
    const page = join(prefix, 'share', 'man', 'man1', 'tspmap.1');
    expect(existsSync(page)).toBe(true);
    if (spawnSync('man', ['--version'], { stdio: 'ignore' }).status !== 0) {
      console.warn('man missing: the installed page is not rendered');
      ctx.skip();
    }
    for (const width of ['80', '60']) {
      const shown = spawnSync('man', ['-l', page], { env: { ...env, MANWIDTH: width, MAN_KEEP_FORMATTING: '' }, encoding: 'utf8' });
      expect(shown.status).toBe(0);
      expect(shown.stdout).toContain('--summary');
      expect(shown.stdout).not.toContain('\u2010');
    }
  });

  describe('the API, from a consumer of the installed package', () => {
    let consumer: string;
    beforeAll(() => {
      consumer = join(work, 'consumer');
      mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
      symlinkSync(installed(), join(consumer, 'node_modules', 'tspmap'));
      symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(consumer, 'node_modules', '@types', 'node'));
      writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    });

    it('runs from plain ESM', () => {
      const script = [
        "import { readProcess, formatPmap, formatSummary, totals } from 'tspmap';",
        `const info = readProcess(${child.pid()});`,
        "console.log(formatPmap(info, 'XX').split('\\n')[0]);",
        "console.log(totals(info).kB.Rss > 0, formatSummary(info, { unicode: false }).includes('| total '));",
      ].join('\n');
      writeFileSync(join(consumer, 'use.mjs'), script);
      const run = spawnSync(process.execPath, ['use.mjs'], { cwd: consumer, env, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`${child.pid()}:   sleep 1000\ntrue true\n`);
    });

    it('compiles a TypeScript consumer with tsc --strict and runs it', () => {
      const code = [
        "import { TspmapError, readProcess, formatPmap, totals, type PmapMode, type ProcessInfo, type Totals } from 'tspmap';",
        `const info: ProcessInfo = readProcess(${child.pid()});`,
        "const modes: PmapMode[] = ['', 'x', 'd', 'X', 'XX'];",
        "const lengths: number[] = modes.map((mode) => formatPmap(info, mode).length);",
        'const sums: Totals = totals(info);',
        'const rss: number = sums.kB.Rss ?? 0;',
        'try { readProcess(0); } catch (error) { if (error instanceof TspmapError) console.log(error.code); }',
        "console.log(lengths.every((n) => n > 0), rss > 0, info.record.stat.state);",
        '',
      ].join('\n');
      writeFileSync(join(consumer, 'use.ts'), code);
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const options = ['--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--types', 'node'];
      const compiled = spawnSync(process.execPath, [tsc, ...options, 'use.ts'], { cwd: consumer, encoding: 'utf8' });
      expect(compiled.stdout + compiled.stderr).toBe('');
      const run = spawnSync(process.execPath, ['use.js'], { cwd: consumer, env, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('INVALID_PID\ntrue true S\n');
    });
  });
});


describe('an install without a build (npm install --ignore-scripts)', () => {
  it('says in one line that dist/ is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tspmap-nodist-'));
    try {
      cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      const run = spawnSync(process.execPath, [join(dir, 'bin', 'tspmap.js'), '-x', '1'], { env, encoding: 'utf8' });
      expect(run).toMatchObject({ status: 1, stdout: '' });
      expect(run.stderr).toBe('tspmap: dist/tspmap.js is missing: run `npm run build` in the package directory first\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
