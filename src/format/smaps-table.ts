/**
 * -X, -XX and -c/-C output (pmap's print_extended_maps). Implemented in
 * issue 3; the class shape is what main.ts relies on.
 */
import type { PmapOptions } from '../cli/args.js';
import type { RcSession } from '../cli/rc.js';

export interface TableRender {
  text: string;
  /** Set when pmap would stop with xerrx(): the message, exit status 1. */
  fatal?: string;
}

/** One run over all PIDs: pmap keeps its field list and totals across them. */
export class SmapsTableRun {
  constructor(
    private readonly options: PmapOptions,
    private readonly rc: RcSession | null,
  ) {}

  render(text: string): TableRender {
    void this.options;
    void this.rc;
    void text;
    throw new Error('-X is not implemented yet');
  }
}
