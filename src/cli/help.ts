/**
 * The part of --help (the long form only; -h stays pmap's) that lists
 * tspmap's own options after pmap's, laid out by commander's Help. This
 * module, and so commander, is loaded only when --help is given.
 */
import { createRequire } from 'node:module';
import { SUBCOMMAND_NAMES } from './subcommands.js';

type Commander = typeof import('commander');

/**
 * commander is CommonJS and requires node builtins, which an ESM bundle
 * cannot do; it is required at run time, from the installed package.
 */
function commander(): Commander {
  return createRequire(import.meta.url)('commander') as Commander;
}

/** Fixed so the text does not depend on the terminal's width. */
const HELP_WIDTH = 80;

function extensionCommand({ Command, Option }: Commander): InstanceType<Commander['Command']> {
  const command = new Command('tspmap').helpOption(false);
  command.addOption(new Option('--json', 'print the mappings of each PID as JSON (schema/tspmap.schema.json)'));
  command.addOption(new Option('--summary', 'print memory use by category and by mapped object, sorted by RSS (with --json: added to the JSON)'));
  command.addOption(
    new Option('--color[=WHEN]', 'colour the output: auto (the default: on a terminal, after FORCE_COLOR and NO_COLOR), always or never; also --colour'),
  );
  command.addOption(new Option('--proc-root DIR', 'read DIR instead of /proc, e.g. a copied /proc tree'));
  command.addOption(new Option('--snapshot FILE', 'read a snapshot written by `tspmap record` instead of /proc'));
  command.addOption(new Option('--at N|TIME', 'with --snapshot: sample N of a series (0 first, -1 last) or the last one taken by TIME'));
  command.addOption(new Option('-k, --use-kernel-name', 'show the kernel\'s names for special mappings ([heap], [vdso], ...) instead of "[ anon ]"'));
  return command;
}

/** The extension options as text, preceded by a blank line. */
export function extensionHelp(): string {
  const loaded = commander();
  const command = extensionCommand(loaded);
  const helper = new loaded.Help();
  helper.helpWidth = HELP_WIDTH;
  const termWidth = helper.padWidth(command, helper);
  const items = helper
    .visibleOptions(command)
    .map((option) => helper.formatItem(helper.optionTerm(option), termWidth, helper.optionDescription(option), helper));
  const subcommands = SUBCOMMAND_NAMES.length ? `\nSubcommands (tspmap NAME --help): ${SUBCOMMAND_NAMES.join(', ')}\n` : '';
  return `\ntspmap extensions:\n${items.join('\n')}\n${subcommands}\nFor the extensions see tspmap(1).\n`;
}
