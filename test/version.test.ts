/**
 * -V is pmap's line, byte for byte; --version spelled in full adds tspmap's
 * own release on a second line. Run through a link named pmap so that the
 * program name in the first line is pmap's too.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'tspmap.js');
const PMAP = '/usr/bin/pmap';
const havePmap = spawnSync(PMAP, ['-V']).status === 0;
if (!havePmap) console.warn('version.test: /usr/bin/pmap missing, comparisons skipped');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function run(command: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  // argv0 'pmap': glibc's getopt messages name argv[0] as given.
  const result = spawnSync(command, args, { argv0: 'pmap', encoding: 'latin1', env: { PATH: process.env.PATH ?? '' } });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

describe('version', () => {
  it.runIf(havePmap)('-V and abbreviations of --version print exactly what pmap prints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tspmap-version-'));
    try {
      const asPmap = join(dir, 'pmap');
      symlinkSync(BIN, asPmap);
      for (const args of [['-V'], ['-xV'], ['--vers'], ['--versio'], ['-V', '--version'], ['-q', '-V', '1'], ['--version=1'], ['--vers=1']]) {
        expect(run(asPmap, args), args.join(' ')).toEqual(run(PMAP, args));
      }
      // --version in full: pmap's line, then the release.
      const pmap = run(PMAP, ['--version']);
      expect(run(asPmap, ['--version'])).toEqual({ ...pmap, stdout: `${pmap.stdout}tspmap ${VERSION}\n` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--version names the release of package.json', () => {
    expect(run(BIN, ['--version']).stdout).toBe(`tspmap from procps-ng 4.0.2\ntspmap ${VERSION}\n`);
    expect(run(BIN, ['-V']).stdout).toBe('tspmap from procps-ng 4.0.2\n');
  });
});
