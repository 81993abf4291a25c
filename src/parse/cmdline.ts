/**
 * The command line pmap prints in its header, as libproc2's
 * fill_cmdline_cvt() builds it (read_unvectored, then escape_str or, for an
 * empty cmdline, escape_command with brackets and " <defunct>").
 */
import { escapeStr } from './escape.js';

/** libproc2's MAX_BUFSZ: cmdline reads and escapes stop here. */
export const CMDLINE_BUFFER = 128 * 1024;
/** stat2proc escapes the command name into a 64-byte buffer. */
const COMM_BUFFER = 64;

/** read_unvectored(): NULs and newlines become spaces, trailing NULs kept. */
export function unvectorCmdline(raw: string): string {
  let n = raw.length;
  if (n >= CMDLINE_BUFFER) n = CMDLINE_BUFFER - 1;
  if (n === 0) return '';
  let data = raw.slice(0, n);
  let keep = n;
  while (keep > 0 && data.charCodeAt(keep - 1) === 0) keep--;
  const body = data.slice(0, keep).replace(/[\n\0]/g, ' ');
  data = body + data.slice(keep);
  // A trailing space (from a trailing newline) is cut.
  if (data.charCodeAt(n - 1) === 0x20) data = data.slice(0, n - 1);
  return data;
}

export interface HeaderInputs {
  /** Raw cmdline bytes; '' when the file was empty or unreadable. */
  cmdline: string;
  comm: string | null;
  state: string;
}

/** The header's command text, before the locale is known. */
export function headerCommand(inputs: HeaderInputs, utf8: boolean): string {
  if (inputs.cmdline.length > 0) {
    const escaped = escapeStr(unvectorCmdline(inputs.cmdline), utf8, CMDLINE_BUFFER);
    return escaped.length > 0 ? escaped : '?';
  }
  // glibc prints a NULL %s as "(null)"; stat2proc leaves cmd NULL on bad stat.
  const comm = inputs.comm === null ? '(null)' : escapeStr(inputs.comm, utf8, COMM_BUFFER);
  const defunct = inputs.state === 'Z' ? ' <defunct>' : '';
  return `[${comm}]${defunct}`;
}
