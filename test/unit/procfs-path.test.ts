/**
 * ProcFS.path() builds every path from a root normalised once; it must
 * spell each one as path.join() does, since messages print it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProcFS } from '../../src/proc/procfs.js';

const roots = ['/proc', '/proc/', '/', '', '.', './', 'tree', 'tree/', '../tree', 'a/../b', '/tmp//x/', './tree/./sub/'];
const entries: string[][] = [['4242', 'maps'], ['self', 'status'], ['sysvipc/shm'], ['uptime'], ['4242']];

describe('ProcFS.path = path.join', () => {
  for (const root of roots) {
    it(`root '${root}'`, () => {
      const fs = new ProcFS(root);
      for (const parts of entries) expect(fs.path(...parts)).toBe(join(root, ...parts));
    });
  }
});
