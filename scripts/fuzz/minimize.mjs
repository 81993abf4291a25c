/**
 * Delta debugging of a divergent case down to a small reproducer:
 * drop operands, PID dirs, files, lines, then bytes within lines, keeping
 * only changes after which the case still diverges the same way.
 */
import { splitLines } from './gen.mjs';

/** Classic ddmin over an array; test(subset) -> Promise<boolean>. */
export async function ddmin(items, test, { allowEmpty = false } = {}) {
  if (allowEmpty && items.length > 0 && (await test([]))) return [];
  let n = 2;
  while (items.length >= 2) {
    const chunk = Math.ceil(items.length / n);
    let reduced = false;
    for (let i = 0; i < items.length; i += chunk) {
      const complement = items.slice(0, i).concat(items.slice(i + chunk));
      if (complement.length && (await test(complement))) {
        items = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= items.length) break;
      n = Math.min(items.length, n * 2);
    }
  }
  if (items.length === 1 && allowEmpty && (await test([]))) return [];
  return items;
}

/**
 * @param {{files: Map, tokens: string[], env: object, modeArgs: string[]}} start
 * @param {(cand) => Promise<boolean>} stillFails
 * @param {{budget?: number, deadline?: number, log?: (s: string) => void}} opts
 */
export async function minimize(start, stillFails, { budget = 400, deadline = Date.now() + 120000, log = () => {} } = {}) {
  let best = { ...start, files: new Map(start.files), tokens: [...start.tokens], env: { ...start.env } };
  let tests = 0;
  const test = async (cand) => {
    if (tests >= budget || Date.now() > deadline) return false;
    tests++;
    const ok = await stillFails(cand);
    if (ok) best = cand;
    return ok;
  };
  const withFiles = (files) => ({ ...best, files });

  // 1. operands
  if (best.tokens.length > 1) {
    await ddmin(best.tokens, (tokens) => test({ ...best, tokens }));
  }
  // 2. environment: prefer LANG=C
  if (JSON.stringify(best.env) !== '{"LANG":"C"}' && !(await test({ ...best, env: { LANG: 'C' } }))) {
    if (JSON.stringify(best.env) !== '{"LANG":"C.UTF-8"}') await test({ ...best, env: { LANG: 'C.UTF-8' } });
  }

  // 3. whole top-level directories, then single files
  const tops = [...new Set([...best.files.keys()].map((k) => k.split('/')[0]))];
  for (const top of tops) {
    const files = new Map([...best.files].filter(([k]) => k.split('/')[0] !== top));
    await test(withFiles(files));
  }
  for (const key of [...best.files.keys()]) {
    if (!best.files.has(key)) continue;
    const files = new Map(best.files);
    files.delete(key);
    await test(withFiles(files));
  }
  // 3b. files that are directories/symlinks stay; files with content: try empty
  // 4. lines, largest files first
  const bySize = () =>
    [...best.files.entries()].filter(([, v]) => Buffer.isBuffer(v) && v.length > 0).sort((a, b) => b[1].length - a[1].length).map(([k]) => k);
  for (const key of bySize()) {
    const lines = splitLines(best.files.get(key));
    if (lines.length < 1) continue;
    await ddmin(
      lines,
      (subset) => {
        const files = new Map(best.files);
        files.set(key, Buffer.concat(subset));
        return test(withFiles(files));
      },
      { allowEmpty: true },
    );
  }
  // 5. bytes within lines (shorten names and fields)
  for (const key of bySize()) {
    let lines = splitLines(best.files.get(key));
    for (let i = 0; i < lines.length; i++) {
      if (tests >= budget || Date.now() > deadline) break;
      const line = lines[i];
      if (line.length < 8) continue;
      const bytes = [...line];
      const kept = await ddmin(bytes, (subset) => {
        const cand = lines.slice();
        cand[i] = Buffer.from(subset);
        const files = new Map(best.files);
        files.set(key, Buffer.concat(cand));
        return test(withFiles(files));
      });
      lines = lines.slice();
      lines[i] = Buffer.from(kept);
      lines = splitLines(best.files.get(key));
    }
  }
  log(`minimised with ${tests} tests`);
  return { result: best, tests };
}
