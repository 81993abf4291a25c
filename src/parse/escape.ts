/**
 * libproc2's escape_str(), which pmap's header line goes through.
 *
 * In a UTF-8 locale (esc_ctl) control bytes become '?', and the first byte
 * that cannot start a UTF-8 sequence, or a sequence that would run past the
 * end, switches the rest of the string to the non-UTF-8 rule. Only lead
 * bytes are checked: continuation bytes are skipped unexamined, as in C.
 * In any other locale (esc_all) control bytes become '.' and every byte of
 * 0x80 and above becomes '?'.
 */

/** Sequence length announced by a lead byte, or -1 where none may start. */
function utf8LeadLength(byte: number): number {
  if (byte < 0x80) return 1;
  if (byte < 0xc2) return -1;
  if (byte < 0xe0) return 2;
  if (byte < 0xf0) return 3;
  if (byte < 0xf5) return 4;
  return -1;
}

function escapeAllFrom(text: string, from: number): string {
  let out = text.slice(0, from);
  for (let i = from; i < text.length; i++) {
    const byte = text.charCodeAt(i);
    if (byte < 0x20 || byte === 0x7f) out += '.';
    else if (byte >= 0x80) out += '?';
    else out += text[i];
  }
  return out;
}

function escapeControls(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const byte = text.charCodeAt(i);
    const length = utf8LeadLength(byte);
    if (length < 0 || i + length > text.length) return out + escapeAllFrom(text, i).slice(i);
    out += byte < 0x20 || byte === 0x7f ? '?' : text.slice(i, i + length);
    i += length;
  }
  return out;
}

/**
 * Escape a byte string (latin1-decoded) for display. `bufferSize` is the C
 * buffer handed to escape_str: the result holds at most bufferSize - 1 bytes.
 */
export function escapeStr(text: string, utf8: boolean, bufferSize: number): string {
  const nul = text.indexOf('\0');
  let visible = nul >= 0 ? text.slice(0, nul) : text;
  if (visible.length >= bufferSize) visible = visible.slice(0, bufferSize - 1);
  return utf8 ? escapeControls(visible) : escapeAllFrom(visible, 0);
}

/**
 * Whether escapeStr's result could depend on the locale: only the text
 * before the first NUL is escaped (a C string), so a cmdline's trailing NUL
 * does not make every run resolve the locale.
 */
export function needsLocale(text: string): boolean {
  const nul = text.indexOf('\0');
  return /[^\x20-\x7e]/.test(nul >= 0 ? text.slice(0, nul) : text);
}

/** LIMAGIC(LC_CTYPE): the first word of a compiled LC_CTYPE file (glibc 2.10+). */
const LC_CTYPE_MAGIC = 0x20090720;
/** Item numbers in LC_CTYPE: _NL_CTYPE_CLASS and _NL_CTYPE_CODESET_NAME (CODESET). */
const CTYPE_CLASS_ITEM = 0;
const CTYPE_CODESET_ITEM = 14;
/** The class table covers -128..255, so that a plain (signed) char indexes it. */
const CLASS_TABLE_ENTRIES = 384;
/** _ISprint, bit 6 of the class word as glibc stores it on a little-endian host. */
const IS_PRINT_LE = 0x4000;
const IS_PRINT_BE = 0x0040;

/**
 * What pmap needs from a compiled LC_CTYPE file: the codeset name and, per
 * byte, isprint() as pmap calls it: on a plain char, so byte 0x80-0xff
 * reads the table at its negative index (0xff is EOF, never printable).
 * `printable` is null when it is the C rule (printable ASCII only).
 * Returns null when the file is not a compiled LC_CTYPE.
 */
export function localeFileCtype(file: Buffer, littleEndian: boolean): { codeset: string; printable: Uint8Array | null } | null {
  const word = (at: number): number => (littleEndian ? file.readUInt32LE(at) : file.readUInt32BE(at));
  if (file.length < 8 || word(0) !== LC_CTYPE_MAGIC || word(4) <= CTYPE_CODESET_ITEM) return null;
  const classAt = word(8 + 4 * CTYPE_CLASS_ITEM);
  const codesetAt = word(8 + 4 * CTYPE_CODESET_ITEM);
  const codesetEnd = file.indexOf(0, codesetAt);
  if (classAt + 2 * CLASS_TABLE_ENTRIES > file.length || codesetEnd < 0) return null;
  const printable = new Uint8Array(256);
  let cRule = true;
  for (let byte = 0; byte < 256; byte++) {
    const signed = byte < 0x80 ? byte : byte - 256;
    const at = classAt + 2 * (signed + 128);
    const bits = littleEndian ? file.readUInt16LE(at) : file.readUInt16BE(at);
    printable[byte] = bits & (littleEndian ? IS_PRINT_LE : IS_PRINT_BE) ? 1 : 0;
    if (printable[byte] !== (byte >= 0x20 && byte <= 0x7e ? 1 : 0)) cRule = false;
  }
  return { codeset: file.toString('latin1', codesetAt, codesetEnd), printable: cRule ? null : printable };
}

/**
 * pmap's clean-up of a maps line: every byte that is not isprint() in its
 * locale becomes '?'. `printable` is that table (see localeFileCtype), or
 * null or absent for the C rule; it is asked for only when a line holds a
 * byte outside printable ASCII.
 */
export function sanitizeLine(line: string, printable?: () => Uint8Array | null): string {
  if (!/[^\x20-\x7e]/.test(line)) return line;
  const table = printable?.() ?? null;
  if (table === null) return line.replace(/[^\x20-\x7e]/g, '?');
  let out = '';
  for (let i = 0; i < line.length; i++) out += table[line.charCodeAt(i) & 0xff] ? line[i] : '?';
  return out;
}
