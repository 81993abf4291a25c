#!/usr/bin/env node
/**
 * Differential fuzzing of tspmap against the real procps-ng pmap.
 *
 *   npm run fuzz -- --seed N --cases M [--modes default,x,...] [--keep-failures DIR]
 *                   [--minimize K] [--jobs J] [--hostile P] [--json] [--verbose]
 *
 * For each of M random /proc trees (scripts/fuzz/gen.mjs; tree i of seed N
 * is always the same), every mode runs under pmap (bind-mounted over /proc
 * in a private mount namespace, twice, to catch nondeterminism) and under
 * `tspmap --proc-root TREE`; stdout, stderr and exit status are compared.
 * Divergences are saved under --keep-failures and the first K distinct ones
 * are delta-debugged into small reproducers. Cases where pmap itself dies of
 * a signal or is nondeterministic are excluded and counted separately; -X
 * modes answered with tspmap's "not implemented" placeholder are counted as
 * such. Needs root (unshare -m, mount --bind). Exit status 1 when any case
 * diverged.
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Rng } from './fuzz/prng.mjs';
import { MODES, generateTree, writeTree } from './fuzz/gen.mjs';
import { OracleServer, killAllServers, oracleAvailable, pool, readResult, runTspmap, snapshotTspmap } from './fuzz/run.mjs';
import { classify, firstDiff, signature } from './fuzz/compare.mjs';
import { minimize } from './fuzz/minimize.mjs';

export const ALL_MODES = Object.keys(MODES);

function parseArgs(argv) {
  const o = { seed: 1, cases: 100, modes: ALL_MODES, keep: null, minimize: 8, jobs: 4, hostile: 0.4, json: false, verbose: false, keepWork: false, modesPerTree: 0, skipOps: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--seed') o.seed = Number(val());
    else if (a === '--cases') o.cases = Number(val());
    else if (a === '--modes') {
      const list = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) list.push(...argv[++i].split(',').filter(Boolean));
      o.modes = list;
    } else if (a === '--keep-failures') o.keep = resolve(val());
    else if (a === '--minimize') o.minimize = Number(val());
    else if (a === '--no-minimize') o.minimize = 0;
    else if (a === '--jobs') o.jobs = Number(val());
    else if (a === '--hostile') o.hostile = Number(val());
    else if (a === '--modes-per-tree') o.modesPerTree = Number(val());
    else if (a === '--skip-ops') o.skipOps = val().split(',').filter(Boolean);
    else if (a === '--only') o.only = val().split(',').map(Number);
    else if (a === '--json') o.json = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--keep-work') o.keepWork = true;
    else if (a === '--reduce') o.reduce = resolve(val());
    else if (a === '--min-budget') o.minBudget = Number(val());
    else if (a === '--min-seconds') o.minSeconds = Number(val());
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run fuzz -- --seed N --cases M [--modes default,x,d,q,p,x-q,d-p,A,x-A,d-A,X,XX,X-q] [--keep-failures DIR] [--minimize K|--no-minimize] [--modes-per-tree K] [--skip-ops op,...] [--jobs J] [--hostile P] [--json] [--verbose]\n       npm run fuzz -- --reduce SAVED_CASE_DIR [--min-budget N] [--min-seconds S]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const m of o.modes) if (!MODES[m]) throw new Error(`unknown mode ${m} (known: ${ALL_MODES.join(' ')})`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new Error('--seed must be a non-negative integer');
  return o;
}

/** Tree `index` of `seed`, with the argv of every mode. */
export function makeCase(seed, index, modes, hostile, modesPerTree = 0, skipOps = []) {
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const tree = generateTree(rng, { hostileShare: hostile, skipOps });
  const argRng = rng.fork();
  const modeArgs = {};
  for (const m of ALL_MODES) {
    const args = MODES[m](tree, argRng);
    if (modes.includes(m)) modeArgs[m] = args;
  }
  let chosen = modes;
  if (modesPerTree > 0 && modesPerTree < modes.length) chosen = rng.fork().shuffle([...modes]).slice(0, modesPerTree);
  return { tree, modeArgs, modes: chosen };
}

