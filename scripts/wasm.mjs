// The WebAssembly pieces of tspmap, compiled from AssemblyScript sources
// (src/format/wasm/) by the build (scripts/build.mjs) and, for the tests
// that run src/ directly, by vitest.config.ts. Each is handed to the code
// as a base64 string constant (esbuild's or vite's `define`), so nothing
// reads a .wasm file at run time.
import asc from 'assemblyscript/asc';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The constant's name in src/ and the AssemblyScript source it holds. */
export const WASM_MODULES = {
  __ROWS_WASM__: 'src/format/wasm/rows.ts',
};

/** Compile one AssemblyScript file: the module's bytes. */
export async function compileWasm(source) {
  let binary = null;
  let errors = '';
  const { error } = await asc.main(
    [join(ROOT, source), '--outFile', 'out.wasm', '-O3', '--runtime', 'stub', '--noAssert', '--use', 'abort=', '--initialMemory', '24'],
    {
      writeFile(name, contents) {
        if (name.endsWith('.wasm')) binary = contents;
      },
      stdout: { write() {} },
      stderr: { write(text) { errors += text; } },
    },
  );
  if (error || binary === null) throw new Error(`asc ${source}: ${error?.message ?? 'no output'}\n${errors}`);
  return Buffer.from(binary);
}

/** Every module as `define` entries: NAME -> JSON string of its base64. */
export async function wasmDefines() {
  const entries = await Promise.all(
    Object.entries(WASM_MODULES).map(async ([name, source]) => [name, JSON.stringify((await compileWasm(source)).toString('base64'))]),
  );
  return Object.fromEntries(entries);
}
