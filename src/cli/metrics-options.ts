/**
 * Command-line pieces shared by `tspmap metrics` and `tspmap serve`:
 * commander set up to report a bad argument in one line (exit 1), and the
 * process selection and grouping options.
 */
import { Command, CommanderError, Option } from 'commander';
import { writeStderr } from './output.js';
import { DEFAULT_PROC_ROOT, ProcFS } from '../proc/procfs.js';
import { DEFAULT_TEMPLATE, Grouping, compileMatcher, templateProblem } from '../format/metrics-grouping.js';

/** A bad command line: its one-line message is already on stderr. */
export class UsageError extends Error {
  constructor(readonly status: number) {
    super('usage');
  }
}

export interface SelectionOptions {
  all?: boolean;
  match: string[];
  nameTemplate: string;
  perPid?: boolean;
  rollup?: boolean;
  procRoot?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A commander program whose errors become one stderr line and a status. */
export function newProgram(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .configureOutput({ writeErr: (text) => writeStderr(text), writeOut: (text) => process.stdout.write(text) })
    .addOption(new Option('--match <regex>', 'publish processes whose command line matches (repeatable; named groups feed --name-template)').default([]).argParser(collect))
    .option('--name-template <template>', 'group name: {{.Comm}}, {{.ExeBase}}, {{.ExeFull}}, {{.Matches.NAME}}, {{.PID}}, {{.StartTime}}', DEFAULT_TEMPLATE)
    .option('--per-pid', 'add a pid label to every series (one series set per process: high cardinality)')
    .option('--rollup', 'totals from smaps_rollup without the category split (cheaper; category="all")')
    .option('--proc-root <dir>', 'read processes from a copied /proc tree');
}

/** Parse, turning commander's exits into UsageError (help and version exit 0). */
export function parseProgram(program: Command, args: readonly string[]): void {
  try {
    program.parse([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new UsageError(error.exitCode === 0 ? 0 : 1);
    throw error;
  }
}

export function fail(name: string, message: string): never {
  writeStderr(`${name}: ${message}\n`);
  throw new UsageError(1);
}

export function groupingFrom(options: SelectionOptions, name: string): Grouping {
  const problem = templateProblem(options.nameTemplate);
  if (problem !== null) fail(name, `--name-template: ${problem}`);
  const matchers = options.match.map((source) => {
    try {
      return compileMatcher(source);
    } catch (error) {
      return fail(name, `--match '${source}': ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return { matchers, template: options.nameTemplate };
}

export function procFsFrom(options: SelectionOptions, name: string): ProcFS {
  const fs = new ProcFS(options.procRoot ?? DEFAULT_PROC_ROOT);
  const problem = options.procRoot === undefined ? null : fs.rootProblem();
  if (problem !== null) fail(name, `--proc-root '${options.procRoot}': ${problem}`);
  return fs;
}

/** A positive number of seconds, as milliseconds. */
export function secondsOption(name: string, flag: string, value: string, minimum: number): number {
  const seconds = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || !(seconds >= minimum)) fail(name, `${flag} '${value}': need a number of seconds >= ${minimum}`);
  return Math.round(seconds * 1000);
}
