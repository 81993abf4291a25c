/**
 * rc files (-c, -C, -n, -N): the template pmap writes, creation and its
 * refusals, config_read()'s warnings and what they enable. Expectations come
 * from the real pmap: files and cases it recorded under fixtures/, or, where
 * it can be run here (root, unshare, /usr/bin/pmap), a run of it next to
 * tspmap's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT, TSPMAP_BIN, runTspmap } from './helpers/run.js';
import { pmapOracleProblem } from './helpers/oracle.js';

const stderrWrites: string[] = [];
vi.mock('../src/cli/output.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/cli/output.js')>();
  return { ...actual, writeStderr: (text: string) => void stderrWrites.push(text) };
});

const { createRcFile, defaultRcPath, loadRcFile } = await import('../src/cli/rc.js');
const { RC_TEMPLATE } = await import('../src/format/rc-template.js');
const { parseRc } = await import('../src/parse/rc.js');

const COMMON = join(REPO_ROOT, 'fixtures', 'smaps-kernel-common');
const MIXED = join(REPO_ROOT, 'fixtures', 'smaps-kernel-mixed');
const scratch = mkdtempSync(join(tmpdir(), 'tspmap-rc-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeEach(() => {
  stderrWrites.length = 0;
});

const recorded = (fixture: string, id: string, file: string): string =>
  readFileSync(join(fixture, 'cases', id, file), 'latin1');
const stderrText = (): string => stderrWrites.join('');
let counter = 0;
const freshDir = (): string => {
  const dir = join(scratch, `d${counter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

describe('the rc template', () => {
  it('is byte for byte what pmap -N writes', () => {
    expect(RC_TEMPLATE).toBe(readFileSync(join(COMMON, 'pmap-created.rc'), 'latin1'));
  });
});

describe('createRcFile', () => {
  it('writes the template to a new file', () => {
    const path = join(freshDir(), 'new.rc');
    expect(createRcFile(path, 'tspmap')).toBe(true);
    expect(readFileSync(path)).toEqual(readFileSync(join(COMMON, 'pmap-created.rc')));
    expect(stderrText()).toBe('');
  });

  it('refuses an existing file with pmap warning and leaves it alone', () => {
    const path = join(freshDir(), 'old.rc');
    writeFileSync(path, 'mine\n');
    expect(createRcFile(path, 'tspmap')).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('mine\n');
    // pmap's own stderr for -N on an existing file: the warning, then main's error.
    const pmap = recorded(MIXED, 'rc-N-exists', 'stderr').split('\n');
    expect(stderrText()).toBe(`${pmap[0]}\n`);
  });

  it('counts a directory as existing, as fopen(dir, "r") succeeds', () => {
    expect(createRcFile(freshDir(), 'tspmap')).toBe(false);
    expect(stderrText()).toBe(`${recorded(MIXED, 'rc-N-directory', 'stderr').split('\n')[0]}\n`);
  });

  it('fails quietly where the file cannot be created', () => {
    expect(createRcFile(join(freshDir(), 'missing', 'x.rc'), 'tspmap')).toBe(false);
    expect(createRcFile('', 'tspmap')).toBe(false);
    expect(stderrText()).toBe('');
    expect(recorded(MIXED, 'rc-N-nodir', 'stderr')).toBe("tspmap: couldn't create the rc file\n");
  });
});

describe('defaultRcPath', () => {
  it('is ~/.NAMErc, even for an empty HOME', () => {
    expect(defaultRcPath({ HOME: '/home/u' }, 'tspmap')).toBe('/home/u/.tspmaprc');
    expect(defaultRcPath({ HOME: '' }, 'pmap')).toBe('/.pmaprc');
    expect(stderrText()).toBe('');
  });

  it('warns and gives up without HOME', () => {
    expect(defaultRcPath({}, 'tspmap')).toBeNull();
    expect(stderrText()).toBe('tspmap: HOME variable undefined\n');
  });
});

describe('loadRcFile', () => {
  it('returns null for a file that cannot be opened', () => {
    expect(loadRcFile(join(scratch, 'no-such.rc'), 'tspmap')).toBeNull();
    expect(stderrText()).toBe('');
  });

  it('reads a directory as an empty rc file, as pmap does', () => {
    expect(recorded(MIXED, 'rc-C-directory', 'status').trim()).toBe('0');
    const session = loadRcFile(freshDir(), 'tspmap');
    expect(session).not.toBeNull();
    expect(session!.fields.size).toBe(0);
    expect(session!.showPathToggles).toBe(0);
  });

  it('prints the warnings pmap printed for each recorded rc file, in order', () => {
    let checked = 0;
    for (const fixture of ['smaps-kernel-4.19', 'smaps-kernel-2.6.32']) {
      const cases = join(REPO_ROOT, 'fixtures', fixture, 'cases');
      for (const id of readdirSync(cases)) {
        const argv = JSON.parse(readFileSync(join(cases, id, 'argv'), 'utf8')) as string[];
        const at = argv.indexOf('-C');
        if (at < 0 || !existsSync(join(REPO_ROOT, argv[at + 1]!))) continue;
        stderrWrites.length = 0;
        expect(loadRcFile(join(REPO_ROOT, argv[at + 1]!), 'tspmap')).not.toBeNull();
        // Nothing else in these cases writes to stderr.
        expect(stderrText(), `${fixture}/${id}`).toBe(readFileSync(join(cases, id, 'stderr'), 'latin1'));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    // and warnings.rc does warn
    expect(recorded(join(REPO_ROOT, 'fixtures', 'smaps-kernel-4.19'), 'sk-C-warnings', 'stderr')).toContain('line');
  });

  it('keeps fields as strtok cut them, 31 bytes at most, and counts ShowPath toggles', () => {
    const parsed = parseRc('[Fields Display]\n  Rss  # c\n' + 'F'.repeat(40) + '\n[Mapping]\nShowPath\nShowPath #x\n');
    expect(parsed.fields).toEqual(['Rss', 'F'.repeat(31)]);
    expect(parsed.showPathToggles).toBe(2);
    expect(parsed.warnings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// End to end, next to the real pmap.

function oracleAvailable(): boolean {
  if (!existsSync(TSPMAP_BIN) || !existsSync(join(REPO_ROOT, 'dist', 'tspmap.js'))) return false;
  return pmapOracleProblem() === null;
}

const ORACLE = oracleAvailable();
const TREE = join(MIXED, 'tree');

interface Outcome {
  stdout: string;
  stderr: string;
  status: number | null;
  files: Record<string, string>;
}

/** Files below `dir` (relative name to content), to compare what was created. */
function listFiles(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) Object.assign(files, listFiles(join(dir, entry.name), `${rel}/`));
    else files[rel] = readFileSync(join(dir, entry.name), 'latin1');
  }
  return files;
}

