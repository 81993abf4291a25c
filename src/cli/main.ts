/**
 * tspmap's command: pmap's control flow, checks and exit statuses, with the
 * extensions dispatched (and loaded) only when asked for.
 */
import { BasicCarry, BasicFormatter, BasicMode, BasicOptions } from '../format/basic.js';
import { newBasicRows } from '../format/wasm-rows.js';
import { isWholeRange } from '../model/range.js';
import { ProcFS, DEFAULT_PROC_ROOT } from '../proc/procfs.js';
import { ProcessRecord, headerLine, readProcess } from '../proc/process.js';
import { CtypeLocale, ctypeLocale } from '../proc/locale.js';
import { lazyLiveShmMinor, shmMinorFromTree } from '../proc/shm.js';
import { PmapOptions, parseArguments, parsePids } from './args.js';
import { MESSAGES, programName, usageText } from './messages.js';
import { Output, writeStderr } from './output.js';
import { EXIT, MAX_PIDS } from './exit.js';
import { strerror } from '../model/strerror.js';
import type { RcSession } from './rc.js';
import type { SmapsTableRun } from '../format/smaps-table.js';
import type * as TableMode from './table-mode.js';
import { isTerminal } from '../proc/node-require.js';

type Env = Readonly<Record<string, string | undefined>>;

/** cli/table-mode.ts, once loaded. */
type TableModule = typeof TableMode;

export interface RunResult {
  status: number;
}

/** stat2proc() copies the command name into a 64-byte buffer. */
const COMM_LIMIT = 64;

class Fatal extends Error {
  constructor(readonly status: number) {
    super('fatal');
  }
}

export async function main(argv: readonly string[], env: Env): Promise<number> {
  const name = programName(argv[1]);
  const output = new Output();
  let status: number;
  try {
    status = await run(argv.slice(2), env, name, output);
  } catch (error) {
    if (!(error instanceof Fatal)) throw error;
    status = error.status;
  }
  output.flush();
  if (output.brokenPipe) return EXIT.brokenPipe;
  if (output.failure !== null) {
    writeStderr(`${name}: write error: ${strerror(output.failure)}\n`);
    return EXIT.failure;
  }
  return status;
}

/** xerrx(): the message on stderr, then exit with status 1. */
function fail(name: string, message: string): never {
  writeStderr(`${name}: ${message}\n`);
  throw new Fatal(EXIT.failure);
}

function usageFailure(name: string): never {
  writeStderr(usageText(name));
  throw new Fatal(EXIT.failure);
}

