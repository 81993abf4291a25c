/** Drive test/helpers/leaker.py: a real process that leaks on command. */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const LEAKER = resolve(import.meta.dirname, 'leaker.py');

export interface Leaker {
  pid: number;
  child: ChildProcessWithoutNullStreams;
  /** Leak once (heap, anon mmap, file mapping, thread) and wait until done. */
  grow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLeaker(file: string, steady = false): Promise<Leaker> {
  const child = spawn('python3', [LEAKER, file, ...(steady ? ['--steady'] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (prefix: string): Promise<string> => {
    const line = await lines.next();
    if (line.done || !String(line.value).startsWith(prefix)) throw new Error(`leaker: expected ${prefix}, got ${String(line.value)}`);
    return String(line.value);
  };
  const ready = await next('READY');
  return {
    pid: Number(ready.split(' ')[1]),
    child,
    async grow() {
      child.stdin.write('grow\n');
      await next('GREW');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      await gone;
    },
  };
}
