/**
 * The two shared parts of the compact smaps store (smaps-store.ts): the key
 * list that mappings listing the same keys in the same order share
 * (FieldLayout, a trie over the keys), and the one column that holds every
 * mapping's values (ValueColumn); and a stored mapping's lookup of its
 * fields through both (StoredFields).
 */
import type { U64 } from './u64.js';

/**
 * The keys a mapping listed, in the kernel's order; shared by every mapping
 * listing the same ones. A store keeping only some fields lists the others
 * too (so its fast path knows them) but keeps no value for them.
 */
export class FieldLayout {
  readonly keys: string[];
  /** Whether keys[i] is a "kB" field (else a plain value such as THPeligible). */
  readonly isKB: boolean[];
  /** Where keys[i]'s value sits among a mapping's values, or -1 for a key not kept. */
  readonly slots: number[];
  /** How many values a mapping with this layout has. */
  readonly stored: number;
  private readonly kBSlots: Map<string, number>;
  private readonly valueSlots: Map<string, number>;
  /** Every key listed, "k" or "v" + key. */
  private readonly listed: Set<string>;
  private readonly children = new Map<string, FieldLayout>();
  /** The child taken last: mappings nearly always repeat one key order. */
  private lastKey = '';
  private lastKB = false;
  lastChild: FieldLayout | null = null;
  /** The char codes of the last key and its ':' (SmapsStore's fast path matches them). */
  readonly keyCodes: number[];
  /** Whether the last key is a "kB" field, and whether its value is kept. */
  readonly lastIsKB: boolean;
  readonly lastKept: boolean;

  constructor(parent: FieldLayout | null = null, key = '', kB = false, kept = true) {
    this.keys = parent ? [...parent.keys, key] : [];
    this.isKB = parent ? [...parent.isKB, kB] : [];
    this.kBSlots = new Map(parent?.kBSlots);
    this.valueSlots = new Map(parent?.valueSlots);
    this.listed = new Set(parent?.listed);
    this.stored = parent ? parent.stored + (kept ? 1 : 0) : 0;
    this.slots = parent ? [...parent.slots, kept ? parent.stored : -1] : [];
    if (parent) {
      this.listed.add((kB ? 'k' : 'v') + key);
      if (kept) (kB ? this.kBSlots : this.valueSlots).set(key, parent.stored);
    }
    this.keyCodes = [...(key + ':')].map((char) => char.charCodeAt(0));
    this.lastIsKB = kB;
    this.lastKept = kept;
  }

  /** The value slot of key, or -1. */
  slot(key: string, kB: boolean): number {
    return (kB ? this.kBSlots : this.valueSlots).get(key) ?? -1;
  }

  /**
   * The layout after key text[start, end) (a new key is appended; a
   * repeated one keeps its place, as Map.set does). A key is kept or not
   * by its name, so the same key always gets the same answer.
   */
  child(text: string, start: number, end: number, kB: boolean, kept = true): FieldLayout {
    const last = this.lastChild;
    if (last !== null && kB === this.lastKB && end - start === this.lastKey.length && text.startsWith(this.lastKey, start)) return last;
    const key = text.slice(start, end);
    const id = (kB ? 'k' : 'v') + key;
    if (this.listed.has(id)) return this;
    let child = this.children.get(id);
    if (!child) this.children.set(id, (child = new FieldLayout(this, detach(key), kB, kept)));
    this.lastKey = child.keys[child.keys.length - 1]!;
    this.lastKB = kB;
    this.lastChild = child;
    return child;
  }
}

/** A copy of a slice that does not keep its (1 MB) block alive. */
export function detach(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'latin1').toString('latin1');
}

/** Values per chunk of a ValueColumn. */
const CHUNK_SHIFT = 16;
const CHUNK_SIZE = 1 << CHUNK_SHIFT;

/**
 * The field values of all mappings, in fixed chunks of doubles: growing
 * never copies (an array doubling would hold both copies at once), and a
 * value is 8 bytes. Values past 2^53 (saturated ones) are kept aside.
 */
export class ValueColumn {
  private readonly chunks: Float64Array[] = [];
  private readonly large = new Map<number, U64>();
  length = 0;

  push(value: U64): void {
    const at = this.length++;
    if ((at & (CHUNK_SIZE - 1)) === 0) this.chunks.push(new Float64Array(CHUNK_SIZE));
    if (typeof value === 'number') this.chunks[at >>> CHUNK_SHIFT]![at & (CHUNK_SIZE - 1)] = value;
    else this.set(at, value);
  }

  set(at: number, value: U64): void {
    if (typeof value === 'number') {
      this.chunks[at >>> CHUNK_SHIFT]![at & (CHUNK_SIZE - 1)] = value;
      this.large.delete(at);
    } else {
      this.chunks[at >>> CHUNK_SHIFT]![at & (CHUNK_SIZE - 1)] = Number.NaN;
      this.large.set(at, value);
    }
  }

  get(at: number): U64 {
    const value = this.chunks[at >>> CHUNK_SHIFT]![at & (CHUNK_SIZE - 1)]!;
    return value === value ? value : this.large.get(at)!;
  }
}

/** One field lookup of a stored mapping (the part of Map that the classifier uses). */
export class StoredFields {
  constructor(
    private layout: FieldLayout,
    private readonly values: ValueColumn,
    private base: number,
    private readonly kB: boolean,
  ) {}

  /** Look at another mapping's fields. */
  point(layout: FieldLayout, base: number): void {
    this.layout = layout;
    this.base = base;
  }

  get(key: string): U64 | undefined {
    const slot = this.layout.slot(key, this.kB);
    return slot < 0 ? undefined : this.values.get(this.base + slot);
  }
}
