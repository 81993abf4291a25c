/** Run the built tspmap (or any command) and capture bytes and status. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const TSPMAP_BIN = resolve(REPO_ROOT, 'bin', 'tspmap.js');

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  status: number | null;
  signal: NodeJS.Signals | null;
}

export function runCommand(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { cwd?: string; argv0?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env,
      argv0: options.argv0,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      resolvePromise({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status, signal });
    });
  });
}

/** A clean environment like the one fixtures were recorded in. */
export function cleanEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/bin:/bin', HOME: '/nonexistent', LANG: 'C.UTF-8', ...overrides };
}

export function runTspmap(args: readonly string[], env: Record<string, string>, cwd?: string): Promise<RunResult> {
  return runCommand(process.execPath, [TSPMAP_BIN, ...args], env, { cwd });
}
