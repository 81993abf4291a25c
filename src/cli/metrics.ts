/**
 * `tspmap metrics PID...|--all|--match REGEX [-o FILE]`: one scrape in
 * the Prometheus text format, on stdout or written atomically to FILE (a
 * temporary file in the same directory, then rename(), so node_exporter's
 * textfile collector never reads half a file).
 *
 * Exit status: 0 written; 1 bad arguments or FILE not writable; 42 some
 * explicit PID was not found (the others are still written), as in pmap.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Collector } from './metrics-collect.js';
import { SelectionOptions, UsageError, fail, groupingFrom, newProgram, parseProgram, procFsFrom } from './metrics-options.js';
import { writeStderr } from './output.js';
import { renderExposition } from '../format/metrics-exposition.js';

type Env = Readonly<Record<string, string | undefined>>;

interface MetricsOptions extends SelectionOptions {
  output?: string;
}

const STATUS_MISSING = 42;

function parsePidOperands(operands: readonly string[], name: string): number[] {
  return operands.map((operand) => {
    if (!/^[1-9][0-9]{0,9}$/.test(operand) || Number(operand) > 0x7fffffff) fail(name, `not a PID: '${operand}'`);
    return Number(operand);
  });
}

/** Write text to path via a temporary file in the same directory and rename(). */
function writeAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
}

export async function run(args: readonly string[], _env: Env, name: string): Promise<number> {
  try {
    return await metrics(args, name);
  } catch (error) {
    if (error instanceof UsageError) return error.status;
    throw error;
  }
}

async function metrics(args: readonly string[], name: string): Promise<number> {
  const program = newProgram(`${name} metrics`, 'Print memory by process group and category in the Prometheus text format.')
    .argument('[pid...]', 'processes to publish')
    .option('--all', 'every process (also implied by --match)')
    .option('-o, --output <file>', 'write atomically to FILE (for node_exporter --collector.textfile.directory)');
  parseProgram(program, args);
  const options = program.opts<MetricsOptions>();
  const operands = program.processedArgs[0] as string[];
  const scanning = options.all === true || options.match.length > 0;
  if (operands.length > 0 && scanning) fail(name, 'give PIDs or --all/--match, not both');
  if (operands.length === 0 && !scanning) fail(name, 'no processes: give PIDs, --all or --match REGEX');
  const collector = new Collector({
    fs: procFsFrom(options, name),
    pids: operands.length > 0 ? parsePidOperands(operands, name) : null,
    grouping: groupingFrom(options, name),
    perPid: options.perPid === true,
    rollup: options.rollup === true,
    intervalMs: 0,
    deadlineMs: null,
    notice: (line) => writeStderr(`${name}: ${line}\n`),
  });
  const collected = await collector.collect();
  const { deadlineExceededTotal: _unused, ...facts } = collected;
  const text = await renderExposition(facts, options.perPid === true);
  if (options.output !== undefined) {
    try {
      writeAtomically(options.output, text);
    } catch (error) {
      const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : String(error);
      fail(name, `cannot write '${options.output}': ${code}`);
    }
  } else {
    process.stdout.write(text);
  }
  return collected.missing.length > 0 ? STATUS_MISSING : 0;
}
