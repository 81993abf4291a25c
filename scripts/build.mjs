// Bundle the CLI into dist/ (code-split so optional modes load lazily) and
// the library API into dist/lib/index.js, with declarations from tsc. Both
// bundles carry chalk, cli-table3 and commander, so an install needs no
// runtime dependency. The report page's script and CSS (src/format/report-client/, a browser bundle with
// d3-hierarchy and uPlot) are minified into strings that `tspmap report`
// inlines in its HTML.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { wasmDefines } from './wasm.mjs';

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
    ...(await wasmDefines()),
  },
};

rmSync('dist', { recursive: true, force: true });
await buildCli();
await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist/lib' });
// dist/ is CommonJS (the CLI), dist/lib/ stays an ES module (the API).
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
writeFileSync('dist/lib/package.json', '{ "type": "module" }\n');
// V8's code cache for the CLI bundle (see scripts/code-cache.cjs); stdout is
// /dev/null opened write-only, which tspmap does not take for a closed one.
// Without it tspmap only starts slower, so a failure is a warning.
const devNull = openSync('/dev/null', 'w');
try {
  execFileSync(process.execPath, ['scripts/code-cache.cjs'], { stdio: ['ignore', devNull, 'inherit'] });
} catch {
  process.stderr.write('build: no code cache was made (tspmap will start about 3 ms slower)\n');
}
closeSync(devNull);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--emitDeclarationOnly'], { stdio: 'inherit' });

/**
 * The CLI as CommonJS: Node starts a CommonJS module with less of its own
 * loader machinery than an ES module graph, and one file per path costs one
 * read and one compile. The pmap modes are one file, dist/tspmap.js; every
 * module the code loads with import() (extensions, colour, help, report,
 * cli-table3, chalk...) becomes its own file dist/lazy-NAME.js, built the
 * same way, so the plain modes never read or compile them. A lazy file
 * carries its own copy of the small shared modules; they hold no state that
 * crosses the boundary.
 */
async function buildCli() {
  const queue = [];
  const names = new Map();
  const lazyName = (path) => {
    if (!names.has(path)) {
      const name = path.includes('node_modules')
        ? path.split('node_modules/').pop().split('/')[0]
        : relative('src', path).replace(/\.ts$/, '').replace(/[/\\]/g, '-');
      names.set(path, name);
      queue.push({ path, name });
    }
    return names.get(path);
  };
  const lazy = {
    name: 'lazy-files',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        let path;
        if (args.path.startsWith('.')) {
          path = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
          if (!existsSync(path)) return { errors: [{ text: `lazy module ${args.path} not found as ${path}` }] };
        } else {
          path = resolve('node_modules', args.path);
        }
        return { path: `./lazy-${lazyName(path)}.js`, external: true };
      });
    },
  };
  const cjs = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    define: common.define,
    plugins: [lazy],
    // sysv-probe.ts reaches import.meta only where no CommonJS require exists.
    logOverride: { 'empty-import-meta': 'silent' },
    // import() of a lazy file becomes require() behind a promise: an import()
    // would start Node's ES module loader for a CommonJS file.
    supported: { 'dynamic-import': false },
    // Every run reads the bundle's text (V8 keeps it beside cached code):
    // without comments and indentation it is 95 KB instead of 126, and a
    // default run about 0.2 ms shorter. Names stay, for TSPMAP_DEBUG's stacks.
    minifyWhitespace: true,
  };
  await build({ ...cjs, entryPoints: ['src/cli/entry.ts'], outfile: 'dist/tspmap.js' });
  for (let i = 0; i < queue.length; i++) {
    const { path, name } = queue[i];
    const entry = path.includes('node_modules') ? basename(path) : path;
    await build({ ...cjs, entryPoints: [entry], outfile: `dist/lazy-${name}.js`, ...(path.includes('node_modules') ? { absWorkingDir: dirname(dirname(path)) } : {}) });
  }
}
