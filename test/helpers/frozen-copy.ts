/**
 * A copy of what pmap reads of frozen processes (PID/{stat,status,cmdline,
 * maps,smaps}, self/status, an empty self/maps, uptime) in a tree of its
 * own: Pss moves while anything maps the same pages, so -X and -XX are
 * compared over one copy that tspmap (--proc-root) and pmap (bind-mounted
 * on /proc) both read.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function frozenCopy(pidList: readonly number[], prefix: string): string {
  const tree = mkdtempSync(join(tmpdir(), prefix));
  for (const pid of pidList) {
    mkdirSync(join(tree, String(pid)));
    for (const file of ['stat', 'status', 'cmdline', 'maps', 'smaps']) {
      writeFileSync(join(tree, String(pid), file), readFileSync(`/proc/${pid}/${file}`));
    }
  }
  mkdirSync(join(tree, 'self'));
  copyFileSync('/proc/self/status', join(tree, 'self', 'status'));
  writeFileSync(join(tree, 'self', 'maps'), '');
  writeFileSync(join(tree, 'uptime'), '100.00 100.00\n');
  return tree;
}