/** Run pmap and tspmap each in a fresh directory prepared by `setup`, with HOME there unless `noHome`. */
async function both(args: string[], setup: (dir: string) => void, noHome = false): Promise<[Outcome, Outcome]> {
  const env = (dir: string): Record<string, string> => ({
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    ...(noHome ? {} : { HOME: join(dir, 'home') }),
  });
  const prepare = (): string => {
    const dir = freshDir();
    mkdirSync(join(dir, 'home'));
    setup(dir);
    return dir;
  };
  const pmapDir = prepare();
  const pmap = spawnSync(
    'unshare',
    ['-m', 'bash', '--norc', '--noprofile', '-c', 'mount --bind "$1" /proc && shift && exec -a tspmap /usr/bin/pmap "$@"', '_', TREE, ...args],
    { cwd: pmapDir, env: env(pmapDir) },
  );
  const oursDir = prepare();
  const ours = await runTspmap(['--proc-root', TREE, ...args], env(oursDir), oursDir);
  return [
    { stdout: pmap.stdout.toString('latin1'), stderr: pmap.stderr.toString('latin1'), status: pmap.status, files: listFiles(pmapDir) },
    { stdout: ours.stdout.toString('latin1'), stderr: ours.stderr.toString('latin1'), status: ours.status, files: listFiles(oursDir) },
  ];
}

const TRICKY_RC: Record<string, string> = {
  'lines over 1024 bytes': '[Fields Display]\nRss\n' + 'A'.repeat(1030) + '\nPss\n' + 'B'.repeat(1024) + '\nMapping\n' +
    'C'.repeat(1023) + '\nSize\n' + 'D'.repeat(2100) + '\nPerm\n' + 'E'.repeat(1024),
  'NUL bytes': '[Fields Display]\nRss\0junk\nPs\0s\n' + 'X'.repeat(10) + '\0' + 'Y'.repeat(2000) + '\nPss\nMapping\n\0\nSize\n',
  'CRLF line ends': '[Fields Display]\r\nRss\r\nPss\nMapping\n[Mapping]\r\nShowPath\r\n',
  'sections with tails': '[Fields Display]x\nRss\n[Mapping]ShowPath\n[Fields DisplayX]\nPss\n [Mapping] \n ShowPath#x\n[]\n[\nMapping\n',
  'no final newline': '[Fields Display]\nRss\nMapping',
  'entries before any section': 'Rss\n# c\n\n[Fields Display]\nPss junk\nMapping\n',
  empty: '',
};

describe.skipIf(!ORACLE)('end to end against the real pmap', () => {
  for (const [name, text] of Object.entries(TRICKY_RC)) {
    it(`-C and -c read an rc file with ${name} as pmap does`, async () => {
      const setup = (dir: string): void => {
        writeFileSync(join(dir, 'x.rc'), text, 'latin1');
        writeFileSync(join(dir, 'home', '.tspmaprc'), text, 'latin1');
      };
      for (const args of [['-C', 'x.rc', '2001', '2005'], ['-C', 'x.rc', '-p', '2001'], ['-c', '-q', '2002', '2001']]) {
        const [pmap, ours] = await both(args, setup);
        expect(ours, args.join(' ')).toEqual(pmap);
      }
    });
  }

  it('-n and -N create, refuse and fail as pmap does', async () => {
    const runs: [string[], (dir: string) => void, boolean?][] = [
      [['-n'], () => {}],
      [['-n'], (dir) => writeFileSync(join(dir, 'home', '.tspmaprc'), 'x\n')],
      [['--create-rc'], () => {}],
      [['-n'], () => {}, true],
      [['-N', 'new.rc'], () => {}],
      [['-N', 'old.rc'], (dir) => writeFileSync(join(dir, 'old.rc'), 'keep\n')],
      [['-N', 'sub'], (dir) => mkdirSync(join(dir, 'sub'))],
      [['-N', 'missing/new.rc'], () => {}],
      [['-N', ''], () => {}],
      [['--create-rc-to=a.rc', '-N', 'b.rc'], () => {}],
      [['-c', '2001'], () => {}, true],
      [['-c', '2001'], () => {}],
      [['-C', 'missing.rc', '2001'], () => {}],
    ];
    for (const [args, setup, noHome] of runs) {
      const [pmap, ours] = await both(args, setup, noHome);
      expect(ours, `${args.join(' ')}${noHome ? ' (no HOME)' : ''}`).toEqual(pmap);
    }
  });
});
