/**
 * Real servers for the metrics integration test: a free loopback port, a
 * long-running child that is always stopped (bounded in time), HTTP polls
 * with a deadline, and a frozen child whose memory no other process shares.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** A port the kernel just handed out on 127.0.0.1 (then released for the server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether an executable is on PATH. */
export function have(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Server {
  child: ChildProcess;
  /** Everything written on stderr (and stdout) so far. */
  log(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null if killed). */
  stop(graceMs?: number): Promise<number | null>;
}

export function startServer(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Server {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    log: () => text,
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Poll `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** GET a URL with a time limit. */
export async function get(url: string, timeoutMs = 5000): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
}

/** Debian's interpreter (a pyenv shim earlier on PATH is a script, not an ELF file to copy). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/**
 * A python3 child that owns all its memory: the interpreter, its libraries
 * and the loader are copied to a private directory and run through the
 * copied loader, so no other process maps the same pages and its PSS stays
 * put while it is stopped. It touches 8 MiB, says "ready", then is frozen
 * with SIGSTOP. `marker` appears in its command line for --match.
 */
export async function frozenPrivateChild(marker: string): Promise<{ pid: number; kill: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tspmap-child-'));
  const python = SYSTEM_PYTHON;
  const libraries = execFileSync('ldd', [python], { encoding: 'utf8' }).match(/\/\S+/g) ?? [];
  let loader = '';
  for (const file of [python, ...libraries]) {
    copyFileSync(realpathSync(file), join(dir, basename(file)));
    if (basename(file).startsWith('ld-linux')) loader = join(dir, basename(file));
  }
  const code = 'import sys,time\nb=bytearray(8<<20)\nfor i in range(0,len(b),4096): b[i]=1\nsys.stdout.write("ready\\n"); sys.stdout.flush()\ntime.sleep(3600)';
  const child = spawn(loader, ['--library-path', dir, join(dir, basename(python)), '-I', '-S', '-c', code, marker], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('python child did not start')), 10_000);
    child.stdout!.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  child.kill('SIGSTOP');
  return {
    pid: child.pid!,
    kill: () => {
      child.kill('SIGKILL');
      execFileSync('rm', ['-rf', dir]);
    },
  };
}
