// For the benchmark's output check: a copy of a stopped process's /proc
// files in a directory, which pmap reads bind-mounted on /proc in a private
// mount namespace and tspmap with --proc-root. Live, a shared library's Pss
// depends on the reader itself (pmap maps liblzma through libsystemd, node
// does not), so live outputs can differ where a frozen copy cannot.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether this run can use unshare -m (root, and the command present). */
export function canCompareCopies() {
  return process.getuid?.() === 0 && spawnSync('unshare', ['--version']).status === 0;
}

/** Copy what pmap reads of `pid` (and of itself, and uptime) into a new directory: its path. */
export function copyProcess(pid) {
  const dir = mkdtempSync(join(tmpdir(), 'tspmap-bench-copy-'));
  mkdirSync(join(dir, pid));
  mkdirSync(join(dir, 'self'));
  for (const file of ['stat', 'status', 'cmdline', 'maps', 'smaps']) writeFileSync(join(dir, pid, file), readFileSync(`/proc/${pid}/${file}`));
  for (const file of ['status', 'maps']) writeFileSync(join(dir, 'self', file), readFileSync(`/proc/self/${file}`));
  writeFileSync(join(dir, 'uptime'), readFileSync('/proc/uptime'));
  return dir;
}

/** Whether tspmap (node, entry) and pmap print the same over the copy with `args`. */
export function sameOverCopy(dir, node, entry, pmap, args) {
  const options = { maxBuffer: 1 << 30 };
  const ours = spawnSync(node, [entry, '--proc-root', dir, ...args], options);
  const theirs = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind ${dir} /proc && exec "$0" "$@"`, pmap, ...args], options);
  return ours.status === theirs.status && ours.stdout.equals(theirs.stdout);
}

export function removeCopy(dir) {
  rmSync(dir, { recursive: true, force: true });
}
