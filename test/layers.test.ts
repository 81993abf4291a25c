/**
 * The layers that src/'s imports obey, read from every import line (static,
 * `export … from` and dynamic import()). No exceptions are listed: a wrong
 * arrow fails here.
 *
 *   parse/   bytes to typed records           imports parse
 *   model/   vocabulary several outputs share imports model, parse
 *   proc/    the reader (the only filesystem  imports proc, model, parse
 *            code), producing parse records
 *   format/  pure renderers                   imports format, model, parse
 *   cli/     options, dispatch, exit statuses imports anything
 *   api      index.ts and api/: the library,  imports anything but cli/'s
 *            beside cli/                      command (main.ts, entry.ts)
 *
 * Data flows proc -> parse -> model -> format -> cli. proc/ and format/
 * sit side by side on parse/ and model/: reading happens before
 * formatting, so a renderer never reaches the filesystem and the reader
 * never reaches a renderer.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = join(import.meta.dirname, '..', 'src');

const ALLOWED: Record<string, readonly string[]> = {
  parse: ['parse'],
  model: ['model', 'parse'],
  proc: ['proc', 'model', 'parse'],
  format: ['format', 'model', 'parse'],
  cli: ['cli', 'format', 'model', 'parse', 'proc'],
  api: ['api', 'cli', 'format', 'model', 'parse', 'proc'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** 'parse', 'cli', … for a file under src/ (index.ts is 'api', like src/api/). */
function layerOf(file: string): string {
  const path = relative(SRC, file);
  return path.includes('/') ? path.split('/')[0]! : 'api';
}

/** Every relative module specifier a file imports, re-exports or loads. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+'(\.[^']*)'/g, /\bimport\s*\(\s*'(\.[^']*)'\s*\)/g, /^\s*import\s+'(\.[^']*)'/gm];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]!);
  return found;
}

describe('import direction', () => {
  const files = sources(SRC);

  it('finds the layers and their imports', () => {
    expect(new Set(files.map(layerOf))).toEqual(new Set(Object.keys(ALLOWED)));
    expect(importsOf("import { a } from './x.js';\nexport type { B } from '../y/z.js';\nawait import('../w.js');")).toEqual([
      './x.js', '../y/z.js', '../w.js',
    ]);
  });

  for (const file of files) {
    const from = layerOf(file);
    it(`${relative(SRC, file)} imports only from ${ALLOWED[from]!.join(', ')}`, () => {
      const wrong = importsOf(readFileSync(file, 'utf8'))
        .map((specifier) => ({ specifier, to: layerOf(resolve(dirname(file), specifier)) }))
        .filter(({ to }) => !ALLOWED[from]!.includes(to))
        .map(({ specifier, to }) => `${from} -> ${to} (${specifier})`);
      expect(wrong).toEqual([]);
    });
  }

  it('parse/, model/ and format/ never touch the filesystem', () => {
    const pure = files.filter((file) => ['parse', 'model', 'format'].includes(layerOf(file)));
    const touching = pure.filter((file) => /\bfrom\s+'(?:node:)?(?:fs|fs\/promises|child_process)'/.test(readFileSync(file, 'utf8')));
    expect(touching.map((file) => relative(SRC, file))).toEqual([]);
  });

  it('the API does not reach the command line program', () => {
    const imports = importsOf(readFileSync(join(SRC, 'index.ts'), 'utf8'));
    expect(imports.filter((specifier) => /cli\/(main|entry)\.js$/.test(specifier))).toEqual([]);
  });
});
