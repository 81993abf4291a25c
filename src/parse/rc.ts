/**
 * The rc file as pmap's config_read() reads it: fgets() into a 1025-byte
 * buffer (lines of up to 1024 bytes), comments, sections, and strtok() on
 * " \t" for each entry. Warnings come out in file order, numbered by the
 * lines fgets() returned (the skipped tail of a long line is not counted).
 */
import { cStringEnds, fgetsEnd } from './cscan.js';

/** MAX_CNF_LINE_LEN: fgets(line_buf, MAX_CNF_LINE_LEN + 1, f). */
export const RC_LINE_MAX = 1024;
/** cnf_listnode's description is char[32], filled with snprintf(). */
export const RC_FIELD_MAX = 31;

const enum Section {
  None,
  Unsupported,
  FieldsDisplay,
  Mapping,
}

const FIELDS_DISPLAY = '[Fields Display]';
const MAPPING = '[Mapping]';

export interface RcParse {
  /** Entries of [Fields Display], in file order, cut to 31 bytes. */
  fields: string[];
  /** ShowPath entries in [Mapping]: each one toggles -p. */
  showPathToggles: number;
  /** Warning texts (without the program name), in the order pmap prints them. */
  warnings: string[];
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** strtok(s, " \t") and the following strtok(NULL, " \t"). */
function firstTwoTokens(line: string, from: number): { token: string | null; tail: string | null } {
  const next = (pos: number): [string | null, number] => {
    while (pos < line.length && isBlank(line.charCodeAt(pos))) pos++;
    if (pos >= line.length) return [null, pos];
    const start = pos;
    while (pos < line.length && !isBlank(line.charCodeAt(pos))) pos++;
    // strtok writes a NUL over the delimiter and continues after it.
    return [line.slice(start, pos), pos < line.length ? pos + 1 : pos];
  };
  const [token, after] = next(from);
  if (token === null) return { token: null, tail: null };
  const [tail] = next(after);
  return { token, tail };
}

export function parseRc(text: string): RcParse {
  const result: RcParse = { fields: [], showPathToggles: 0, warnings: [] };
  const cStringEnd = cStringEnds(text);
  const warn = (message: string, line: number): void => {
    result.warnings.push(`${message} - line ${line}`);
  };
  const syntax = (line: number): void => warn('syntax error found in the config', line);
  let section = Section.None;
  let lineCount = 0;

  for (let pos = 0; pos < text.length; ) {
    const chunkEnd = fgetsEnd(text, pos, RC_LINE_MAX + 1);
    const lineEnd = cStringEnd(pos, chunkEnd);
    const start = pos;
    pos = chunkEnd;
    lineCount++;

    const length = lineEnd - start;
    let line: string;
    if (length > 0 && text.charCodeAt(lineEnd - 1) === 0x0a) {
      line = text.slice(start, lineEnd - 1);
    } else {
      line = text.slice(start, lineEnd);
      if (length === RC_LINE_MAX) {
        warn('config line too long', lineCount);
        // Ignore the tail: read on until a piece ends with '\n' or is empty.
        while (pos < text.length) {
          const tailEnd = fgetsEnd(text, pos, RC_LINE_MAX + 1);
          const tailCEnd = cStringEnd(pos, tailEnd);
          const tailLength = tailCEnd - pos;
          pos = tailEnd;
          if (tailLength === 0 || text.charCodeAt(tailCEnd - 1) === 0x0a) break;
        }
      }
    }

    let at = 0;
    while (at < line.length && isBlank(line.charCodeAt(at))) at++;
    if (at >= line.length || line.charCodeAt(at) === 0x23) continue;

    if (line.charCodeAt(at) === 0x5b) {
      if (line.startsWith(FIELDS_DISPLAY, at)) {
        at += FIELDS_DISPLAY.length;
        section = Section.FieldsDisplay;
      } else if (line.startsWith(MAPPING, at)) {
        at += MAPPING.length;
        section = Section.Mapping;
      } else {
        const close = line.indexOf(']', at);
        if (close >= 0) {
          section = Section.Unsupported;
          warn('unsupported section found in the config', lineCount);
          at = close + 1;
        } else {
          syntax(lineCount);
          at = line.length;
        }
      }
      while (at < line.length && isBlank(line.charCodeAt(at))) at++;
      if (at >= line.length || line.charCodeAt(at) === 0x23) continue;
      // Something follows the section name: warned, then read as an entry.
      syntax(lineCount);
    }

    switch (section) {
      case Section.FieldsDisplay:
      case Section.Mapping: {
        const { token, tail } = firstTwoTokens(line, at);
        if (token === null) break;
        if (tail !== null && tail.charCodeAt(0) !== 0x23) syntax(lineCount);
        if (section === Section.FieldsDisplay) result.fields.push(token.slice(0, RC_FIELD_MAX));
        else if (token === 'ShowPath') result.showPathToggles++;
        break;
      }
      case Section.Unsupported:
        break;
      default:
        syntax(lineCount);
    }
  }
  return result;
}
