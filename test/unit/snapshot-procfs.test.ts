/**
 * A snapshot is read through ProcFS's interface by subclassing it; a ProcFS
 * method the subclass does not override would silently read the real
 * filesystem instead of the snapshot (it happened once, with the byte
 * stream the plain modes use).
 */
import { describe, expect, it } from 'vitest';
import { ProcFS } from '../../src/proc/procfs.js';
import { SnapshotProcFS } from '../../src/proc/snapshot.js';

const READERS = Object.getOwnPropertyNames(ProcFS.prototype).filter((name) => /^(read|stream|scan|has|root)/.test(name));

describe('SnapshotProcFS', () => {
  it('finds the readers of ProcFS', () => expect(READERS.length).toBeGreaterThanOrEqual(5));
  it.each(READERS)('overrides %s', (name) => expect(Object.hasOwn(SnapshotProcFS.prototype, name)).toBe(true));
});
