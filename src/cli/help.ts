/**
 * The part of --help (the long form only; -h stays pmap's) that lists
 * tspmap's own options after pmap's: a term column, then the description
 * wrapped at a fixed width. Laid out here, with no library, so --help works
 * from any copy of the build. Also the line --version (long form only;
 * -V stays pmap's) adds.
 */
import { TSPMAP_VERSION } from '../format/json.js';
import { SUBCOMMAND_NAMES } from './subcommands.js';

/** Fixed so the text does not depend on the terminal's width. */
const HELP_WIDTH = 80;
const INDENT = '  ';
/** Spaces between the longest term and the descriptions. */
const GAP = 2;

const EXTENSION_OPTIONS: ReadonlyArray<readonly [term: string, description: string]> = [
  ['--json', 'print the mappings of each PID as JSON (schema/tspmap.schema.json)'],
  ['--summary', 'print memory use by category and by mapped object, sorted by RSS (with --json: added to the JSON)'],
  ['--rules FILE', 'with --summary or --json: classification rules (JSON) tried before the built-in ones'],
  ['--color[=WHEN]', 'colour the output (opt-in: without this option no colour, even on a terminal): WHEN is auto (the default: on a terminal, after FORCE_COLOR and NO_COLOR), always or never; also --colour'],
  ['--proc-root DIR', 'read DIR instead of /proc, e.g. a copied /proc tree'],
  ['--snapshot FILE', 'read a snapshot written by `tspmap record` instead of /proc'],
  ['--at N|TIME', 'with --snapshot: sample N of a series (0 first, -1 last) or the last one taken by TIME'],
  ['-k, --use-kernel-name', 'show the kernel\'s names for special mappings ([heap], [vdso], ...) instead of "[ anon ]"'],
];

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

/** The extension options as text, preceded by a blank line. */
export function extensionHelp(): string {
  const termWidth = Math.max(...EXTENSION_OPTIONS.map(([term]) => term.length)) + GAP;
  const column = INDENT.length + termWidth;
  const items = EXTENSION_OPTIONS.map(([term, description]) =>
    wrap(description, HELP_WIDTH - column)
      .map((line, index) => (index === 0 ? INDENT + term.padEnd(termWidth) : ' '.repeat(column)) + line)
      .join('\n'),
  );
  const subcommands = SUBCOMMAND_NAMES.length ? `\nSubcommands (tspmap NAME --help): ${SUBCOMMAND_NAMES.join(', ')}\n` : '';
  return `\ntspmap extensions:\n${items.join('\n')}\n${subcommands}\nFor the extensions see tspmap(1).\n`;
}

/** The second line of --version, so that bug reports can name the release. */
export function versionLine(): string {
  return `tspmap ${TSPMAP_VERSION}\n`;
}
