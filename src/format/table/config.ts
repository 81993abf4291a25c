/**
 * The render configuration of the -X, -XX, -c and -C table, which cli/
 * fills in from pmap's options and the rc file, and what it resolves to.
 */
import { HEADING, UNIMPORTANT_FIELDS } from '../../model/fields.js';
import { DETAIL_WIDTH, DEVICE_WIDTH, NUM_WIDTH } from '../../parse/smaps-line.js';
import type { ScratchFactory } from './store.js';

/** What the table shows. */
export interface TableConfig {
  /**
   * The columns shown: 'important' for -X (all but pmap's unimportant
   * fields), 'all' for -XX, or the names listed in the rc file's
   * [Fields Display] for -c and -C.
   */
  fields: 'important' | 'all' | ReadonlySet<string>;
  /** -q: no heading and no totals; columns only as wide as their values. */
  quiet: boolean;
  /** The whole path in the Mapping column, not only its last part (-p, toggled by each ShowPath of the rc file). */
  showPath: boolean;
  /** Where the rows go past a few MiB (store.ts); without one they stay in memory. */
  scratch?: ScratchFactory;
}

/**
 * The columns that come from a mapping's header line, in table order (the
 * index is the column's number); `scanWidth` is its sscanf() width, the
 * most a value can hold. Address always shows.
 */
export const HEADER_COLUMNS = [
  { label: HEADING.address, scanWidth: NUM_WIDTH },
  { label: HEADING.perm, scanWidth: DETAIL_WIDTH },
  { label: HEADING.offset, scanWidth: NUM_WIDTH },
  { label: HEADING.device, scanWidth: DEVICE_WIDTH },
  { label: HEADING.inode, scanWidth: NUM_WIDTH },
] as const;

/** A TableConfig resolved once per run. */
export class TableColumns {
  readonly quiet: boolean;
  readonly showPath: boolean;
  /** Numbers of the HEADER_COLUMNS shown, in order (Address first). */
  readonly shownHeader: readonly number[];
  readonly showMapping: boolean;
  /** Whether the VmFlags column can show (it does only when the file has the lines). */
  readonly showVmFlags: boolean;
  readonly scratch: ScratchFactory | null;
  private readonly enabledCache = new Map<string, boolean>();

  constructor(private readonly config: TableConfig) {
    this.quiet = config.quiet;
    this.showPath = config.showPath;
    this.scratch = config.scratch ?? null;
    this.shownHeader = HEADER_COLUMNS.map((_, column) => column).filter(
      (column) => column === 0 || this.isEnabled(HEADER_COLUMNS[column]!.label),
    );
    this.showMapping = this.isEnabled(HEADING.mapping);
    this.showVmFlags = this.isEnabled(HEADING.vmFlags);
  }

  /** pmap's is_enabled(): -X hides the unimportant fields, -c shows the rc's, -XX all. */
  isEnabled(name: string): boolean {
    let enabled = this.enabledCache.get(name);
    if (enabled === undefined) {
      const fields = this.config.fields;
      if (fields === 'important') enabled = !UNIMPORTANT_FIELDS.has(name);
      else if (fields === 'all') enabled = true;
      else enabled = fields.has(name);
      this.enabledCache.set(name, enabled);
    }
    return enabled;
  }
}
