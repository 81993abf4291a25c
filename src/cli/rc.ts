/**
 * The rc file side of the command line (-c, -C, -n, -N).
 * Implemented in issue 3; the signatures are what main.ts relies on.
 */
import { PmapOptions } from './args.js';

/** The parsed rc file: which fields to show and whether paths are shown. */
export interface RcSession {
  /** Field names listed in [Fields Display]. */
  fields: Set<string>;
  /** How many times ShowPath appeared in [Mapping] (each toggles -p). */
  showPathToggles: number;
}

/** ~/.<name>rc, or null after warning "HOME variable undefined". */
export function defaultRcPath(env: Readonly<Record<string, string | undefined>>, name: string): string | null {
  void env;
  void name;
  throw new Error('rc files are not implemented yet');
}

export function createRcFile(path: string, name: string): boolean {
  void path;
  void name;
  throw new Error('rc files are not implemented yet');
}

export function loadRcFile(path: string, name: string): RcSession | null {
  void path;
  void name;
  throw new Error('rc files are not implemented yet');
}

export type { PmapOptions };