async function run(args: readonly string[], env: Env, name: string, output: Output): Promise<number> {
  const parsed = parseArguments(args, env.POSIXLY_CORRECT !== undefined, name);
  writeStderr(parsed.stderr);
  if (parsed.kind === 'exit') return printInstead(parsed, args, name, output);
  const options = parsed.options;
  checkExclusions(options, name);
  // The table and rc code is loaded only for the options that use it.
  const tables = usesTableMode(options) ? await import('./table-mode.js') : null;
  if (tables && (options.createRc || options.createRcTo)) return createRc(tables, options, env, name);
  if (options.operands.length < 1) fail(name, MESSAGES.missing);

  const rc = tables ? loadRc(tables, options, env, name) : null;
  const pidOutcome = parsePids(options.operands);
  if (!pidOutcome.ok) usageFailure(name);
  const pids = pidOutcome.pids;
  if (pids.length < 1 || pids.length > MAX_PIDS) fail(name, MESSAGES.libraryFailed);

  const snapshot = options.snapshot !== null || options.at !== null ? await openSnapshotOption(options, name) : null;
  const fs = snapshot ?? new ProcFS(options.procRoot ?? DEFAULT_PROC_ROOT);
  const live = snapshot ? snapshot.live : options.procRoot === null;
  // A mistyped --proc-root would otherwise look like "no such process".
  const rootProblem = options.procRoot === null ? null : fs.rootProblem();
  if (rootProblem !== null) fail(name, `--proc-root '${options.procRoot}': ${rootProblem}`);
  const treeShmMinor = live ? null : shmMinorFromTree(fs);
  const records = pids.map((pid) => readProcess(fs, pid)).filter((r): r is ProcessRecord => r !== null);
  const missing = records.length < pids.length ? EXIT.missing : 0;

  if (options.json || options.summary) {
    const { runExtensions } = await import('./extensions.js');
    return runExtensions({ options, fs, records, requested: pids.length, output, env, name, treeShmMinor });
  }

  // A command name over 64 bytes (only a hand-made tree has one) overflows
  // stat2proc()'s raw[64]: glibc's fortified memcpy aborts pmap before it
  // prints anything. At exactly 64 pmap survives and shows 63 bytes.
  const overlong = records.find((record) => (record.stat.comm?.length ?? 0) > COMM_LIMIT);
  if (overlong) fail(name, `${overlong.pid}/stat: command name longer than ${COMM_LIMIT} bytes (pmap 4.0.2 aborts here)`);

  let ctype: CtypeLocale | undefined;
  const paint = await painter(options, env);
  const shmMinorOf = lazyLiveShmMinor(fs);
  // -x's byte rows are a file of their own with their own code cache, so
  // the bundle's cache can be taken after the default mode alone
  // (scripts/code-cache.cjs) while -x still runs cached code.
  const newRows = options.extended ? (await import('../format/wasm-extended.js')).newExtendedRows : newBasicRows;
  const context: PrintContext = {
    options, fs, output, name, paint, newRows,
    colored: paint !== plain,
    localeCtype: () => (ctype ??= ctypeLocale(env)),
    shmMinorOf: (tgid) => treeShmMinor ?? shmMinorOf(tgid),
  };
  // Over many PIDs the table's WebAssembly measure takes every file: one
  // instance for the run, and no TurboFan compile of the JavaScript one for
  // Node to wait for at exit (-X over 66 processes: 47 ms instead of 53).
  const table = tables ? new tables.SmapsTableRun(tables.tableConfig(options, rc), records.length > 1) : null;
  return printProcesses(context, records, table) | missing;
}

/** What a parse that ends the run prints: usage, version, or an error's usage. */
async function printInstead(parsed: Extract<ReturnType<typeof parseArguments>, { kind: 'exit' }>, args: readonly string[], name: string, output: Output): Promise<number> {
  if (parsed.usage === 'stdout') {
    output.write(usageText(name));
    if (args.some((arg) => arg === '--help')) await appendExtensionHelp(output);
  } else {
    output.write(parsed.stdout);
    if (parsed.version) await appendVersionLine(output);
    if (parsed.usage === 'stderr') writeStderr(usageText(name));
  }
  return parsed.status;
}

/** What printing every process needs. */
interface PrintContext {
  options: PmapOptions;
  fs: ProcFS;
  /** The byte path's rows for the mode: -x's, or the default and -d ones. */
  newRows: (formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void) => { feed(bytes: Buffer, eof: boolean): number; end(): void };
  output: Output;
  name: string;
  paint: Paint;
  colored: boolean;
  localeCtype: () => CtypeLocale;
  /** The SysV shm minor for a target (live, finding it may probe or read its maps). */
  shmMinorOf: (tgid: string) => number;
}

/**
 * Each process's header and map, in pmap's order (the smaps table when
 * there is one, else the plain listing); the status bits of unreadable ones.
 */
function printProcesses(context: PrintContext, records: readonly ProcessRecord[], table: SmapsTableRun | null): number {
  const { output, paint } = context;
  const utf8Locale = (): boolean => context.localeCtype().utf8;
  const carry: BasicCarry = { start: 0 };
  let status = 0;
  for (const record of records) {
    output.write(paint(headerLine(record, utf8Locale), 'default'));
    const printed = table ? printTable(context, record, table) : printBasic(context, record, carry);
    if (printed === null) status |= EXIT.unreadable;
    else if (printed === 'stop') break;
  }
  return status;
}

