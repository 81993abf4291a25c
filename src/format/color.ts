/**
 * --color: ANSI colours over pmap's plain output, added by a pure function
 * that only inserts SGR sequences (strip them and the text is pmap's, byte
 * for byte). Loaded, with chalk, only when colour is on.
 *
 *   permissions   r green, w yellow, x red, s magenta, - dim
 *   mapping       [ anon ], [ stack ], [heap] ... cyan; [ shmid=... ] and
 *                 shared-memory names magenta; "... (deleted)" yellow
 *   large RSS     a -x row holding at least 10% of the process's RSS, and
 *                 its RSS column, bold red
 *   totals        the header lines and totals bold, separators dim
 */
import type { ChalkInstance } from 'chalk';

export type ColorTextMode = 'default' | 'extended' | 'device' | 'table';
export type ColorOption = 'auto' | 'always' | 'never';

type Env = Readonly<Record<string, string | undefined>>;

/** A -x row is "large" from this share of the process's total RSS. */
export const LARGE_RSS_SHARE = 0.1;

const PERM_STYLES: Record<string, 'green' | 'yellow' | 'red' | 'magenta' | 'dim'> = {
  r: 'green', w: 'yellow', x: 'red', s: 'magenta', '-': 'dim',
};

/** Each permission letter in its colour; runs of one colour share a sequence. */
function paintPerms(perms: string, chalk: ChalkInstance): string {
  let out = '';
  for (let i = 0; i < perms.length; ) {
    const style = PERM_STYLES[perms[i]!];
    let j = i + 1;
    while (j < perms.length && PERM_STYLES[perms[j]!] === style) j++;
    out += style ? chalk[style](perms.slice(i, j)) : perms.slice(i, j);
    i = j;
  }
  return out;
}

function paintName(name: string, chalk: ChalkInstance): string {
  const trimmed = name.trimStart();
  if (trimmed.startsWith('[ shmid=') || /^\/?(?:SYSV[0-9a-f]{8}|memfd:)/.test(trimmed)) return chalk.magenta(name);
  if (trimmed.endsWith(' (deleted)')) return chalk.yellow(name);
  if (trimmed.startsWith('[')) return chalk.cyan(name);
  return name;
}

const PROCESS_HEADER = /^\d+:   /;
const DEFAULT_ROW = /^([0-9a-f]+ +\d+K )(\S+)( )(.*)$/s;
const EXTENDED_ROW = /^([0-9a-f]+ +\d+ +)(\d+)( +\d+ )(\S+)( )(.*)$/s;
const DEVICE_ROW = /^([0-9a-f]+ +\d+ )(\S+)( [0-9a-f]+ [0-9a-f]+:[0-9a-f]+ )(.*)$/s;
const TABLE_ROW = /^( *[0-9a-f]+ )(\S+)( .*)$/s;

function isColumnHeader(line: string): boolean {
  return /^ *Address +/.test(line);
}

function isTotals(line: string, mode: ColorTextMode): boolean {
  if (mode === 'default') return line.startsWith(' total ');
  if (mode === 'extended') return line.startsWith('total kB');
  if (mode === 'device') return line.startsWith('mapped: ');
  return / KB $/.test(line) || /^ +\d+( +\d+)* +KB ?$/.test(line);
}

function isSeparator(line: string): boolean {
  return /^[ =-]+$/.test(line) && /[=-]/.test(line);
}

/** The RSS total of -x text: its footer, or the rows' sum under -q. */
function extendedRssTotal(lines: readonly string[]): number {
  let sum = 0;
  for (const line of lines) {
    if (line.startsWith('total kB')) return Number(line.split(/ +/)[3] ?? 0);
    const row = EXTENDED_ROW.exec(line);
    if (row) sum += Number(row[2]);
  }
  return sum;
}

/** Colour one process's worth of pmap text (header lines included). */
export function colorize(text: string, mode: ColorTextMode, chalk: ChalkInstance): string {
  if (chalk.level === 0 || text.length === 0) return text;
  const lines = text.split('\n');
  const rssTotal = mode === 'extended' ? extendedRssTotal(lines) : 0;
  return lines
    .map((line) => {
      if (line.length === 0) return line;
      if (PROCESS_HEADER.test(line)) return chalk.bold(line);
      if (isColumnHeader(line)) return chalk.bold(line);
      if (isTotals(line, mode)) return chalk.bold(line);
      if (isSeparator(line)) return chalk.dim(line);
      if (mode === 'default') {
        const row = DEFAULT_ROW.exec(line);
        if (row) return row[1]! + paintPerms(row[2]!, chalk) + row[3]! + paintName(row[4]!, chalk);
      } else if (mode === 'extended') {
        const row = EXTENDED_ROW.exec(line);
        if (row) {
          const rss = Number(row[2]);
          const large = rss > 0 && rssTotal > 0 && rss >= rssTotal * LARGE_RSS_SHARE;
          return (
            row[1]! + (large ? chalk.bold.red(row[2]!) : row[2]!) + row[3]! + paintPerms(row[4]!, chalk) + row[5]! +
            (large ? chalk.bold.red(row[6]!) : paintName(row[6]!, chalk))
          );
        }
      } else if (mode === 'device') {
        const row = DEVICE_ROW.exec(line);
        if (row) return row[1]! + paintPerms(row[2]!, chalk) + row[3]! + paintName(row[4]!, chalk);
      } else {
        const row = TABLE_ROW.exec(line);
        if (row && /^[r-][w-][x-][ps-]$/.test(row[2]!)) return row[1]! + paintPerms(row[2]!, chalk) + row[3]!;
      }
      return line;
    })
    .join('\n');
}

/** FORCE_COLOR as chalk's supports-color reads it: null when unset. */
function forcedLevel(env: Env): number | null {
  const value = env.FORCE_COLOR;
  if (value === undefined) return null;
  if (value === 'false' || value === '0') return 0;
  if (value === '' || value === 'true' || value === '1') return 1;
  if (value === '2' || value === '3') return Number(value);
  return 1;
}

/** How many colours the terminal takes, from TERM and COLORTERM. */
function terminalLevel(env: Env): number {
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (/-256(color)?$/i.test(env.TERM ?? '')) return 2;
  return 1;
}

/**
 * The chalk level to use (0: no colour). --color=always and never win over
 * the environment; with auto (the default), FORCE_COLOR decides when set
 * (0/false off, 1-3 on), else NO_COLOR (set and not empty) turns colour
 * off, else colour is on when stdout is a terminal and TERM is not "dumb".
 */
export function colorLevel(option: ColorOption, env: Env, stdoutIsTTY: boolean): number {
  if (option === 'never') return 0;
  const forced = forcedLevel(env);
  if (option === 'always') return forced !== null && forced > 0 ? forced : terminalLevel(env);
  if (forced !== null) return forced;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!stdoutIsTTY || env.TERM === 'dumb') return 0;
  return terminalLevel(env);
}

export type Painter = (text: string, mode: ColorTextMode) => string;

/** A painter for the CLI, or null when colour is off (chalk then never loads). */
export async function createPainter(option: ColorOption, env: Env, stdoutIsTTY: boolean): Promise<Painter | null> {
  const level = colorLevel(option, env, stdoutIsTTY);
  if (level === 0) return null;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: level as 1 | 2 | 3 });
  return (text, mode) => colorize(text, mode, chalk);
}
