/**
 * The rc file side of the command line (-c, -C, -n, -N): pmap's
 * get_default_rc_filename(), config_create() and config_read().
 */
import { RcParser } from '../parse/rc.js';
import { RC_TEMPLATE } from '../format/rc-template.js';
import type { TableConfig } from '../format/smaps-table.js';
import { createRcText, streamRcText } from '../proc/rcfile.js';
import { SpillFile } from '../proc/spill.js';
import { PmapOptions } from './args.js';
import { writeStderr } from './output.js';

/** The parsed rc file: which fields to show and whether paths are shown. */
export interface RcSession {
  /** Field names listed in [Fields Display] (each cut to 31 bytes). */
  fields: Set<string>;
  /** How many times ShowPath appeared in [Mapping] (each toggles -p). */
  showPathToggles: number;
}

/** ~/.<name>rc, or null after warning "HOME variable undefined". */
export function defaultRcPath(env: Readonly<Record<string, string | undefined>>, name: string): string | null {
  const home = env.HOME;
  if (home === undefined) {
    writeStderr(`${name}: HOME variable undefined\n`);
    return null;
  }
  return `${home}/.${name}rc`;
}

/** Write pmap's rc template to `path`; false (after a warning if it exists) when not created. */
export function createRcFile(path: string, name: string): boolean {
  const outcome = createRcText(path, RC_TEMPLATE);
  if (outcome === 'exists') writeStderr(`${name}: the file already exists - delete or rename it first\n`);
  return outcome === 'created';
}

/** Read and parse an rc file, printing its warnings as they come (as pmap does); null when it cannot be opened. */
export function loadRcFile(path: string, name: string): RcSession | null {
  const parser = new RcParser((warning) => writeStderr(`${name}: ${warning}\n`));
  if (!streamRcText(path, (block) => parser.feed(block))) return null;
  parser.end();
  return { fields: new Set(parser.fields), showPathToggles: parser.showPathToggles };
}

/** The -X/-XX/-c/-C table's configuration from the options and the rc file. */
export function tableConfig(options: PmapOptions, rc: RcSession | null): TableConfig {
  return {
    fields: options.xLevel === 1 ? 'important' : rc ? rc.fields : 'all',
    quiet: options.quiet,
    // Each ShowPath in the rc file toggles what -p set.
    showPath: options.showPath !== ((rc?.showPathToggles ?? 0) % 2 === 1),
    // Past a few MiB of rows, an unlinked temporary file holds them (issue 11: -X memory).
    scratch: () => SpillFile.create(),
  };
}

export type { PmapOptions };