function saveCase(dir, { files, tokens, env, modeArgs }, oracle, mine, extra) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeTree({ files }, join(dir, 'tree'));
  writeFileSync(join(dir, 'argv'), JSON.stringify([...modeArgs, ...tokens]) + '\n');
  writeFileSync(join(dir, 'env'), JSON.stringify(env) + '\n');
  for (const [who, r] of [['pmap', oracle], ['tspmap', mine]]) {
    mkdirSync(join(dir, who), { recursive: true });
    writeFileSync(join(dir, who, 'stdout'), r.stdout);
    writeFileSync(join(dir, who, 'stderr'), r.stderr);
    writeFileSync(join(dir, who, 'status'), `${r.status}\n`);
  }
  writeFileSync(join(dir, 'info.json'), JSON.stringify(extra, null, 2) + '\n');
}

/**
 * Delta-debug one divergent case; `sig` is the divergence signature to keep.
 * ctx: {server: OracleServer, home, dir: scratch dir, budget?, seconds?}
 */
export async function minimizeCase(start, mode, sig, ctx) {
  let n = 0;
  const runBoth = async (cand, cdir) => {
    writeTree({ files: cand.files }, join(cdir, 'tree'));
    const args = [...cand.modeArgs, ...cand.tokens];
    const out = join(cdir, 'oracle');
    rmSync(out, { recursive: true, force: true });
    rmSync(`${out}.2`, { recursive: true, force: true });
    const [mine] = await Promise.all([runTspmap(join(cdir, 'tree'), args, cand.env, ctx.home), ctx.server.runTree(join(cdir, 'tree'), [{ args, env: cand.env, out }])]);
    return { args, mine, oracle: readResult(out), oracle2: readResult(`${out}.2`) };
  };
  const check = async (cand) => {
    const r = await runBoth(cand, join(ctx.dir, `c${n++ % 2}`));
    const res = classify(mode, r.oracle, r.oracle2, r.mine);
    return res.kind === 'divergent' && signature(res) === sig;
  };
  const t0 = Date.now();
  const { result, tests } = await minimize(start, check, { budget: ctx.budget ?? 500, deadline: Date.now() + (ctx.seconds ?? 150) * 1000 });
  const { args, mine, oracle } = await runBoth(result, join(ctx.dir, 'final'));
  return {
    mode, sig, args, env: result.env, tests, seconds: (Date.now() - t0) / 1000,
    files: [...result.files.keys()], stdout: firstDiff(oracle.stdout, mine.stdout), stderr: firstDiff(oracle.stderr, mine.stderr), status: [oracle.status, mine.status],
    result, oracle, mine,
  };
}

/** Read a tree directory back into the generator's Map form. */
export function readTree(dir) {
  const files = new Map();
  const walk = (rel) => {
    const abs = join(dir, rel);
    for (const name of readdirSync(abs)) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, r));
      if (st.isSymbolicLink()) files.set(r, { symlink: readlinkSync(join(dir, r)) });
      else if (st.isDirectory()) {
        if (readdirSync(join(dir, r)).length === 0) files.set(r, { dir: true });
        else walk(r);
      } else files.set(r, readFileSync(join(dir, r)));
    }
  };
  walk('');
  return files;
}

