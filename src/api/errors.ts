/**
 * The library API's errors: one base class, told apart by `code` (or by
 * instanceof), each with the facts that caused it as typed properties.
 */

/** Every code a TspmapError can carry. */
export type TspmapErrorCode = 'INVALID_PID' | 'NOT_FOUND' | 'UNREADABLE' | 'SMAPS_FORMAT';

/** The base of every error the API throws. */
export abstract class TspmapError extends Error {
  /** What went wrong, one of TspmapErrorCode. */
  abstract readonly code: TspmapErrorCode;
}

/** readProcess() was given something that is not a PID (an integer in 1..2^31-1). */
export class InvalidPidError extends TspmapError {
  readonly code = 'INVALID_PID' as const;
  constructor(
    /** The value given. */
    readonly pid: number,
  ) {
    super(`invalid PID: ${pid}`);
    this.name = 'InvalidPidError';
  }
}

/** readProcess(): no such process (pmap would add 42 to its exit status). */
export class ProcessNotFoundError extends TspmapError {
  readonly code = 'NOT_FOUND' as const;
  constructor(
    /** The PID asked for. */
    readonly pid: number,
  ) {
    super(`no such process: ${pid}`);
    this.name = 'ProcessNotFoundError';
  }
}

/** A formatter needs /proc/TGID/maps or smaps, which could not be read. */
export class UnreadableError extends TspmapError {
  readonly code = 'UNREADABLE' as const;
  constructor(
    /** The process whose file it is. */
    readonly tgid: number,
    /** Which file. */
    readonly file: 'maps' | 'smaps',
    /** Why, as an errno name such as 'EACCES'. */
    readonly errno: string,
    reason: string,
  ) {
    super(`cannot read /proc/${tgid}/${file}: ${reason}`);
    this.name = 'UnreadableError';
  }
}

/** -X/-XX over an smaps that pmap itself rejects (pmap exits with this message). */
export class SmapsFormatError extends TspmapError {
  readonly code = 'SMAPS_FORMAT' as const;
  constructor(
    /** The process whose smaps it is. */
    readonly tgid: number,
    /** pmap's message, e.g. "Unknown format in smaps file!". */
    pmapMessage: string,
  ) {
    super(pmapMessage.trimEnd());
    this.name = 'SmapsFormatError';
  }
}
