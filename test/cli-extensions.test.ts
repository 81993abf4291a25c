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