/** -X, -XX, -c, -C: one process's table (null when its smaps cannot be read). */
function printTable(context: PrintContext, record: ProcessRecord, table: SmapsTableRun): 'next' | null {
  const { fs, output, paint, colored, name } = context;
  // The table keeps only what it prints; the blocks are dropped as read.
  table.begin();
  // A big smaps is read on a second thread while the table scans it.
  const read = fs.streamProcessFileBytes(String(record.tgid), 'smaps', (bytes, eof) => table.feedBytes(bytes, eof), true);
  if (!read.ok) return null;
  // Plain output leaves in pieces of bytes; colour paints the whole table.
  const pieces: string[] = [];
  const rendered = colored
    ? table.finish((piece) => pieces.push(piece))
    : table.finishBytes((bytes) => output.writeBytes(bytes));
  if (colored) output.write(paint(pieces.join(''), 'table'));
  if (rendered.fatal !== undefined) {
    // On a terminal pmap's stdout is line buffered, so its rows appear
    // before the error; into a pipe or file they follow it at exit.
    if (isTerminal(1)) output.flush();
    fail(name, rendered.fatal);
  }
  return 'next';
}

/** Default, -x, -d: one process's map ('stop' once stdout's reader is gone, null when unreadable). */
function printBasic(context: PrintContext, record: ProcessRecord, carry: BasicCarry): 'next' | 'stop' | null {
  const { options, fs, output, paint, colored, name } = context;
  const tgid = String(record.tgid);
  const mode: BasicMode = options.extended ? 'extended' : options.device ? 'device' : 'default';
  const file = options.extended ? 'smaps' : 'maps';
  let shmMinor: number | undefined;
  const formatter = new BasicFormatter(
    {
      mode,
      quiet: options.quiet,
      showPath: options.showPath,
      range: options.range,
      startStack: record.stat.startStack,
      // Lazily: live, finding it may read the target's maps a second time.
      get shmMinor(): number {
        return (shmMinor ??= context.shmMinorOf(tgid));
      },
      kernelNames: options.kernelNames,
      printable: () => context.localeCtype().printable,
    },
    carry,
  );
  if (!colored && isWholeRange(options.range)) {
    // Without colour or -A: bytes in, bytes out.
    const sink = (data: Uint8Array): void => output.writeBytes(data);
    const bytes = context.newRows(formatter, formatter.options, sink);
    const read = fs.streamProcessFileBytes(tgid, file, (block, eof) => bytes.feed(block, eof), mode === 'extended');
    if (!read.ok) return null;
    bytes.end();
  } else {
    // Colour needs a process's whole text (large-RSS rows are relative to
    // its total); plain output streams block by block.
    const pieces: string[] = [];
    const emit = colored ? (text: string) => pieces.push(text) : (text: string) => output.write(text);
    const read = fs.streamProcessFile(tgid, file, (block) => emit(formatter.feed(block)));
    if (!read.ok) return null;
    emit(formatter.end());
    if (colored) output.write(paint(pieces.join(''), mode));
  }
  undefinedInput(formatter, fs.path(tgid, file), name);
  return output.brokenPipe ? 'stop' : 'next';
}

/** --snapshot FILE [--at N|TIME]: one sample of a snapshot file (loaded only when named). */
async function openSnapshotOption(options: PmapOptions, name: string): Promise<ProcFS & { live: boolean }> {
  if (options.snapshot === null) fail(name, '--at needs --snapshot FILE');
  if (options.procRoot !== null) fail(name, '--snapshot and --proc-root cannot be used together');
  const { openSnapshot, SnapshotError } = await import('../proc/snapshot-open.js');
  try {
    return await openSnapshot(options.snapshot ?? '', options.at);
  } catch (error) {
    if (error instanceof SnapshotError) fail(name, error.message);
    throw error;
  }
}

