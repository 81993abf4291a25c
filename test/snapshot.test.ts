/**
 * Snapshots round-trip: every fixture tree is recorded with
 * `tspmap record --proc-root TREE PID…`, and every case pmap recorded over
 * that tree is rendered again from the snapshot with --snapshot; stdout,
 * stderr and status must equal pmap's recording byte for byte. --json and
 * --summary from the snapshot must equal the same from the tree. Damaged,
 * truncated and foreign files give one clear error line.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cleanEnv, runCommand, runTspmap } from './helpers/run.js';
import { schemaValidator } from './helpers/schema.js';
import { casesOf, expectAsRecorded, expectBytes, fixtureNames } from './helpers/oracle.js';

const scratch = mkdtempSync(join(tmpdir(), 'tspmap-snapshot-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const pidsOf = (tree: string): string[] => readdirSync(tree).filter((entry) => /^[0-9]+$/.test(entry));

const fixtures = fixtureNames();

describe('snapshot round-trip over every fixture', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(20);
  });

  describe.concurrent.each(fixtures)('%s', (fixture) => {
    const tree = join('fixtures', fixture, 'tree');
    const snapshot = join(scratch, `${fixture}.tar.gz`);
    const pids = pidsOf(join(REPO_ROOT, tree));

    beforeAll(async () => {
      const recorded = await runTspmap(['record', '--proc-root', tree, '-o', snapshot, ...pids], cleanEnv());
      expect(recorded.stderr.toString(), 'record stderr').toMatch(/wrote 1 sample/);
      expect(recorded.status).toBe(0);
    });

    for (const testCase of casesOf(fixture)) {
      it(`${testCase.id} renders from the snapshot as pmap did`, async () => {
        const home = mkdtempSync(join(scratch, 'home-'));
        const env = cleanEnv({ HOME: home, ...testCase.env });
        const result = await runTspmap(['--snapshot', snapshot, ...testCase.argv], env);
        expectAsRecorded(result, testCase);
      });
    }

    for (const mode of [['--json'], ['--summary'], ['--json', '--summary']]) {
      it(`${mode.join(' ')} from the snapshot equals the same from the tree`, async () => {
        const env = cleanEnv();
        const fromTree = await runTspmap(['--proc-root', tree, ...mode, ...pids], env);
        const fromSnapshot = await runTspmap(['--snapshot', snapshot, ...mode, ...pids], env);
        expectBytes(fromSnapshot.stdout, fromTree.stdout, 'stdout');
        expectBytes(fromSnapshot.stderr, fromTree.stderr, 'stderr');
        expect(fromSnapshot.status).toBe(fromTree.status);
      });
    }
  });
});

describe('series and --at', () => {
  const tree = join('fixtures', 'sleep', 'tree');
  const file = join(scratch, 'series.tar.gz');
  const pid = pidsOf(join(REPO_ROOT, tree))[0]!;

  it('records a series of samples and picks one with --at', async () => {
    const recorded = await runTspmap(['record', '--proc-root', tree, '--every', '100ms', '--count', '3', '-o', file, pid], cleanEnv());
    expect(recorded.stderr.toString()).toMatch(/wrote 3 samples/);
    const listing = await runCommand('tar', ['tzf', file], cleanEnv());
    const sampleFiles = listing.stdout.toString().split('\n').filter((line) => line.endsWith('sample.json'));
    expect(sampleFiles).toEqual(['samples/000000/sample.json', 'samples/000001/sample.json', 'samples/000002/sample.json']);
    const entry = async (name: string): Promise<unknown> => JSON.parse((await runCommand('tar', ['xzOf', file, name], cleanEnv())).stdout.toString());
    const meta = (await entry('tspmap-snapshot.json')) as { samples: number; source: string };
    schemaValidator('tspmap-snapshot.schema.json')(meta);
    expect(meta.samples).toBe(3);
    expect(meta.source).toBe('tree');
    for (const name of sampleFiles) schemaValidator('tspmap-snapshot.schema.json', '/$defs/sample')(await entry(name));
    const expected = await runTspmap(['--proc-root', tree, '-x', pid], cleanEnv());
    for (const at of ['0', '2', '-1', new Date(Date.now() + 60_000).toISOString()]) {
      const result = await runTspmap(['--snapshot', file, '--at', at, '-x', pid], cleanEnv());
      expectBytes(result.stdout, expected.stdout, `--at ${at}`);
    }
    const missing = await runTspmap(['--snapshot', file, '--at', '7', pid], cleanEnv());
    expect(missing.stderr.toString()).toBe(`tspmap: ${file}: no sample 7 (the file holds 3, numbered 0 to 2)\n`);
    expect(missing.status).toBe(1);
  });

  it('appends to an existing snapshot with --append', async () => {
    const recorded = await runTspmap(['record', '--proc-root', tree, '--append', '-o', file, pid], cleanEnv());
    expect(recorded.stderr.toString()).toMatch(/wrote 4 samples/);
  });
});

describe('snapshot files that cannot be used', () => {
  const tree = join('fixtures', 'sleep', 'tree');
  const pid = pidsOf(join(REPO_ROOT, tree))[0]!;
  const good = join(scratch, 'good.tar.gz');
  beforeAll(async () => {
    await runTspmap(['record', '--proc-root', tree, '-o', good, pid], cleanEnv());
  });

  const damaged: Array<[string, () => Buffer, RegExp]> = [
    ['an empty file', () => Buffer.alloc(0), /: empty file, not a tspmap snapshot$/],
    ['a text file', () => Buffer.from('hello\n'), /: not a tspmap snapshot \(not gzip data\)$/],
    ['a truncated snapshot', () => readFileSync(good).subarray(0, 200), /: truncated or corrupt snapshot/],
    ['a snapshot with flipped bytes', () => flip(readFileSync(good)), /: truncated or corrupt snapshot/],
    ['a gzip of something else', () => gzipSync(Buffer.from('not a tar archive at all'.repeat(40))), /: (truncated or corrupt snapshot|not a tspmap snapshot)/],
  ];

  for (const [what, bytes, message] of damaged) {
    it(`${what} gives one clear line and status 1`, async () => {
      const path = join(scratch, `bad-${what.replace(/\W+/g, '-')}`);
      writeFileSync(path, bytes());
      const result = await runTspmap(['--snapshot', path, '-x', pid], cleanEnv());
      const lines = result.stderr.toString().split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^tspmap: ${path}`));
      expect(lines[0]).toMatch(message);
      expect(result.stdout.length).toBe(0);
      expect(result.status).toBe(1);
    });
  }

  it('a foreign tar.gz is named as not a tspmap snapshot', async () => {
    const dir = mkdtempSync(join(scratch, 'foreign-'));
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const path = join(scratch, 'foreign.tar.gz');
    await runCommand('tar', ['czf', path, '-C', dir, 'notes.txt'], cleanEnv());
    const result = await runTspmap(['--snapshot', path, pid], cleanEnv());
    expect(result.stderr.toString()).toBe(`tspmap: ${path}: not a tspmap snapshot (a tar without tspmap-snapshot.json)\n`);
    expect(result.status).toBe(1);
  });

  it('a missing file is named', async () => {
    const result = await runTspmap(['--snapshot', join(scratch, 'nope.tar.gz'), pid], cleanEnv());
    expect(result.stderr.toString()).toBe(`tspmap: ${join(scratch, 'nope.tar.gz')}: No such file or directory\n`);
    expect(result.status).toBe(1);
  });
});

/** Damage the compressed stream in its middle, where gzip's CRC must catch it. */
function flip(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = Math.floor(copy.length / 2); i < Math.floor(copy.length / 2) + 16; i++) copy[i] = copy[i]! ^ 0xff;
  return copy;
}

