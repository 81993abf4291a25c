// Bundle the CLI into dist/ (code-split so optional modes load lazily) and
// the library API into dist/lib/index.js, with declarations from tsc. Both
// bundles carry chalk, cli-table3 and commander, so an install needs no
// runtime dependency. The report page's script and CSS (src/format/report-client/, a browser bundle with
// d3-hierarchy and uPlot) are minified into strings that `tspmap report`
// inlines in its HTML.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const client = await build({
  entryPoints: ['src/format/report-client/main.ts'],
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

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // commander is CommonJS and requires node: built-ins; an ESM bundle can
  // only do that through a require made by createRequire.
  banner: { js: "import { createRequire as __tspmapCreateRequire } from 'node:module'; const require = __tspmapCreateRequire(import.meta.url);" },
  define: {
    __REPORT_CLIENT_JS__: JSON.stringify(clientText('.js')),
    __REPORT_CLIENT_CSS__: JSON.stringify(clientText('.css')),
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { tspmap: 'src/cli/entry.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist/lib' });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
