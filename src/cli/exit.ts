/**
 * tspmap's exit statuses: pmap's, and the one home for them (main.ts and
 * the extensions both OR these into the status).
 */
export const EXIT = {
  /** xerrx() and usage errors: EXIT_FAILURE. */
  failure: 1,
  /** A process could not be read (its maps or smaps failed to open). */
  unreadable: 1,
  /** Some PID was not found: pmap ORs 42 into the status. */
  missing: 42,
  /** pmap dies of SIGPIPE when its reader goes away: the shell sees 128 + 13. */
  brokenPipe: 141,
} as const;

/** libproc2 refuses more than 255 PIDs per call (pmap then fails with status 1). */
export const MAX_PIDS = 255;