describe('live snapshots and --anonymize', () => {
  it('a snapshot of a frozen live process renders as /usr/bin/pmap prints it', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.kill(child.pid!, 'SIGSTOP');
      const file = join(scratch, 'live.tar.gz');
      const recorded = await runTspmap(['record', '-o', file, String(child.pid)], cleanEnv());
      expect(recorded.status).toBe(0);
      // -X and -XX show Pss, which moves whenever another process maps or
      // unmaps a shared library, frozen target or not; the tree round-trip
      // above covers them byte for byte.
      for (const mode of [[], ['-x'], ['-d'], ['-q', '-x'], ['-p']]) {
        const pmap = await runCommand('/usr/bin/pmap', [...mode, String(child.pid)], cleanEnv());
        const fromSnapshot = await runTspmap(['--snapshot', file, ...mode, String(child.pid)], cleanEnv());
        expectBytes(fromSnapshot.stdout, pmap.stdout, `pmap ${mode.join(' ')}`);
        expect(fromSnapshot.status).toBe(pmap.status);
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--anonymize hashes names stably and keeps every number', async () => {
    const tree = join('fixtures', 'python3', 'tree');
    const pids = pidsOf(join(REPO_ROOT, tree));
    const first = join(scratch, 'anon-1.tar.gz');
    const second = join(scratch, 'anon-2.tar.gz');
    for (const file of [first, second]) {
      expect((await runTspmap(['record', '--anonymize', '--proc-root', tree, '-o', file, ...pids], cleanEnv())).status).toBe(0);
    }
    const listing = await runCommand('sh', ['-c', `tar xzOf "${first}" | tr '\\0' '\\n'`], cleanEnv());
    const content = listing.stdout.toString('latin1');
    expect(content).not.toMatch(/python|\/usr\/lib|libc\.so/);
    expect(content).toMatch(/\[heap\]/);
    const plain = await runTspmap(['--proc-root', tree, '-x', ...pids], cleanEnv());
    const hidden = await runTspmap(['--snapshot', first, '-x', ...pids], cleanEnv());
    const totalLine = (text: string): string => text.trim().split('\n').pop()!;
    expect(totalLine(hidden.stdout.toString())).toBe(totalLine(plain.stdout.toString()));
    expect(hidden.stdout.toString()).toMatch(/ h[0-9a-f]{10}\n/);
    const diff = await runTspmap(['diff', '--json', `${first}@0`, `${second}@0`, '--pid', pids[0]!], cleanEnv());
    const doc = JSON.parse(diff.stdout.toString()) as { mappings: unknown[]; reusedPid: string | null };
    expect(doc.mappings).toEqual([]);
  });
});

describe('record until exit, and missing processes', () => {
  it('--until-exit samples a live process until it exits', async () => {
    const file = join(scratch, 'until-exit.tar.gz');
    const script = `sleep 1.2 & "${process.execPath}" "${join(REPO_ROOT, 'bin', 'tspmap.js')}" record --until-exit --every 300ms -o "${file}" $!; echo "status $?"`;
    const result = await runCommand('sh', ['-c', script], cleanEnv());
    expect(result.stdout.toString()).toBe('status 0\n');
    const samples = Number(/wrote (\d+) samples of 1 process/.exec(result.stderr.toString())?.[1]);
    expect(samples).toBeGreaterThanOrEqual(2);
    expect(samples).toBeLessThanOrEqual(6);
  });

  it('a PID that does not exist: one line, status 42, no file', async () => {
    const file = join(scratch, 'none.tar.gz');
    const result = await runTspmap(['record', '-o', file, '999999999'], cleanEnv());
    expect(result.stderr.toString()).toBe('tspmap record: no such process: 999999999\n');
    expect(result.status).toBe(42);
    expect(existsSync(file)).toBe(false);
  });
});
