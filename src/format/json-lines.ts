/**
 * --json for one process from the compact smaps store (parse/smaps-store.ts):
 * byte for byte what writeJsonProcess() writes from parsed mappings, but each
 * mapping's line is put together from pieces cached per key order, name and
 * label, and written as soon as its class is known (the classifier looks
 * only one mapping back and ahead). The text is
 *
 *   serialize(jsonProcess(...) + summary, 2)
 *
 * with the one-line mappings where its empty "mappings" array stands.
 */
import type { FieldLayout, SmapsStore, StoredMapping, ValueColumn } from '../parse/smaps-store.js';
import { U64, add } from '../parse/u64.js';
import { DELETED } from '../model/kind.js';
import { MappingClass, classifyStore } from '../model/classify.js';
import type { Rule } from '../model/rules.js';
import type { ProcessRecord } from '../parse/record.js';
import { JsonProcess, JsonTotals, decodeBytes, jsonIdentity, serialize } from './json.js';

/** One part of a line: a constant prefix, then the value in a slot of the mapping's values. */
type Piece = readonly [prefix: string, slot: number];

/** The "kB" object and the members after it (thpEligible, protectionKey, values) of one key order. */
interface LayoutPieces {
  kB: Piece[];
  kBClose: string;
  after: Piece[];
  afterClose: string;
}

function layoutPieces(layout: FieldLayout): LayoutPieces {
  const kB: Piece[] = [];
  const named: Piece[] = [];
  const others: Piece[] = [];
  layout.keys.forEach((key, at) => {
    const slot = layout.slots[at]!;
    if (slot < 0) return;
    const quoted = JSON.stringify(key);
    if (layout.isKB[at]) kB.push([(kB.length === 0 ? '"kB":{' : ',') + quoted + ':', slot]);
    // jsonMapping() sets these two as the values Map lists them, then "values".
    else if (key === 'THPeligible') named.push([',"thpEligible":', slot]);
    else if (key === 'ProtectionKey') named.push([',"protectionKey":', slot]);
    else others.push([(others.length === 0 ? ',"values":{' : ',') + quoted + ':', slot]);
  });
  return { kB, kBClose: kB.length === 0 ? '"kB":{}' : '}', after: [...named, ...others], afterClose: others.length > 0 ? '}' : '' };
}

/** What a name contributes: "path" (and "pathBase64" when not UTF-8) and "deleted". */
interface NamePieces {
  path: string;
  base64: string;
  deleted: string;
}

/** Page sizes are per-mapping properties, not amounts: never summed (as totalsOf()). */
const NOT_SUMMED = new Set(['KernelPageSize', 'MMUPageSize']);

/** totalsOf() as running sums over the store's key orders. */
class TotalsSums {
  private readonly keys: string[] = [];
  private readonly sums: U64[] = [];
  private readonly indexOfKey = new Map<string, number>();
  private readonly byLayout = new Map<FieldLayout, Array<readonly [slot: number, index: number]>>();
  private count = 0;

  add(layout: FieldLayout, values: ValueColumn, base: number): void {
    let slots = this.byLayout.get(layout);
    if (!slots) this.byLayout.set(layout, (slots = this.slotsOf(layout)));
    for (const [slot, index] of slots) this.sums[index] = add(this.sums[index]!, values.get(base + slot));
    this.count++;
  }

  private slotsOf(layout: FieldLayout): Array<readonly [number, number]> {
    const slots: Array<readonly [number, number]> = [];
    layout.keys.forEach((key, at) => {
      const slot = layout.slots[at]!;
      if (slot < 0 || !layout.isKB[at] || NOT_SUMMED.has(key)) return;
      let index = this.indexOfKey.get(key);
      if (index === undefined) {
        this.indexOfKey.set(key, (index = this.keys.length));
        this.keys.push(key);
        this.sums.push(0);
      }
      slots.push([slot, index]);
    });
    return slots;
  }

  totals(): JsonTotals {
    const kB: Record<string, U64> = {};
    this.keys.forEach((key, index) => (kB[key] = this.sums[index]!));
    return { mappings: this.count, kB };
  }
}

/** Lines are handed on in pieces of about this many characters. */
const CHUNK = 1 << 16;

export class MappingLines {
  private readonly layouts = new Map<FieldLayout, LayoutPieces>();
  private readonly names = new Map<string, NamePieces>();
  private readonly quoted = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  private readonly flags = new Map<string, string>();

  constructor(private readonly store: SmapsStore) {}

