/**
 * The rc file as pmap's config_read() reads it: fgets() into a 1025-byte
 * buffer (lines of up to 1024 bytes), comments, sections, and strtok() on
 * " \t" for each entry. Warnings come out in file order, numbered by the
 * lines fgets() returned (the skipped tail of a long line is not counted).
 */
import { FgetsReader, FgetsSink } from './fgets-reader.js';

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

/** The whole file in one go: the parse with its warnings collected. */
export function parseRc(text: string): RcParse {
  const warnings: string[] = [];
  const parser = new RcParser((warning) => warnings.push(warning));
  parser.feed(text);
  parser.end();
  return { fields: parser.fields, showPathToggles: parser.showPathToggles, warnings };
}

/**
 * config_read() over a file that arrives in blocks: each fgets() chunk is
 * decided as it arrives and each warning handed out at once, as pmap prints
 * them, so an endless rc file (/dev/zero, /dev/urandom) is read in constant
 * memory and warned about as it goes.
 */
export class RcParser implements FgetsSink {
  /** Entries of [Fields Display], in file order, cut to 31 bytes. */
  readonly fields: string[] = [];
  /** ShowPath entries in [Mapping]: each one toggles -p. */
  showPathToggles = 0;
  private section = Section.None;
  private lineCount = 0;
  /** After a line of 1024 bytes: its tail is read and dropped. */
  private skipping = false;
  private readonly reader = new FgetsReader(this, RC_LINE_MAX + 1);

  constructor(private readonly warn: (warning: string) => void) {}

  feed(block: string): void {
    this.reader.feed(block);
  }

  end(): void {
    this.reader.end();
  }

  bulk(_text: string, pos: number): number {
    return pos;
  }

  /** One fgets() chunk, text[start, lineEnd) up to its first NUL. */
  chunk(text: string, start: number, lineEnd: number): boolean {
    const length = lineEnd - start;
    const newline = length > 0 && text.charCodeAt(lineEnd - 1) === 0x0a;
    if (this.skipping) {
      // Ignore the tail: read on until a piece ends with '\n' or is empty.
      if (length === 0 || newline) this.skipping = false;
      return true;
    }
    this.lineCount++;
    const line = text.slice(start, newline ? lineEnd - 1 : lineEnd);
    if (!newline && length === RC_LINE_MAX) {
      this.warning('config line too long');
      this.skipping = true;
    }
    this.entry(line);
    return true;
  }

  private warning(message: string): void {
    this.warn(`${message} - line ${this.lineCount}`);
  }

  private entry(line: string): void {
    let at = 0;
    while (at < line.length && isBlank(line.charCodeAt(at))) at++;
    if (at >= line.length || line.charCodeAt(at) === 0x23) return;

    if (line.charCodeAt(at) === 0x5b) {
      if (line.startsWith(FIELDS_DISPLAY, at)) {
        at += FIELDS_DISPLAY.length;
        this.section = Section.FieldsDisplay;
      } else if (line.startsWith(MAPPING, at)) {
        at += MAPPING.length;
        this.section = Section.Mapping;
      } else {
        const close = line.indexOf(']', at);
        if (close >= 0) {
          this.section = Section.Unsupported;
          this.warning('unsupported section found in the config');
          at = close + 1;
        } else {
          this.warning(SYNTAX);
          at = line.length;
        }
      }
      while (at < line.length && isBlank(line.charCodeAt(at))) at++;
      if (at >= line.length || line.charCodeAt(at) === 0x23) return;
      // Something follows the section name: warned, then read as an entry.
      this.warning(SYNTAX);
    }

    switch (this.section) {
      case Section.FieldsDisplay:
      case Section.Mapping: {
        const { token, tail } = firstTwoTokens(line, at);
        if (token === null) break;
        if (tail !== null && tail.charCodeAt(0) !== 0x23) this.warning(SYNTAX);
        if (this.section === Section.FieldsDisplay) this.fields.push(token.slice(0, RC_FIELD_MAX));
        else if (token === 'ShowPath') this.showPathToggles++;
        break;
      }
      case Section.Unsupported:
        break;
      default:
        this.warning(SYNTAX);
    }
  }
}

const SYNTAX = 'syntax error found in the config';
