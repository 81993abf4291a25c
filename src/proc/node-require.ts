/**
 * A CommonJS require usable from every build of these sources: the CLI
 * bundle is CommonJS and has its own; the library bundle (ESM) defines one
 * in its banner; the TypeScript sources under test make one from their URL.
 * Requiring through it keeps a module off the start-up path until it is
 * needed, and keeps esbuild from bundling what must load from disk (koffi).
 */
declare const require: NodeJS.Require | undefined;

/** What process.getBuiltinModule() (Node 20.16) is, where @types/node may not have it. */
type BuiltinModules = { getBuiltinModule(id: string): unknown };

export function nodeRequire(): NodeJS.Require {
  if (typeof require === 'function') return require;
  // Only the TypeScript sources under test come here. A static import of
  // node:module would load it, and the ES module loader behind it, on every
  // run of the CLI bundle: about 1.3 ms of start-up (hyperfine, 200 runs).
  const { createRequire } = (process as unknown as BuiltinModules).getBuiltinModule('node:module') as typeof import('node:module');
  return createRequire(import.meta.url);
}

let ttyModule: typeof import('node:tty') | undefined;

/**
 * isatty(3) for descriptor `fd`. node:tty is loaded on the first call: it
 * pulls in net and streams, about 2 ms of Node's start-up that the pmap
 * modes never need (they ask only on an error path or for --color).
 */
export function isTerminal(fd: number): boolean {
  ttyModule ??= nodeRequire()('node:tty') as typeof import('node:tty');
  return ttyModule.isatty(fd);
}