/** --reduce CASE_DIR: minimise a case saved by --keep-failures. */
async function reduceSaved(caseDir, o) {
  const info = JSON.parse(readFileSync(join(caseDir, 'info.json'), 'utf8'));
  const argv = JSON.parse(readFileSync(join(caseDir, 'argv'), 'utf8'));
  const env = JSON.parse(readFileSync(join(caseDir, 'env'), 'utf8'));
  const nMode = { A: 2, 'x-A': 3, 'd-A': 2 }[info.mode] ?? MODES[info.mode]([], null).length;
  const work = mkdtempSync(join(tmpdir(), 'tspmap-reduce-'));
  const home = join(work, 'home');
  mkdirSync(home);
  snapshotTspmap(join(work, 'snap'));
  const server = new OracleServer(home);
  try {
    const entry = await minimizeCase(
      { files: readTree(join(caseDir, 'tree')), modeArgs: argv.slice(0, nMode), tokens: argv.slice(nMode), env },
      info.mode, info.signature, { server, home, dir: work, budget: o.minBudget, seconds: o.minSeconds ?? 300 },
    );
    const { result, oracle, mine } = entry;
    delete entry.result; delete entry.oracle; delete entry.mine;
    entry.dir = join(caseDir, 'minimised');
    saveCase(entry.dir, result, oracle, mine, entry);
    process.stdout.write(JSON.stringify(entry, null, 2) + '\n');
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function fuzz(opts) {
  const o = { ...parseArgs([]), ...opts };
  const log = o.log ?? ((s) => process.stderr.write(s + '\n'));
  const avail = oracleAvailable();
  if (!avail.ok) throw new Error(`oracle unavailable: ${avail.why}`);
  const work = mkdtempSync(join(tmpdir(), 'tspmap-fuzz-'));
  const home = join(work, 'home');
  mkdirSync(home);
  if (o.snapshot !== false) snapshotTspmap(join(work, 'snap'));
  const servers = [new OracleServer(home), new OracleServer(home)];
  const counts = { trees: 0, runs: 0, ok: 0, divergent: 0, ubCrash: 0, ubHang: 0, ubNondet: 0, notImplemented: 0 };
  const byMode = Object.fromEntries(o.modes.map((m) => [m, { runs: 0, divergent: 0, ub: 0, notImplemented: 0 }]));
  const divergences = [];
  const ub = [];
  const started = Date.now();

  try {
    const indices = o.only ?? Array.from({ length: o.cases }, (_, i) => i);
    await pool(indices, o.jobs, async (i) => {
      const { tree, modeArgs, modes } = makeCase(o.seed, i, o.modes, o.hostile, o.modesPerTree, o.skipOps);
      const treeDir = join(work, 'trees', String(i));
      writeTree(tree, treeDir);
      const cases = modes.map((m) => ({ mode: m, args: [...modeArgs[m], ...tree.tokens], env: tree.env, out: join(work, 'oracle', String(i), m) }));
      const oraclePromise = servers[i % servers.length].runTree(treeDir, cases);
      const mine = [];
      for (const c of cases) mine.push(await runTspmap(treeDir, c.args, c.env, home));
      await oraclePromise;
      counts.trees++;
      cases.forEach((c, k) => {
        const oracle = readResult(c.out);
        const oracle2 = readResult(`${c.out}.2`);
        const res = classify(c.mode, oracle, oracle2, mine[k]);
        counts.runs++;
        byMode[c.mode].runs++;
        if (res.kind === 'ok') counts.ok++;
        else if (res.kind.startsWith('ub-')) {
          if (res.kind === 'ub-crash') counts.ubCrash++;
          else if (res.kind === 'ub-hang') counts.ubHang++;
          else counts.ubNondet++;
          byMode[c.mode].ub++;
          ub.push({ index: i, mode: c.mode, kind: res.kind, signal: res.signal, args: c.args, hostile: tree.hostile });
        } else if (res.kind === 'not-implemented') {
          counts.notImplemented++;
          byMode[c.mode].notImplemented++;
        } else {
          counts.divergent++;
          byMode[c.mode].divergent++;
          const d = {
            index: i, mode: c.mode, args: c.args, env: c.env, sig: signature(res), hostile: tree.hostile,
            status: [oracle.status, mine[k].status],
            stdout: firstDiff(oracle.stdout, mine[k].stdout),
            stderr: firstDiff(oracle.stderr, mine[k].stderr),
            tree, modeArgs: modeArgs[c.mode], oracle, mine: mine[k],
          };
          divergences.push(d);
          if (o.verbose) log(`DIVERGENT tree ${i} mode ${c.mode} [${d.sig}] hostile=${tree.hostile.join(',') || '-'} ${JSON.stringify(d.stdout ?? d.stderr)}`);
          if (o.keep) {
            saveCase(join(o.keep, `s${o.seed}-t${i}-${c.mode}`), { files: tree.files, tokens: tree.tokens, env: c.env, modeArgs: modeArgs[c.mode] }, oracle, mine[k], {
              seed: o.seed, index: i, mode: c.mode, signature: d.sig, hostile: tree.hostile, stdout: d.stdout, stderr: d.stderr, status: d.status,
            });
          }
        }
      });
      if (!o.keepWork) rmSync(join(work, 'oracle', String(i)), { recursive: true, force: true });
      if (o.verbose && counts.trees % 25 === 0) log(`fuzz: ${counts.trees}/${o.cases} trees, ${counts.divergent} divergent, ${((Date.now() - started) / 1000).toFixed(1)}s`);
    });

    // minimise the first few distinct divergences
    const minimised = [];
    if (o.minimize > 0 && divergences.length) {
      const seen = new Set();
      for (const d of divergences) {
        if (minimised.length >= o.minimize) break;
        const key = `${d.mode}|${d.sig}|${d.hostile.length ? 'h' : 'n'}|${(d.stdout?.pmap ?? d.stderr?.pmap ?? '').replace(/[0-9a-f]{6,}/g, 'N').slice(0, 24)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const entry = await minimizeCase(
          { files: d.tree.files, tokens: d.tree.tokens, env: d.env, modeArgs: d.modeArgs },
          d.mode, d.sig, { server: servers[0], home, dir: join(work, 'min'), budget: o.minBudget, seconds: o.minSeconds },
        );
        entry.index = d.index;
        const { result, oracle, mine } = entry;
        delete entry.result; delete entry.oracle; delete entry.mine;
        if (o.keep) {
          entry.dir = join(o.keep, `s${o.seed}-t${d.index}-${d.mode}`, 'minimised');
          saveCase(entry.dir, result, oracle, mine, entry);
        }
        minimised.push(entry);
        if (o.verbose) log(`minimised tree ${d.index} mode ${d.mode}: ${entry.files.length} files, ${entry.tests} tests, argv ${JSON.stringify(entry.args)}`);
      }
    }

    const modeSummary = o.modes.map((m) => `${m}=${byMode[m].divergent}`).join(' ');
    const summary =
      `fuzz: seed ${o.seed}, ${counts.trees} trees, ${counts.runs} runs, ${counts.divergent} divergent (by mode ${modeSummary}), ` +
      `${counts.ubCrash + counts.ubHang + counts.ubNondet} undefined-behaviour excluded (pmap crashed ${counts.ubCrash}, hung ${counts.ubHang}, nondeterministic ${counts.ubNondet}), ` +
      `${counts.notImplemented} not implemented, ${((Date.now() - started) / 1000).toFixed(1)}s`;
    return {
      summary, counts, byMode, ub, minimised,
      divergences: divergences.map(({ tree, oracle, mine, ...rest }) => rest),
    };
  } finally {
    for (const s of servers) s.close();
    if (!o.keepWork) rmSync(work, { recursive: true, force: true });
    else log(`fuzz: work directory kept at ${work}`);
  }
}

async function cli() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz: ${e.message}\n`);
    process.exit(2);
  }
  if (opts.reduce) return reduceSaved(opts.reduce, opts);
  const report = await fuzz(opts);
  if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    for (const d of report.divergences.slice(0, 40)) {
      process.stdout.write(`  divergent: tree ${d.index} mode ${d.mode} [${d.sig}] status ${d.status.join('/')} argv ${JSON.stringify(d.args)} ${d.hostile.length ? `hostile ${d.hostile.join(',')}` : ''}\n`);
      if (d.stdout) process.stdout.write(`    stdout line ${d.stdout.line}: pmap ${JSON.stringify(d.stdout.pmap)} tspmap ${JSON.stringify(d.stdout.tspmap)}\n`);
      if (d.stderr) process.stdout.write(`    stderr line ${d.stderr.line}: pmap ${JSON.stringify(d.stderr.pmap)} tspmap ${JSON.stringify(d.stderr.tspmap)}\n`);
    }
    if (report.divergences.length > 40) process.stdout.write(`  ... ${report.divergences.length - 40} more\n`);
    for (const u of report.ub) process.stdout.write(`  excluded: tree ${u.index} mode ${u.mode} ${u.kind}${u.signal ? ` (signal ${u.signal})` : ''} hostile ${u.hostile.join(',') || '-'}\n`);
    for (const m of report.minimised) {
      process.stdout.write(`  minimised: tree ${m.index} mode ${m.mode} [${m.sig}] ${m.files.length} files argv ${JSON.stringify(m.args)} env ${JSON.stringify(m.env)}${m.dir ? ` -> ${m.dir}` : ''}\n`);
    }
    process.stdout.write(report.summary + '\n');
  }
  process.exitCode = report.counts.divergent > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      killAllServers();
      process.exit(130);
    });
  }
  cli().catch((e) => {
    process.stderr.write(`fuzz: ${e.stack ?? e}\n`);
    process.exit(2);
  });
}
