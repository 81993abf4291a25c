/** printf-style column helpers shared by every output mode. */

/** "%*s": right-aligned in at least `width` columns. */
export function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** "%-*s": left-aligned in at least `width` columns. */
export function padRight(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** "%0*x" of an already formatted number. */
export function zeroPad(digits: string, width: number): string {
  return digits.length >= width ? digits : '0'.repeat(width - digits.length) + digits;
}

/**
 * pmap's justify_print(): a heading widened to fit its text and followed by
 * one space, or on a line of its own when the width is below 1.
 */
export function justify(text: string, width: number, align: 'left' | 'right'): string {
  if (width < 1) return `${text}\n`;
  const fitted = Math.max(width, text.length);
  return (align === 'right' ? padLeft(text, fitted) : padRight(text, fitted)) + ' ';
}
