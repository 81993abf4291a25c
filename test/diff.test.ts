/**
 * `tspmap diff` on real processes: a child that leaks on purpose (heap,
 * anonymous mmap, a growing file mapping, a thread stack), a child restarted
 * between two snapshots, a PID reused in a fresh PID namespace, and
 * --fail-over driving a shell script's exit status.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Leaker, startLeaker } from './helpers/leaker.js';
import { TSPMAP_BIN, cleanEnv, runCommand, runTspmap } from './helpers/run.js';
import { schemaValidator } from './helpers/schema.js';

const validDiff = schemaValidator('tspmap-diff.schema.json');

const scratch = mkdtempSync(join(tmpdir(), 'tspmap-diff-'));
const leakers: Leaker[] = [];
afterAll(async () => {
  await Promise.all(leakers.map((leaker) => leaker.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

async function leaker(file: string): Promise<Leaker> {
  const started = await startLeaker(join(scratch, file));
  leakers.push(started);
  return started;
}

interface Row {
  change: string;
  count: { before: number; after: number };
  delta_kB: Record<string, number>;
}
interface DiffDoc {
  total: Row;
  objects: Array<Row & { object: string }>;
  categories: Array<Row & { category: string }>;
  mappings: Array<Row & { key: string; name: string; perms: string }>;
  reusedPid: string | null;
}

const MIB_KB = 1024;

async function diffJson(args: string[]): Promise<DiffDoc> {
  const result = await runTspmap(['diff', '--json', ...args], cleanEnv());
  expect(result.stderr.toString()).toBe('');
  expect(result.status).toBe(0);
  const doc = JSON.parse(result.stdout.toString()) as DiffDoc;
  validDiff(doc);
  return doc;
}

describe('diff names what a leaking process grew', () => {
  it('heap, anonymous mmap, file mapping and thread stack, by roughly how much', async () => {
    const child = await leaker('leak.dat');
    const before = join(scratch, 'before.tar.gz');
    expect((await runTspmap(['record', '-o', before, String(child.pid)], cleanEnv())).status).toBe(0);
    await child.grow();
    await child.grow();
    const doc = await diffJson([before, String(child.pid)]);
    const object = (name: string) => doc.objects.find((row) => row.object === name);
    // Two rounds: 40 MiB of malloc in the heap, two 16 MiB mmaps, file +8 MiB.
    expect(object('[heap]')!.delta_kB.rss).toBeGreaterThan(36 * MIB_KB);
    // malloc's headers and Python's own bookkeeping of 40960 blocks add to it.
    expect(object('[heap]')!.delta_kB.rss).toBeLessThan(80 * MIB_KB);
    expect(object('[anon]')!.delta_kB.rss).toBeGreaterThan(31 * MIB_KB);
    const file = object(join(scratch, 'leak.dat'))!;
    expect(file.delta_kB.size).toBe(8 * MIB_KB);
    expect(file.delta_kB.rss).toBe(8 * MIB_KB);
    // The parked threads' stacks: two more guard pages, found as a count change.
    const guard = doc.mappings.find((row) => row.key === '[anon] ---p');
    expect(guard!.count.after - guard!.count.before).toBeGreaterThanOrEqual(2);
    // Largest change first: heap and anonymous memory lead, and the total adds up.
    expect(doc.categories.slice(0, 2).map((row) => row.category).sort()).toEqual(['anon', 'heap']);
    const changes = doc.categories.map((row) => Math.abs(row.delta_kB.rss!));
    expect(changes).toEqual([...changes].sort((x, y) => y - x));
    expect(doc.total.delta_kB.rss).toBeGreaterThan(76 * MIB_KB);
    // The text table names the same objects.
    const text = await runTspmap(['diff', before, String(child.pid)], cleanEnv());
    expect(text.stdout.toString()).toMatch(/^~ +1 +\+\d+ +\+\d{5} .*\[heap\]$/m);
    expect(text.stdout.toString()).toContain(`${join(scratch, 'leak.dat')} rw-s @0`);
  });
});

describe('diff across a restart and a reused PID', () => {
  it('matches a restarted child by key: no spurious add or remove', async () => {
    const first = await leaker('restart.dat');
    const a = join(scratch, 'restart-a.tar.gz');
    await runTspmap(['record', '-o', a, String(first.pid)], cleanEnv());
    await first.stop();
    const second = await leaker('restart.dat');
    expect(second.pid).not.toBe(first.pid);
    const doc = await diffJson([a, String(second.pid)]);
    const addedOrRemoved = doc.mappings.filter((row) => row.change === 'added' || row.change === 'removed');
    expect(addedOrRemoved.map((row) => row.key)).toEqual([]);
    // Where ASLR places anonymous regions side by side the kernel may merge
    // two; that shows as a count, never as an added or removed key.
    expect(Math.abs(doc.total.count.before - doc.total.count.after)).toBeLessThanOrEqual(2);
  });

  it('detects a PID reused by another program from stat start time', async (ctx) => {
    // In a new PID namespace ns_last_pid makes the kernel hand out the same PID again.
    const a = join(scratch, 'reuse-a.tar.gz');
    const script = [
      'sleep 60 & P=$!',
      `"${process.execPath}" "${TSPMAP_BIN}" record -o "${a}" $P 2>/dev/null`,
      'kill $P; wait $P 2>/dev/null',
      'echo 1 > /proc/sys/kernel/ns_last_pid',
      'python3 -c "import time; time.sleep(60)" & Q=$!',
      'sleep 0.3',
      '[ "$Q" = "$P" ] || { echo "pid not reused: $P $Q"; exit 9; }',
      `"${process.execPath}" "${TSPMAP_BIN}" diff "${a}" $Q; echo "status=$?"`,
      `"${process.execPath}" "${TSPMAP_BIN}" diff --allow-reuse --json "${a}" $Q >/dev/null; echo "status=$?"`,
      'kill $Q',
    ].join('\n');
    let result;
    try {
      result = await runCommand('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', script], cleanEnv());
    } catch {
      result = null;
    }
    if (result === null || (result.status !== 0 && /unshare/.test(result.stderr.toString()))) {
      console.warn('unshare --pid is not available here; the reused-PID test is skipped');
      ctx.skip();
      return;
    }
    const out = result.stdout.toString();
    expect(out).not.toMatch(/pid not reused/);
    expect(result.stderr.toString()).toMatch(/^tspmap diff: PID 2 was reused: 'sleep' started at tick \d+, 'python3' at tick \d+; not compared \(--allow-reuse compares anyway\)$/m);
    expect(out).toMatch(/^status=4$/m);
    expect(result.stderr.toString()).toMatch(/^tspmap diff: warning: PID 2 was reused/m);
    expect(out).toMatch(/^status=0$/m);
  });
});

describe('--fail-over in a shell script', () => {
  it('exits 3 when the chosen measure grew past the limit, 0 otherwise', async () => {
    const child = await leaker('ci.dat');
    const base = join(scratch, 'ci-base.tar.gz');
    await runTspmap(['record', '-o', base, String(child.pid)], cleanEnv());
    await child.grow();
    const script = [
      'set -u',
      `tspmap() { "${process.execPath}" "${TSPMAP_BIN}" "$@"; }`,
      `if tspmap diff --fail-over 100M "${base}" ${child.pid} >/dev/null; then echo "under 100M"; fi`,
      `tspmap diff --measure uss --fail-over 10M "${base}" ${child.pid} >/dev/null; echo "uss status $?"`,
      `tspmap diff --measure swap --fail-over 1% "${base}" ${child.pid} >/dev/null; echo "swap status $?"`,
      `tspmap diff --fail-over 5% "${base}" ${child.pid} >/dev/null; echo "percent status $?"`,
      `tspmap diff --fail-over lots "${base}" ${child.pid} >/dev/null; echo "bad limit status $?"`,
    ].join('\n');
    const result = await runCommand('sh', ['-c', script], cleanEnv());
    expect(result.stdout.toString()).toBe('under 100M\nuss status 3\nswap status 0\npercent status 3\nbad limit status 1\n');
    expect(result.stderr.toString()).toMatch(/^tspmap diff: uss grew by \d+ kB \(\+\d+\.\d%\), more than --fail-over 10M$/m);
    expect(result.stderr.toString()).toMatch(/^tspmap diff: --fail-over 'lots': use a size/m);
  });

  it('a damaged snapshot operand gives one line and status 2', async () => {
    const bad = join(scratch, 'bad.tar.gz');
    execFileSync('sh', ['-c', `printf 'garbage' > "${bad}"`]);
    const result = await runTspmap(['diff', bad, String(process.pid)], cleanEnv());
    expect(result.stderr.toString()).toBe(`tspmap diff: ${bad}: not a tspmap snapshot (not gzip data)\n`);
    expect(result.status).toBe(2);
  });
});

describe('matching keys (pure)', async () => {
  const { diffMappings, mappingKey, reusedPidProblem } = await import('../src/model/diff.js');
  const measures = (rss: number) => ({ size: 4, rss, pss: rss, uss: rss, privateDirty: rss, swap: 0 });
  const mapping = (name: string, perms: string, offset: string, fileBacked: boolean, rss: number) => ({
    name, perms, offset, fileBacked, object: name || '[anon]', category: fileBacked ? 'file data' : 'private anon', measures: measures(rss),
  });

  it('ignores addresses and " (deleted)", keeps offsets of files only', () => {
    expect(mappingKey(mapping('/usr/lib/libc.so.6 (deleted)', 'r-xp', '26000', true, 0))).toBe('/usr/lib/libc.so.6 r-xp @26000');
    expect(mappingKey(mapping('', 'rw-p', '7f0000000', false, 0))).toBe('[anon] rw-p');
    expect(mappingKey(mapping('[anon:arena]', 'rw-p', '0', false, 0))).toBe('[anon:arena] rw-p');
  });

  it('merges duplicates and counts them, sorted by the largest change', () => {
    const before = [mapping('', 'rw-p', '0', false, 10), mapping('/a', 'r--p', '0', true, 5)];
    const after = [mapping('', 'rw-p', '0', false, 10), mapping('', 'rw-p', '0', false, 30), mapping('/b', 'r--p', '0', true, 1)];
    const result = diffMappings(before, after, 'rss');
    expect(result.mappings.map((row) => [row.label, row.change, row.countBefore, row.countAfter, row.delta.rss])).toEqual([
      ['[anon] rw-p', 'changed', 1, 2, 30],
      ['/a r--p @0', 'removed', 1, 0, -5],
      ['/b r--p @0', 'added', 0, 1, 1],
    ]);
    expect(result.total.delta.rss).toBe(26);
  });

  it('reports a reused PID and a PID from another boot', () => {
    const a = { pid: 7, startTime: '100', bootId: 'x', comm: 'sleep' };
    expect(reusedPidProblem(a, { ...a })).toBeNull();
    expect(reusedPidProblem(a, { ...a, pid: 8, startTime: '200' })).toBeNull();
    expect(reusedPidProblem(a, { ...a, startTime: '200', comm: 'python3' })).toBe("PID 7 was reused: 'sleep' started at tick 100, 'python3' at tick 200");
    expect(reusedPidProblem(a, { ...a, bootId: 'y' })).toMatch(/two different boots/);
  });
});