  /** The JSON line of mapping i with its class (jsonMapping() + category and label, compact). */
  line(i: number, mapping: StoredMapping, kind: string, mappingClass: MappingClass): string {
    const store = this.store;
    const name = this.name(mapping.name);
    const base = store.valueStarts[i]!;
    const values = store.values;
    const pieces = this.pieces(store.layouts[i]!);
    let text = `{"start":"${mapping.start.toString(16)}","end":"${mapping.end.toString(16)}","perms":${this.quote(mapping.perms)},"offset":"${mapping.offset.toString(16)}","device":"${device(mapping)}","inode":"${mapping.inode}","path":${name.path},"kind":"${kind}","deleted":${name.deleted},`;
    for (const [prefix, slot] of pieces.kB) text += prefix + values.get(base + slot);
    text += pieces.kBClose + name.base64;
    for (const [prefix, slot] of pieces.after) text += prefix + values.get(base + slot);
    text += pieces.afterClose;
    const flags = store.vmFlagsText[i];
    if (flags !== null && flags !== undefined) text += this.vmFlags(i, flags);
    return text + ',"category":' + this.quote(mappingClass.category) + ',"label":' + this.label(mappingClass.label) + '}';
  }

  private pieces(layout: FieldLayout): LayoutPieces {
    let pieces = this.layouts.get(layout);
    if (!pieces) this.layouts.set(layout, (pieces = layoutPieces(layout)));
    return pieces;
  }

  private name(name: string): NamePieces {
    let pieces = this.names.get(name);
    if (!pieces) {
      const decoded = decodeBytes(name);
      pieces = {
        path: name === '' ? 'null' : JSON.stringify(decoded.text),
        base64: decoded.base64 === undefined ? '' : `,"pathBase64":${JSON.stringify(decoded.base64)}`,
        deleted: String(name.endsWith(DELETED)),
      };
      this.names.set(name, pieces);
    }
    return pieces;
  }

  private quote(text: string): string {
    let quoted = this.quoted.get(text);
    if (quoted === undefined) this.quoted.set(text, (quoted = JSON.stringify(text)));
    return quoted;
  }

  private label(label: string): string {
    let quoted = this.labels.get(label);
    if (quoted === undefined) this.labels.set(label, (quoted = JSON.stringify(decodeBytes(label).text)));
    return quoted;
  }

  private vmFlags(i: number, text: string): string {
    let member = this.flags.get(text);
    if (member === undefined) this.flags.set(text, (member = ',"vmFlags":' + JSON.stringify(this.store.vmFlagsOf(i))));
    return member;
  }
}

function device(mapping: StoredMapping): string {
  return `${mapping.devMajor.toString(16).padStart(2, '0')}:${mapping.devMinor.toString(16).padStart(2, '0')}`;
}

/** What writeStoredProcess() needs beyond the store. */
export interface StoredProcess {
  record: ProcessRecord;
  store: SmapsStore;
  rules: readonly Rule[];
  /** Called with every mapping and its class (a --summary's running sums). */
  onMapping?: (mapping: StoredMapping, mappingClass: MappingClass) => void;
  /** The "summary" member, asked for once every mapping went by onMapping. */
  summary?: () => JsonProcess['summary'];
}

/** Members of an entry are indented by 6; a quote inside a string is escaped. */
const MARKER = '\n      "mappings": []';

/** writeJsonProcess() for a process read into a store. */
export function writeStoredProcess(input: StoredProcess, write: (text: string) => void): void {
  const { record, store } = input;
  const identity = jsonIdentity(record);
  const entryText = (totals: JsonTotals, summary: JsonProcess['summary']): string => {
    const shell: JsonProcess = { ...identity, mappings: [], totals };
    if (summary !== undefined) shell.summary = summary;
    return serialize(shell, 2);
  };
  const head = entryText({ mappings: 0, kB: {} }, undefined);
  const headAt = head.indexOf(MARKER);
  const lines = new MappingLines(store);
  const totals = new TotalsSums();
  let chunk = store.length > 0 && headAt >= 0 ? head.slice(0, headAt) + '\n      "mappings": [' : '';
  let i = 0;
  classifyStore(store, record.stat.startStack, input.rules, (view, mappingClass) => {
    const mapping = view.mapping as StoredMapping;
    totals.add(store.layouts[i]!, store.values, store.valueStarts[i]!);
    input.onMapping?.(mapping, mappingClass);
    if (headAt >= 0) {
      chunk += (i === 0 ? '\n        ' : ',\n        ') + lines.line(i, mapping, view.kind, mappingClass);
      if (chunk.length >= CHUNK) {
        write(chunk);
        chunk = '';
      }
    }
    i++;
  });
  const text = entryText(totals.totals(), input.summary?.());
  const at = text.indexOf(MARKER);
  if (store.length === 0 || at < 0 || headAt < 0) write(chunk + text);
  else write(chunk + '\n      ]' + text.slice(at + MARKER.length));
}
