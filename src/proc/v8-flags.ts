/**
 * V8 flags set at run time (never on the command line, where each costs
 * Node ~18 ms and its code cache). A worker thread's start puts them back
 * to their defaults for the whole process: with a read-ahead worker alive,
 * --summary's young generation grew to 2 x 16 MiB despite
 * --semi-space-growth-factor=1 (v8.getHeapSpaceStatistics()), so they are
 * set again once a worker is running (proc/read-ahead.ts).
 */
import { nodeRequire } from './node-require.js';

/**
 * The flags, kept on the global object: each lazily loaded bundle file
 * (scripts/build.mjs) has its own copy of this module, and the one that
 * sets a flag is not the one that reads ahead.
 */
const KEPT = Symbol.for('tspmap.runtimeV8Flags');

/** node:v8, loaded on first use: it pulls in streams, about 6 ms of a plain run's start. */
function setFlagsFromString(flag: string): void {
  (nodeRequire()('node:v8') as typeof import('node:v8')).setFlagsFromString(flag);
}

function kept(): string[] {
  const global = globalThis as { [KEPT]?: string[] };
  return (global[KEPT] ??= []);
}

/** Set a V8 flag now, and again after each worker's start. */
export function setRuntimeFlag(flag: string): void {
  kept().push(flag);
  setFlagsFromString(flag);
}

/** After a worker thread has started: the flags set at run time, again. */
export function reapplyRuntimeFlags(): void {
  for (const flag of kept()) setFlagsFromString(flag);
}
