#!/usr/bin/env node
// Summarise V8 .cpuprofile files (from `node --cpu-prof`): self and
// inclusive time per function, and self time per script file.
//
//   node scripts/bench/profile-summary.mjs [--top N] [--files] FILE.cpuprofile...
//
// Self time of a function is the time of the samples taken in it; inclusive
// time counts a sample once for every distinct function on its stack.
// "(garbage collector)", "(program)" (native work outside JS, e.g. parsing,
// compiling, I/O syscalls) and "(idle)" are V8's own pseudo-frames.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// A bundle built with sourcemap: true (FILE.js.map next to FILE.js) is
// mapped back to its TypeScript sources.
const maps = new Map();
function sourceMapFor(url) {
  if (!url.startsWith('file://')) return null;
  if (!maps.has(url)) {
    const file = fileURLToPath(url);
    let map = null;
    if (existsSync(`${file}.map`)) {
      try { map = { dir: dirname(file), map: new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) }; } catch { map = null; }
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

const args = process.argv.slice(2);
let top = 25;
let files = false;
// By default every sample counts the same (the sampling interval): on a
// loaded machine the gaps between samples include time spent descheduled,
// which --deltas would charge to whatever ran last.
let deltas = false;
// --merge: one summary over all the files (repeated runs of one command).
let merge = false;
// --lines NAME (repeatable): per-source-line self samples inside that
// function (V8's positionTicks), inlined callees included.
const lineFunctions = [];
const generatedLines = new Map();
function sourceLine(url, line) {
  // The first non-blank column of the generated line finds its mapping.
  if (!generatedLines.has(url)) {
    let lines = null;
    try { lines = readFileSync(fileURLToPath(url), 'utf8').split('\n'); } catch { lines = null; }
    generatedLines.set(url, lines);
  }
  const lines = generatedLines.get(url);
  const text = lines?.[line - 1] ?? '';
  const column = text.length - text.trimStart().length;
  const located = where({ url, lineNumber: line - 1, columnNumber: column });
  return `${located}  ${text.trim().slice(0, 90)}`;
}
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = Number(args[++i]);
  else if (args[i] === '--files') files = true;
  else if (args[i] === '--deltas') deltas = true;
  else if (args[i] === '--merge') merge = true;
  else if (args[i] === '--lines') lineFunctions.push(args[++i]);
  else inputs.push(args[i]);
}
if (inputs.length === 0) {
  process.stderr.write('usage: profile-summary.mjs [--top N] [--files] FILE.cpuprofile...\n');
  process.exit(2);
}

function where(frame) {
  if (!frame.url) return '';
  const sm = sourceMapFor(frame.url);
  if (sm) {
    const entry = sm.map.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && entry.originalSource) {
      const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(sm.dir, entry.originalSource);
      const shown = source.includes('/node_modules/') ? source.slice(source.lastIndexOf('/node_modules/') + 1) : source.replace(/^.*?\/(src\/)/, '$1');
      return `${shown}:${entry.originalLine + 1}`;
    }
  }
  const file = frame.url.startsWith('node:') ? frame.url : basename(frame.url);
  return `${file}:${frame.lineNumber + 1}`;
}

function key(frame) {
  return `${frame.functionName || '(anonymous)'} ${where(frame)}`.trim();
}

function newTotals() {
  return { self: new Map(), inclusive: new Map(), perFile: new Map(), lines: new Map(), total: 0, wall: 0, samples: 0, profiles: 0 };
}

const bump = (map, k, v) => map.set(k, (map.get(k) ?? 0) + v);

function accumulate(path, acc) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const { samples, timeDeltas } = profile;
  const wall = (profile.endTime - profile.startTime) / 1000;
  const interval = wall / Math.max(1, samples.length);
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the gap before sample i; --deltas charges the gap after it.
    const dur = deltas ? (timeDeltas[i + 1] ?? 0) / 1000 : interval;
    acc.total += dur;
    const node = byId.get(samples[i]);
    bump(acc.self, key(node.callFrame), dur);
    const url = node.callFrame.url;
    bump(acc.perFile, url ? (url.startsWith('node:') ? 'node:* (built-ins)' : where(node.callFrame).replace(/:\d+$/, '')) : node.callFrame.functionName, dur);
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const k = key(byId.get(id).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      bump(acc.inclusive, k, dur);
    }
  }
  for (const node of profile.nodes) {
    if (!lineFunctions.includes(node.callFrame.functionName) || !node.positionTicks) continue;
    for (const { line, ticks } of node.positionTicks) {
      bump(acc.lines, `${node.callFrame.functionName}: ${sourceLine(node.callFrame.url, line)}`, ticks * interval);
    }
  }
  acc.wall += wall;
  acc.samples += samples.length;
  acc.profiles++;
  return acc;
}

function report(title, acc) {
  const n = acc.profiles;
  const out = [
    `== ${title}`,
    `${n > 1 ? `${n} profiles, per profile: ` : ''}profiled ${(acc.wall / n).toFixed(1)} ms, ${Math.round(acc.samples / n)} samples` +
      ` (${deltas ? 'time between samples' : 'each sample = profiled time / samples'})`,
  ];
  const table = (heading, map) => {
    out.push('', heading, `${'ms'.padStart(9)} ${'%'.padStart(6)}  function`);
    for (const [k, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      out.push(`${(ms / n).toFixed(1).padStart(9)} ${((100 * ms) / acc.total).toFixed(1).padStart(6)}  ${k}`);
    }
  };
  table('self time', acc.self);
  table('inclusive time', new Map([...acc.inclusive].filter(([k]) => !k.startsWith('(root)'))));
  if (files) table('self time per script', acc.perFile);
  if (lineFunctions.length) table(`self time per line in ${lineFunctions.join(', ')}`, acc.lines);
  return out.join('\n');
}

const reports = merge
  ? [report(inputs.join(' '), inputs.reduce((acc, path) => accumulate(path, acc), newTotals()))]
  : inputs.map((path) => report(path, accumulate(path, newTotals())));
process.stdout.write(`${reports.join('\n\n')}\n`);
