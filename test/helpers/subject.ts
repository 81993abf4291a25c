/** A `sleep` child that lives for the duration of a describe block. */
import { ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';

/** Registers the hooks; call `.pid()` inside tests. */
export function useSleepingChild(): { pid: () => number } {
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    child = spawn('sleep', ['1000'], { stdio: 'ignore' });
    // Give exec time to replace the forked image, so maps show sleep's.
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(() => {
    child?.kill();
  });
  return { pid: () => child!.pid! };
}
