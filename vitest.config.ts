import { defineConfig } from 'vitest/config';
// The WebAssembly modules, compiled from src/format/wasm/ as the build does,
// so that tests of src/ run the same code as dist/.
import { wasmDefines } from './scripts/wasm.mjs';

export default defineConfig(async () => ({
  define: await wasmDefines(),
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxConcurrency: 4,
  },
}));
