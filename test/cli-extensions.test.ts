/**
 * Errors of tspmap's own options, which pmap has no answer for: one clear
 * line on stderr, status 1, nothing on stdout.
 */
import { describe, expect, it } from 'vitest';
import { cleanEnv, runTspmap } from './helpers/run.js';

describe('extension option errors', () => {
  it('--proc-root naming no directory is an error, not a missing process', async () => {
    const result = await runTspmap(['--proc-root', '/nonexistent/tree', '-x', '4242'], cleanEnv());
    expect(result.stdout.length).toBe(0);
    expect(result.stderr.toString()).toBe("tspmap: --proc-root '/nonexistent/tree': no such directory\n");
    expect(result.status).toBe(1);
  });

  it('--proc-root naming a file is an error', async () => {
    const result = await runTspmap(['--proc-root', 'package.json', '4242'], cleanEnv());
    expect(result.stderr.toString()).toBe("tspmap: --proc-root 'package.json': not a directory\n");
    expect(result.status).toBe(1);
  });

  it('--color with an unknown value is an error', async () => {
    const result = await runTspmap(['--color=sometimes', '-x', '1'], cleanEnv());
    expect(result.stdout.length).toBe(0);
    expect(result.stderr.toString()).toBe("tspmap: invalid --color value 'sometimes' (use auto, always or never)\n");
    expect(result.status).toBe(1);
  });

  it('extension options do not count as pmap arguments', async () => {
    const result = await runTspmap(['--proc-root', 'fixtures/sleep/tree'], cleanEnv());
    expect(result.stderr.toString()).toMatch(/^\nUsage:\n tspmap \[options\] PID/);
    expect(result.status).toBe(1);
  });
});

describe('where pmap 4.0.2 itself crashes', () => {
  it('a stat command name over 64 bytes is one clear error, not an abort', async () => {
    const { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const tree = mkdtempSync(join(tmpdir(), 'tspmap-comm-'));
    try {
      cpSync('fixtures/hm-long-comm/tree', tree, { recursive: true });
      const pid = readFileSync('fixtures/hm-long-comm/pids', 'utf8').trim();
      const statPath = join(tree, pid, 'stat');
      writeFileSync(statPath, readFileSync(statPath, 'latin1').replace(/\(c+\)/, `(${'c'.repeat(65)})`), 'latin1');
      const result = await runTspmap(['--proc-root', tree, pid], cleanEnv());
      expect(result.stdout.length).toBe(0);
      expect(result.stderr.toString()).toBe(`tspmap: ${pid}/stat: command name longer than 64 bytes (pmap 4.0.2 aborts here)\n`);
      expect(result.status).toBe(1);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
