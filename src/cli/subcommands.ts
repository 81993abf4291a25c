/**
 * tspmap's own workflows (record, diff, watch, report, metrics, serve) are
 * subcommands parsed by commander. None of their names can start a valid pmap
 * command line (pmap rejects a non-numeric PID with its usage text), so
 * pmap's own argument parsing is untouched. Each module is loaded only when
 * its subcommand is named, so pmap's modes never pay for it.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** A subcommand module: parses its own arguments and returns the exit status. */
export interface Subcommand {
  run(args: readonly string[], env: Env, name: string): Promise<number>;
}

/** One line per subcommand: its name and how to load it. */
const SUBCOMMANDS: Readonly<Record<string, () => Promise<Subcommand>>> = {
  record: () => import('./record.js'),
  diff: () => import('./diff.js'),
  watch: () => import('./watch.js'),
  report: () => import('./report.js'),
  metrics: () => import('./metrics.js'),
  serve: () => import('./serve.js'),
};

/** The subcommand named by the first argument, if any. */
export function subcommandLoader(firstArgument: string | undefined): (() => Promise<Subcommand>) | undefined {
  if (firstArgument === undefined || !Object.hasOwn(SUBCOMMANDS, firstArgument)) return undefined;
  return SUBCOMMANDS[firstArgument];
}

/** The names, in the order `tspmap --help` lists them. */
export const SUBCOMMAND_NAMES: readonly string[] = Object.keys(SUBCOMMANDS);
