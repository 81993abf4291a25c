/**
 * Parsing of /proc/PID/smaps into a typed per-mapping model for the
 * extensions and the library API.
 */
import type { MapsEntry } from './maps.js';
import { SmapsStore, storeSmaps } from './smaps-store.js';
import { U64 } from './u64.js';

/**
 * One mapping of smaps with every field the kernel listed: the typed model
 * behind --json, --summary and the library API (pmap's own modes use the
 * line emulation in src/format instead).
 */
export interface SmapsMapping extends MapsEntry {
  /** "Key: N kB" lines, in the kernel's order. */
  kB: Map<string, U64>;
  /** Numeric lines without a unit (THPeligible, ProtectionKey, ...). */
  values: Map<string, U64>;
  /** VmFlags two-letter codes, when the kernel lists them. */
  vmFlags?: string[];
}

/**
 * What the classifier and the sums read of a mapping: an SmapsMapping, or a
 * record of the compact store (smaps-store.ts) whose kB only looks fields up.
 */
export interface SmapsRecord extends MapsEntry {
  kB: { get(key: string): U64 | undefined };
  vmFlags?: readonly string[];
}

/**
 * Parse smaps (or maps, giving mappings without fields) keeping every field
 * whatever its length, unlike pmap's 20-character "%20[^:]" scan. Values too
 * large for 64 bits saturate, as strtoull() makes them in pmap. A line is
 * read up to a NUL byte, as C reads it; key lines before any mapping are
 * ignored. The line rules live in the compact store (smaps-store.ts).
 */
export function parseSmaps(text: string): SmapsMapping[] {
  const store = storeSmaps(text);
  const mappings: SmapsMapping[] = [];
  for (let i = 0; i < store.length; i++) mappings.push(mappingOf(store, i));
  return mappings;
}

/** Mapping i of a store as the full model (its own Maps and VmFlags list). */
export function mappingOf(store: SmapsStore, i: number): SmapsMapping {
  const layout = store.layouts[i]!;
  const base = store.valueStarts[i]!;
  const kB = new Map<string, U64>();
  const values = new Map<string, U64>();
  layout.keys.forEach((key, at) => {
    const slot = layout.slots[at]!;
    if (slot >= 0) (layout.isKB[at] ? kB : values).set(key, store.values.get(base + slot));
  });
  const mapping: SmapsMapping = {
    start: store.starts[i]!, end: store.ends[i]!, perms: store.perms[i]!, offset: store.offsets[i]!,
    devMajor: store.devMajors[i]!, devMinor: store.devMinors[i]!, inode: store.inodes[i]!, name: store.names[i]!,
    kB, values,
  };
  const flags = store.vmFlagsOf(i);
  if (flags) mapping.vmFlags = [...flags];
  return mapping;
}