/**
 * Where pmap would print uninitialised memory (a process whose first
 * mapping line does not parse), one line naming the file and line, exit 1.
 */
function undefinedInput(formatter: BasicFormatter, path: string, name: string): void {
  if (formatter.undefinedLine === null) return;
  fail(name, `${path}: line ${formatter.undefinedLine}: no mapping line before it set the end address (pmap would print uninitialised memory)`);
}

function checkExclusions(options: PmapOptions, name: string): void {
  const chosen = [
    options.readRc, options.readRcFrom, options.device, options.createRc,
    options.createRcTo, options.extended, options.xLevel > 0,
  ].filter(Boolean).length;
  if (chosen > 1) fail(name, MESSAGES.exclusive);
  const creating = options.createRc || options.createRcTo;
  if (creating && (options.quiet || options.showPath)) fail(name, MESSAGES.exclusiveWithCreate);
  if (creating && options.operands.length > 0) fail(name, MESSAGES.tooMany);
}

/** The smaps table or an rc file: the options that need cli/table-mode.ts. */
function usesTableMode(options: PmapOptions): boolean {
  return options.xLevel > 0 || options.readRc || options.readRcFrom || options.createRc || options.createRcTo;
}

/** -n and -N: write pmap's rc template, refusing to overwrite. */
function createRc({ createRcFile, defaultRcPath }: TableModule, options: PmapOptions, env: Env, name: string): number {
  if (options.createRcTo) {
    if (createRcFile(options.rcFile ?? '', name)) {
      writeStderr(`${name}: rc file successfully created, feel free to edit the content\n`);
      return 0;
    }
    fail(name, "couldn't create the rc file");
  }
  const path = defaultRcPath(env, name);
  if (path === null) return EXIT.failure;
  if (createRcFile(path, name)) {
    writeStderr(`${name}: ~/.${name}rc file successfully created, feel free to edit the content\n`);
    return 0;
  }
  fail(name, `couldn't create ~/.${name}rc`);
}

/** -c and -C: read the rc, whose warnings pmap prints as it goes. */
function loadRc({ defaultRcPath, loadRcFile }: TableModule, options: PmapOptions, env: Env, name: string): RcSession | null {
  if (!options.readRc && !options.readRcFrom) return null;
  const path = options.readRcFrom ? options.rcFile : defaultRcPath(env, name);
  if (path === null) throw new Fatal(EXIT.failure);
  const loaded = loadRcFile(path, name);
  if (loaded === null) {
    if (options.readRcFrom) fail(name, "couldn't read the rc file");
    writeStderr(`${name}: couldn't read ~/.${name}rc\n`);
    throw new Fatal(EXIT.failure);
  }
  return loaded;
}

type Paint = (text: string, mode: 'default' | 'extended' | 'device' | 'table') => string;

/** The painter when colour is off: output passes through untouched. */
const plain: Paint = (text) => text;

/** --color: chalk and color.ts load only when colour may be on. */
async function painter(options: PmapOptions, env: Env): Promise<Paint> {
  const tty = options.color !== 'never' && isTerminal(1);
  const maybe = options.color === 'always' || (options.color === 'auto' && (tty || env.FORCE_COLOR !== undefined));
  if (!maybe) return plain;
  const { createPainter } = await import('../format/color.js');
  return (await createPainter(options.color, env, tty)) ?? plain;
}

/** --version spelled in full: -V's line, then tspmap's own release. */
async function appendVersionLine(output: Output): Promise<void> {
  const { versionLine } = await import('./help.js');
  output.write(versionLine());
}

async function appendExtensionHelp(output: Output): Promise<void> {
  const { extensionHelp } = await import('./help.js');
  output.write(extensionHelp());
}
