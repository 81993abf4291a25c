/**
 * pmap's list of smaps field columns, which outlives one PID as its static
 * variables do: each field's last value, total and width. So a later PID's
 * columns are at least as wide as an earlier one's, its totals include the
 * earlier PIDs' totals (procps-ng 4.0.2 never resets them), a field missing
 * from a mapping shows the value it had last, and a PID with fields the list
 * lacks appends them.
 */
import { decimalValue } from '../../parse/cscan.js';
import { NUM_WIDTH } from '../../parse/smaps-line.js';
import { U64, add } from '../../parse/u64.js';
import { RecordStore, latin1Bytes, latin1String } from './store.js';

/** One column of smaps fields: pmap's struct listnode. */
export interface FieldNode {
  description: string;
  /** The value as last scanned, printed as is (leading zeros and all). */
  valueStr: string;
  total: U64;
  maxWidth: number;
}

/**
 * fastFields() adds values of at most 15 digits (below 2^50) as doubles in
 * `sums` and hands a sum on to the node's U64 total once it reaches 2^52,
 * so it stays exact; C's wrap-around addition does not care about grouping.
 */
export const SUM_FLUSH = 2 ** 52;

export class FieldList {
  readonly nodes: FieldNode[] = [];
  /** nodes[i].description, for a quick identity check. */
  readonly names: string[] = [];
  /** Per node, where its last value of this file is in the store, a stream position (-1: an earlier PID's). */
  lastValue = new Float64Array(16).fill(-1);
  /** Per node, what fastFields() added to its total since the last flush. */
  sums = new Float64Array(16);

  constructor(readonly quiet: boolean) {}

  /** A new file: no values seen in it yet. */
  beginFile(): void {
    if (this.lastValue.length < this.nodes.length) {
      this.lastValue = new Float64Array(this.nodes.length * 2);
      this.sums = new Float64Array(this.nodes.length * 2);
    }
    this.lastValue.fill(-1);
    this.sums.fill(0);
  }

  /**
   * Node k's value text[valueStart, valueEnd) under `name`, the long way: a
   * new node, or a value of any length. False when node k has another name
   * (pmap's "inconsistent detail field").
   */
  add(k: number, name: string, text: string, valueStart: number, valueEnd: number, store: RecordStore): boolean {
    let target = this.nodes[k];
    if (target === undefined) {
      target = this.append(name);
    } else if (target.description !== name) {
      return false;
    }
    store.reserve(NUM_WIDTH + 1);
    this.lastValue[k] = store.position();
    store.span(text, valueStart, valueEnd);
    const amount = decimalValue(text, valueStart, valueEnd);
    const total = target.total;
    target.total =
      typeof total === 'number' && typeof amount === 'number' && total + amount <= Number.MAX_SAFE_INTEGER
        ? total + amount
        : add(total, amount);
    if (this.quiet && valueEnd - valueStart > target.maxWidth) target.maxWidth = valueEnd - valueStart;
    return true;
  }

  private append(name: string): FieldNode {
    const node: FieldNode = { description: name, valueStr: '', total: 0, maxWidth: this.quiet ? 0 : name.length };
    this.nodes.push(node);
    this.names.push(name);
    if (this.lastValue.length < this.nodes.length) {
      const grown = new Float64Array(this.nodes.length * 2).fill(-1);
      grown.set(this.lastValue);
      this.lastValue = grown;
      const sums = new Float64Array(this.nodes.length * 2);
      sums.set(this.sums);
      this.sums = sums;
    }
    return node;
  }

  /** End of the measuring pass: the double sums join the totals. */
  flushSums(): void {
    const nodes = this.nodes;
    for (let k = 0; k < nodes.length; k++) {
      if (this.sums[k] !== 0) nodes[k]!.total = add(nodes[k]!.total, this.sums[k]!);
      this.sums[k] = 0;
    }
  }

  /** Fields this file never had show the value an earlier PID left: put it in the store. */
  storeMissingValues(store: RecordStore): void {
    for (let k = 0; k < this.nodes.length; k++) {
      if (this.lastValue[k]! < 0) {
        this.lastValue[k] = store.position();
        store.spanString(this.nodes[k]!.valueStr);
      }
    }
  }

  /** The last values stay with the list for the next PID. */
  keepLastValues(store: RecordStore): void {
    for (let k = 0; k < this.nodes.length; k++) this.nodes[k]!.valueStr = store.stringAt(this.lastValue[k]!);
  }
}

/**
 * The field names met at each line of a mapping's fields, a cache that holds
 * across mappings and PIDs: names[i], its bytes and whether is_enabled()
 * takes it. Mappings almost always list the same names in the same order.
 */
export class LineNames {
  readonly names: string[] = [];
  readonly codes: Uint8Array[] = [];
  readonly enabled: boolean[] = [];

  constructor(private readonly isEnabled: (name: string) => boolean) {}

  /** Make line `line` of the cache name text[start, end), dropping the lines after it if it did not. */
  resolve(line: number, text: string, start: number, end: number): void {
    const length = end - start;
    if (line < this.names.length) {
      const codes = this.codes[line]!;
      if (codes.length === length) {
        let same = true;
        for (let i = 0; i < length; i++) {
          if (text.charCodeAt(start + i) !== codes[i]) {
            same = false;
            break;
          }
        }
        if (same) return;
      }
      this.names.length = line;
      this.codes.length = line;
      this.enabled.length = line;
    }
    const codes = latin1Bytes(text, start, end);
    const name = latin1String(codes);
    this.names.push(name);
    this.codes.push(codes);
    this.enabled.push(this.isEnabled(name));
  }
}
