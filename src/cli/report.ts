/**
 * `tspmap report PID... -o FILE`: one self-contained HTML page showing where
 * the memory of the processes goes (see README "Where the memory goes").
 * With --samples N the processes are read N times, --every SECONDS apart,
 * and the page adds a stacked timeline and the top growers.
 *
 * Exit status: 0 written; 1 bad arguments, a bad --rules file, a process
 * not found or unreadable, or the file could not be written.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ProcFS, DEFAULT_PROC_ROOT } from '../proc/procfs.js';
import { readProcess } from '../proc/process.js';
import { readMaxMapCount, readPssSplit, readRulesText } from '../proc/accounting.js';
import { writeReportFile } from '../proc/report-file.js';
import { parseSmaps } from '../parse/smaps.js';
import { parseRulesFile } from '../model/user-rules.js';
import type { Rule } from '../model/rules.js';
import { TSPMAP_VERSION } from '../format/json.js';
import { Sample, SampleProcess, buildReportData } from '../format/report-data.js';
import { clientBundle, renderReportHtml } from '../format/report-html.js';
import { writeStderr } from './output.js';

type Env = Readonly<Record<string, string | undefined>>;

interface ReportOptions {
  output: string;
  samples: number;
  every: number;
  rules?: string;
  procRoot?: string;
}

class Failure extends Error {}

function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return Number(value);
  };
}

function seconds(value: string): number {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || Number(value) > 86400) throw new InvalidArgumentError('expected seconds, e.g. 0.5 or 10');
  return Number(value);
}

function command(name: string): Command {
  return new Command(`${name} report`)
    .description('Write one self-contained HTML page showing where the memory of the processes goes.')
    .argument('<pid...>', 'processes to show')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .option('--samples <n>', 'read the processes N times for a timeline', wholeNumber(1, 10000), 1)
    .option('--every <seconds>', 'time between samples', seconds, 1)
    .option('--rules <file>', 'classification rules tried before the built-in ones (JSON; see tspmap(1))')
    .option('--proc-root <dir>', 'read a copied /proc tree instead of /proc')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => writeStderr(text),
      // One line, named like the other errors: "tspmap report: ...".
      outputError: (text, write) => write(`${name} report: ${text.replace(/^error: /, '')}`),
    });
}

function loadRules(path: string | undefined): Rule[] {
  if (path === undefined) return [];
  const read = readRulesText(path);
  const parsed = read.ok ? parseRulesFile(read.text, path) : read;
  if (!parsed.ok) throw new Failure(`--rules ${parsed.message}`);
  return parsed.rules;
}

function readSample(fs: ProcFS, pids: readonly number[]): Sample {
  const time = new Date().toISOString();
  const processes: SampleProcess[] = pids.map((pid) => {
    const record = readProcess(fs, pid);
    if (record === null) throw new Failure(`process ${pid} not found`);
    const tgid = String(record.tgid);
    const smaps = fs.readProcessFile(tgid, 'smaps');
    if (!smaps.ok) throw new Failure(`cannot read ${fs.path(tgid, 'smaps')}: ${smaps.code}`);
    const pss = readPssSplit(fs, tgid);
    return { snapshot: { record, mappings: parseSmaps(smaps.data.toString('latin1')) }, ...(pss ? { pss } : {}) };
  });
  return { time, processes };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function report(pids: number[], options: ReportOptions, name: string): Promise<number> {
  const bundle = clientBundle();
  if (bundle === null) throw new Failure('this build has no report client (run npm run build)');
  const rules = loadRules(options.rules);
  const fs = new ProcFS(options.procRoot ?? DEFAULT_PROC_ROOT);
  const problem = options.procRoot === undefined ? null : fs.rootProblem();
  if (problem !== null) throw new Failure(`--proc-root '${options.procRoot}': ${problem}`);
  const progress = process.stderr.isTTY && options.samples > 1;
  const samples: Sample[] = [];
  for (let i = 0; i < options.samples; i++) {
    if (i > 0) await sleep(options.every * 1000);
    samples.push(readSample(fs, pids));
    if (progress) process.stderr.write(`\r${name} report: sample ${i + 1}/${options.samples}`);
  }
  if (progress) process.stderr.write('\n');
  const osrelease = fs.readRootFile('sys/kernel/osrelease');
  const kernel = osrelease.ok ? osrelease.data.toString('utf8').trim() || null : null;
  const maxMapCount = readMaxMapCount(fs);
  const data = buildReportData({
    samples, kernel, rules, generator: `tspmap ${TSPMAP_VERSION}`, ...(maxMapCount !== undefined ? { maxMapCount } : {}),
  });
  const failed = writeReportFile(options.output, renderReportHtml(data, bundle));
  if (failed !== null) throw new Failure(`cannot write ${options.output}: ${failed}`);
  return 0;
}

export async function run(args: readonly string[], _env: Env, name: string): Promise<number> {
  const program = command(name);
  let parsed: { pids: number[]; options: ReportOptions };
  try {
    program.parse([...args], { from: 'user' });
    const operands = program.processedArgs[0] as string[];
    const bad = operands.find((operand) => !/^[1-9][0-9]{0,9}$/.test(operand) || Number(operand) > 0x7fffffff);
    if (bad !== undefined) throw new Failure(`'${bad}' is not a PID (snapshot files come from tspmap record)`);
    parsed = { pids: operands.map(Number), options: program.opts<ReportOptions>() };
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof Failure) {
      writeStderr(`${name} report: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  try {
    return await report(parsed.pids, parsed.options, name);
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    writeStderr(`${name} report: ${error.message}\n`);
    return 1;
  }
}
