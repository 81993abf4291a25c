// Bundle the CLI into dist/ (code-split so optional modes load lazily) and
// emit the library API with declarations into dist/lib/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
// The report page's script and CSS (client/report/, with d3-hierarchy and
// uPlot), minified into strings that `tspmap report` inlines in its HTML.
const client = await build({
  entryPoints: ['client/report/main.ts'],
  outdir: 'report-client',
  bundle: true,
  minify: true,
  write: false,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
});
const clientText = (ext) => client.outputFiles.find((file) => file.path.endsWith(ext))?.text ?? '';
await build({
  define: {
    __REPORT_CLIENT_JS__: JSON.stringify(clientText('.js')),
    __REPORT_CLIENT_CSS__: JSON.stringify(clientText('.css')),
  },
  entryPoints: { tspmap: 'src/cli/entry.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // commander is CommonJS that requires node: built-ins, which an ESM bundle
  // cannot do; it is a runtime dependency, so node loads it from node_modules.
  external: ['commander'],
  legalComments: 'none',
  logLevel: 'warning',
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
