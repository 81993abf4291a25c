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

/** Whether escapeStr's result could depend on the locale. */
export function needsLocale(text: string): boolean {
  return /[^\x20-\x7e]/.test(text);
}
