/**
 * The measuring pass's hot path: most of an smaps file is field lines that
 * repeat the previous mapping's names in the same order.
 */
import { MAPBUF_SIZE } from '../../parse/cscan.js';
import { NUM_WIDTH } from '../../parse/smaps-line.js';
import { add } from '../../parse/u64.js';
import { SUM_FLUSH } from './field-list.js';
import type { SmapsMeasure } from './measure.js';

/**
 * Field lines in their common form, "Name:   123 kB\n" or "Name:   1\n",
 * under the names these lines of a mapping had before and for fields already
 * in the list, as many as follow text[pos], in one pass over each: the
 * position after them. The first line that differs in any way is left for
 * the measure's chunk(). Every byte of a line taken here is checked, so it
 * holds no NUL, and it fits one fgets() chunk.
 */
export function fastFields(m: SmapsMeasure, text: string, pos: number, end: number): number {
  const { names, codes: nameCodes, enabled: nameEnabled } = m.lines;
  const { nodes, names: nodeNames, lastValue, sums, quiet } = m.fields;
  const nodeCount = nodeNames.length;
  const nameCount = names.length;
  const store = m.store;
  const base = store.base;
  let bytes = store.bytes;
  let length = store.length;
  let line = m.line;
  let node = m.node;
  while (pos < end && line < nameCount) {
    const codes = nameCodes[line]!;
    const nameLength = codes.length;
    let at = pos + nameLength;
    if (text.charCodeAt(at) !== 0x3a) break;
    let i = 0;
    while (i < nameLength && text.charCodeAt(pos + i) === codes[i]) i++;
    if (i < nameLength) break;
    let c = text.charCodeAt(++at);
    while (c === 0x20) c = text.charCodeAt(++at);
    const valueStart = at;
    let value = 0;
    while (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      c = text.charCodeAt(++at);
    }
    const digits = at - valueStart;
    // Up to 15 digits is exact as a double; longer ones go the long way.
    if (digits === 0 || digits > 15) break;
    if (c === 0x20) {
      if (text.charCodeAt(at + 1) !== 0x6b || text.charCodeAt(at + 2) !== 0x42 || text.charCodeAt(at + 3) !== 0x0a) break;
      at += 3;
    } else if (c !== 0x0a) {
      break;
    }
    // The line, newline included, must fit one fgets() chunk.
    if (at - pos >= MAPBUF_SIZE - 1) break;
    if (nameEnabled[line]) {
      // A new node or an inconsistent one: the long way.
      if (node >= nodeCount || nodeNames[node] !== names[line]) break;
      if (length + NUM_WIDTH + 1 > bytes.length) {
        store.length = length;
        store.reserve(NUM_WIDTH + 1);
        bytes = store.bytes;
      }
      lastValue[node] = base + length;
      bytes[length++] = digits;
      for (let j = valueStart; j < valueStart + digits; j++) bytes[length++] = text.charCodeAt(j);
      const sum = sums[node]! + value;
      if (sum < SUM_FLUSH) {
        sums[node] = sum;
      } else {
        nodes[node]!.total = add(nodes[node]!.total, sum);
        sums[node] = 0;
      }
      if (quiet && digits > nodes[node]!.maxWidth) nodes[node]!.maxWidth = digits;
      node++;
    }
    line++;
    pos = at + 1;
  }
  m.line = line;
  m.node = node;
  store.length = length;
  return pos;
}
