/**
 * Running both programs over a tree.
 *
 * The oracle is the real /usr/bin/pmap, which only reads /proc: an
 * OracleServer is one long-lived `unshare -m bash` that, per request,
 * bind-mounts a tree over /proc, runs pmap (as "tspmap", via exec -a) for
 * each case, records stdout/stderr/status in files, and unmounts. tspmap is
 * run as `node bin/tspmap.js --proc-root TREE ...`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

export const PMAP = '/usr/bin/pmap';
/** Seconds before a pmap run counts as hung (it loops forever on some inputs); status 137. */
export const ORACLE_TIMEOUT = 10;
const REPO = resolve(new URL('../..', import.meta.url).pathname);
export const TSPMAP = join(REPO, 'bin', 'tspmap.js');
let tspmapBin = TSPMAP;

/**
 * Copy the built CLI (bin/, dist/, package.json) into `dir` and run that copy
 * from now on: other engineers rebuild dist/ (rm -rf first) while a fuzz run
 * is under way, and a half-built dist/ must not look like a divergence.
 */
export function snapshotTspmap(dir) {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      if (!existsSync(join(REPO, 'dist', 'tspmap.js'))) throw new Error('dist/tspmap.js missing (run npm run build)');
      mkdirSync(dir, { recursive: true });
      for (const part of ['bin', 'dist', 'package.json']) cpSync(join(REPO, part), join(dir, part), { recursive: true });
      const probe = spawnSync(process.execPath, [join(dir, 'bin', 'tspmap.js'), '--version'], { encoding: 'utf8' });
      if (probe.status !== 0) throw new Error(`snapshot does not run: ${probe.stderr}`);
      tspmapBin = join(dir, 'bin', 'tspmap.js');
      return tspmapBin;
    } catch (e) {
      if (attempt === 49) throw e;
      spawnSync('sleep', ['0.2']);
    }
  }
  return tspmapBin;
}

const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** Can we run the oracle here (root, unshare, bind mounts, pmap)? */
export function oracleAvailable() {
  if (!existsSync(PMAP)) return { ok: false, why: `${PMAP} missing` };
  const dir = mkdtempSync(join(tmpdir(), 'tspmap-probe-'));
  const r = spawnSync('unshare', ['-m', 'bash', '-c', `mount --bind ${q(dir)} /proc && echo ok`], { encoding: 'utf8', timeout: 10000 });
  if (r.error || r.status !== 0 || !r.stdout.includes('ok')) {
    return { ok: false, why: `unshare -m / mount --bind failed: ${(r.stderr || String(r.error ?? '')).trim()}` };
  }
  return { ok: true, why: '' };
}

/** The environment both programs get: clean, with an empty HOME. */
export function baseEnv(home) {
  return { PATH: '/usr/bin:/bin', HOME: home };
}

/** Live servers, so an interrupted run can stop them (see killAllServers). */
const LIVE = new Set();

/** Kill every oracle shell (and the pmap it is running) of this process. */
export function killAllServers() {
  for (const s of LIVE) s.kill();
}

export class OracleServer {
  constructor(home) {
    this.home = home;
    // pmap names itself after argv[0]: run it through a symlink called tspmap.
    this.link = join(mkdtempSync(join(tmpdir(), 'tspmap-oracle-')), 'tspmap');
    symlinkSync(PMAP, this.link);
    this.child = spawn('unshare', ['-m', 'bash', '--noprofile', '--norc'], {
      env: baseEnv(home),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.buffer = '';
    this.waiters = new Map();
    this.seq = 0;
    this.queue = Promise.resolve();
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk) => {
      this.buffer += chunk;
      let nl;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const m = /^__DONE__ (\d+) (\S+)$/.exec(line);
        if (m) {
          const w = this.waiters.get(Number(m[1]));
          this.waiters.delete(Number(m[1]));
          w?.(m[2]);
        }
      }
    });
    this.child.stdin.write('set +e\n');
    LIVE.add(this);
  }

  kill() {
    LIVE.delete(this);
    // the shell runs each pmap in a child: end the whole process group
    try {
      spawnSync('pkill', ['-KILL', '-P', String(this.child.pid)]);
    } catch {}
    this.child.kill('SIGKILL');
  }

  /**
   * Run cases over one tree. cases: [{args: string[], env: object, out: dir}].
   * Each case runs `repeat` times (out, out.2, ...) to catch nondeterminism.
   */
  runTree(treeDir, cases, repeat = 2) {
    const id = ++this.seq;
    let script = `if mount --bind ${q(treeDir)} /proc; then mok=ok; else mok=mountfail; fi\n`;
    for (const c of cases) {
      for (let r = 1; r <= repeat; r++) {
        const out = r === 1 ? c.out : `${c.out}.${r}`;
        mkdirSync(out, { recursive: true });
        // No shell between env and pmap: bash would warn about unloadable locales.
        const env = Object.entries({ ...baseEnv(this.home), ...c.env }).map(([k, v]) => q(`${k}=${v}`)).join(' ');
        script +=
          `( cd / && exec env -i ${env} timeout -s KILL ${ORACLE_TIMEOUT} ${q(this.link)} ${c.args.map(q).join(' ')} ) </dev/null >${q(out + '/stdout')} 2>${q(out + '/stderr')}; ` +
          `echo $? >${q(out + '/status')}\n`;
      }
    }
    script += `[ "$mok" = ok ] && umount /proc\necho __DONE__ ${id} $mok\n`;
    const p = new Promise((res) => this.waiters.set(id, res));
    this.child.stdin.write(script);
    return p.then((mok) => {
      if (mok !== 'ok') throw new Error(`oracle: could not bind-mount ${treeDir}`);
    });
  }

  close() {
    LIVE.delete(this);
    rmSync(dirname(this.link), { recursive: true, force: true });
    this.child.stdin.end('exit 0\n');
  }
}

/** Run tspmap; resolves {stdout, stderr, status} (status 128+n on signal). */
export function runTspmap(treeDir, args, env, home, { timeoutMs = 30000 } = {}) {
  return new Promise((res) => {
    const child = spawn(process.execPath, [tspmapBin, '--proc-root', treeDir, ...args], {
      env: { ...baseEnv(home), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: '/',
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const sigs = { SIGHUP: 1, SIGINT: 2, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
      res({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        status: code ?? 128 + (sigs[signal] ?? 0),
        timedOut: signal === 'SIGKILL',
      });
    });
  });
}

export function readResult(dir) {
  return {
    stdout: readFileSync(join(dir, 'stdout')),
    stderr: readFileSync(join(dir, 'stderr')),
    status: Number(readFileSync(join(dir, 'status'), 'utf8').trim()),
  };
}

/** A tiny promise pool. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}
