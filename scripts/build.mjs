// Bundle the CLI into dist/ (code-split so optional modes load lazily) and
// emit the library API with declarations into dist/lib/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { tspmap: 'src/cli/entry.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // commander and prom-client are CommonJS requiring node builtins, which an
  // ESM bundle cannot do: they stay runtime dependencies, imported lazily.
  external: ['commander', 'prom-client'],
  legalComments: 'none',
  logLevel: 'warning',
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
