/**
 * --color: colorize() only adds SGR sequences. Colour is opt-in: without
 * --color the output is pmap's bytes on a terminal, in a pipe and under
 * FORCE_COLOR (and chalk never loads); --color alone is auto (a terminal,
 * FORCE_COLOR, NO_COLOR decide), --color=always and never win.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { colorLevel, colorize, ColorTextMode } from '../src/format/color.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tspmap.js');
const FIXTURES = join(ROOT, 'fixtures');
const ESC = '\u001b';
const SGR = /\u001b\[[0-9;]*m/g;
const chalk = new Chalk({ level: 1 });

function strip(text: string): string {
  return text.replace(SGR, '');
}

type Env = Record<string, string>;

function tspmap(args: string[], env: Env = {}): { stdout: string; status: number } {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', ...env },
    encoding: 'latin1',
    maxBuffer: 1 << 30,
  });
  return { stdout: run.stdout, status: run.status ?? -1 };
}

const MODES: Array<[string, ColorTextMode]> = [['default', 'default'], ['x', 'extended'], ['d', 'device'], ['q', 'default'], ['x-q', 'extended'], ['X', 'table'], ['XX', 'table']];

function recorded(): Array<{ name: string; mode: ColorTextMode; text: string }> {
  if (!existsSync(FIXTURES)) return [];
  const out: Array<{ name: string; mode: ColorTextMode; text: string }> = [];
  for (const fixture of readdirSync(FIXTURES).sort()) {
    for (const [id, mode] of MODES) {
      const file = join(FIXTURES, fixture, 'cases', id, 'stdout');
      if (existsSync(file)) out.push({ name: `${fixture}/${id}`, mode, text: readFileSync(file, 'latin1') });
    }
  }
  return out;
}

describe('colorize()', () => {
  const cases = recorded();

  it('has recorded pmap output to colour', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it('only inserts SGR sequences into real pmap output', () => {
    let coloured = 0;
    for (const { name, mode, text } of cases) {
      const painted = colorize(text, mode, chalk);
      expect(strip(painted), name).toBe(text);
      if (painted !== text) coloured++;
    }
    expect(coloured).toBeGreaterThan(cases.length / 2);
  });

  it('leaves text alone at level 0', () => {
    for (const { mode, text } of cases.slice(0, 10)) expect(colorize(text, mode, new Chalk({ level: 0 }))).toBe(text);
  });

  it('colours permissions, anonymous mappings and totals in the default format', () => {
    const text = '42:   app\n0000555555554000      4K r-x-- app\n00007ffff7ff0000    132K rw---   [ stack ]\n total              136K\n';
    expect(colorize(text, 'default', chalk)).toBe(
      `${chalk.bold('42:   app')}\n` +
        `0000555555554000      4K ${chalk.green('r')}${chalk.dim('-')}${chalk.red('x')}${chalk.dim('--')} app\n` +
        `00007ffff7ff0000    132K ${chalk.green('r')}${chalk.yellow('w')}${chalk.dim('---')} ${chalk.cyan('  [ stack ]')}\n` +
        `${chalk.bold(' total              136K')}\n`,
    );
  });

  it('marks -x rows holding a large share of the RSS', () => {
    const text =
      'Address           Kbytes     RSS   Dirty Mode  Mapping\n' +
      '0000555555554000    1000     900       0 r-x-- big\n' +
      '0000555555999000     100      50      50 rw--- small\n' +
      '---------------- ------- ------- ------- \n' +
      'total kB            1100     950      50\n';
    const painted = colorize(text, 'extended', chalk).split('\n');
    expect(painted[1]).toContain(chalk.bold.red('900'));
    expect(painted[1]).toContain(chalk.bold.red('big'));
    expect(painted[2]).not.toContain(chalk.bold.red('50'));
    expect(painted[3]).toBe(chalk.dim('---------------- ------- ------- ------- '));
    expect(painted[4]).toBe(chalk.bold('total kB            1100     950      50'));
  });

  it('colours shared memory and deleted files apart', () => {
    const text = '0000000000600000      4K rw-s-   [ shmid=0x8001 ]\n0000000000700000      4K r---- gone (deleted)\n';
    const painted = colorize(text, 'default', chalk);
    expect(painted).toContain(chalk.magenta('  [ shmid=0x8001 ]'));
    expect(painted).toContain(chalk.yellow('gone (deleted)'));
    expect(painted).toContain(chalk.magenta('s'));
  });
});

describe('colorLevel()', () => {
  it.each([
    ['never', { FORCE_COLOR: '1' }, true, 0],
    ['always', {}, false, 1],
    ['always', { NO_COLOR: '1' }, false, 1],
    ['always', { FORCE_COLOR: '3' }, false, 3],
    ['always', { TERM: 'xterm-256color' }, false, 2],
    ['auto', {}, false, 0],
    ['auto', {}, true, 1],
    ['auto', { COLORTERM: 'truecolor' }, true, 3],
    ['auto', { NO_COLOR: '1' }, true, 0],
    ['auto', { NO_COLOR: '' }, true, 1],
    ['auto', { TERM: 'dumb' }, true, 0],
    ['auto', { FORCE_COLOR: '1' }, false, 1],
    ['auto', { FORCE_COLOR: '' }, false, 1],
    ['auto', { FORCE_COLOR: '2', NO_COLOR: '1' }, false, 2],
    ['auto', { FORCE_COLOR: '0' }, true, 0],
    ['auto', { FORCE_COLOR: 'false' }, true, 0],
  ] as const)('--color=%s with %j, tty=%s: level %i', (option, env, tty, level) => {
    expect(colorLevel(option, env, tty)).toBe(level);
  });
});

describe('the CLI', () => {
  let child: ChildProcess;
  let pid: string;
  beforeAll(async () => {
    child = spawn('sleep', ['1000'], { stdio: 'ignore' });
    pid = String(child.pid);
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(() => {
    child.kill();
  });

  const sleepFixture = join(FIXTURES, 'sleep');
  const haveSleep = existsSync(join(sleepFixture, 'cases', 'default', 'stdout'));

  it.runIf(haveSleep)('piped without flags: pmap\'s bytes, for each format', () => {
    const pids = readFileSync(join(sleepFixture, 'pids'), 'utf8').trim().split(/\s+/);
    for (const [id, flags] of [['default', []], ['x', ['-x']], ['d', ['-d']]] as const) {
      const expected = readFileSync(join(sleepFixture, 'cases', id, 'stdout'), 'latin1');
      expect(tspmap([...flags, '--proc-root', join(sleepFixture, 'tree'), ...pids]).stdout).toBe(expected);
    }
  });

  it('piped: no colour without --color (FORCE_COLOR included) or with never; colour with always or --color and FORCE_COLOR', () => {
    for (const flags of [[], ['-x'], ['-d']]) {
      const plain = tspmap([...flags, pid]).stdout;
      expect(plain).not.toContain(ESC);
      expect(plain).toMatch(/^\d+:   sleep 1000\n/);
      expect(tspmap([...flags, '--color=never', pid], { FORCE_COLOR: '1' }).stdout).toBe(plain);
      expect(tspmap([...flags, pid], { FORCE_COLOR: '0' }).stdout).toBe(plain);
      for (const env of [{ FORCE_COLOR: '1' }, { FORCE_COLOR: '3' }, { FORCE_COLOR: '' }]) expect(tspmap([...flags, pid], env).stdout).toBe(plain);
      expect(tspmap([...flags, '--color', pid]).stdout).toBe(plain);
      expect(tspmap([...flags, '--color=auto', pid]).stdout).toBe(plain);
      for (const [args, env] of [[['--color=always'], {}], [['--color'], { FORCE_COLOR: '1' }], [['--colour=auto'], { FORCE_COLOR: '1' }], [['--colour=always'], { NO_COLOR: '1' }]] as const) {
        const coloured = tspmap([...flags, ...args, pid], env).stdout;
        expect(coloured).toContain(ESC);
        expect(strip(coloured)).toBe(plain);
      }
    }
  });

  const script = spawnSync('script', ['--version']).status === 0;

  it.runIf(script)('on a pseudo-terminal (script): colour only with --color, unless NO_COLOR or --color=never', () => {
    const onPty = (command: string): string => {
      const run = spawnSync('script', ['-qec', command, '/dev/null'], {
        env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', TERM: 'xterm' },
        encoding: 'latin1',
      });
      return run.stdout.replace(/\r\n/g, '\n');
    };
    const node = `${process.execPath} ${BIN}`;
    const plain = tspmap([pid]).stdout;
    expect(onPty(`${node} ${pid}`)).toBe(plain);
    expect(onPty(`FORCE_COLOR=1 ${node} ${pid}`)).toBe(plain);
    for (const option of ['--color', '--color=auto', '--colour']) {
      const coloured = onPty(`${node} ${option} ${pid}`);
      expect(coloured).toContain(`${ESC}[1m${pid}:   sleep 1000${ESC}[22m`);
      expect(strip(coloured)).toBe(plain);
    }
    expect(onPty(`NO_COLOR=1 ${node} --color ${pid}`)).toBe(plain);
    expect(onPty(`${node} --color=never ${pid}`)).toBe(plain);
    expect(onPty(`${node} ${pid} | cat`)).toBe(plain);
  });

  it('keeps chalk and color.ts out of the default path of the bundle', () => {
    // The default path is the one file dist/tspmap.js (CommonJS, see
    // scripts/build.mjs); what import() loads is in dist/lazy-*.js files.
    const entry = readFileSync(join(ROOT, 'dist', 'tspmap.js'), 'utf8');
    expect(entry).not.toMatch(/supportsColor|ansi-styles|function colorize|function createPainter|cli-table3|commander|new Chalk/);
    // ...while the colour file is there, behind a promise.
    expect(entry).toMatch(/Promise\.resolve\(\)\.then\(\(\) ?=> ?__toESM\(require\("\.\/lazy-format-color\.js"\)/);
    expect(readFileSync(join(ROOT, 'dist', 'lazy-format-color.js'), 'utf8')).toMatch(/function createPainter/);
  });
});
