/**
 * pmap's command line: the getopt_long table, the option side effects in
 * the order pmap performs them, and the PID operands.
 */
import { scanUnsigned } from '../parse/cscan.js';
import { U64, U64_MAX } from '../parse/u64.js';
import { LongOption, getoptLong } from './getopt.js';
import { MESSAGES } from './messages.js';

/** No --color option is 'never': colour is opt-in, whatever the terminal or environment. */
export type ColorMode = 'auto' | 'always' | 'never';

export interface PmapOptions {
  extended: boolean;
  /** -X given once (1) or more (2+: -XX). */
  xLevel: number;
  device: boolean;
  quiet: boolean;
  showPath: boolean;
  readRc: boolean;
  readRcFrom: boolean;
  createRc: boolean;
  createRcTo: boolean;
  /** pmap keeps one rc_filename for -C and -N: the last one given wins. */
  rcFile: string | null;
  range: { low: U64; high: U64 };
  kernelNames: boolean;
  json: boolean;
  summary: boolean;
  /** --rules FILE: classification rules tried before the built-in ones. */
  rulesFile: string | null;
  color: ColorMode;
  procRoot: string | null;
  /** --snapshot FILE and --at N|TIME: read one sample of a snapshot file instead of /proc. */
  snapshot: string | null;
  at: string | null;
  operands: string[];
}

/** What parsing decided, with stderr text already produced in pmap's order. */
export type ParseOutcome =
  | { kind: 'run'; options: PmapOptions; stderr: string }
  | { kind: 'exit'; status: number; stdout: string; stderr: string; usage?: 'stdout' | 'stderr'; version?: true };

const PMAP_SHORT_OPTIONS = 'xXrdqA:hVcC:nN:pk';

const VERSION_IN_FULL = 'version-in-full';

const LONG_OPTIONS: readonly LongOption[] = [
  { name: 'extended', has: 'none', key: 'x' },
  { name: 'device', has: 'none', key: 'd' },
  { name: 'quiet', has: 'none', key: 'q' },
  { name: 'range', has: 'required', key: 'A' },
  { name: 'help', has: 'none', key: 'h' },
  // --version in full adds tspmap's release; found before pmap's entry, which
  // still takes every abbreviation (--vers) and prints only pmap's line.
  { name: 'version', has: 'none', key: VERSION_IN_FULL, exactOnly: true },
  { name: 'version', has: 'none', key: 'V' },
  { name: 'read-rc', has: 'none', key: 'c' },
  { name: 'read-rc-from', has: 'required', key: 'C' },
  { name: 'create-rc', has: 'none', key: 'n' },
  { name: 'create-rc-to', has: 'required', key: 'N' },
  { name: 'show-path', has: 'none', key: 'p' },
  // tspmap's extensions: full spelling only, so pmap's own parse is unchanged.
  { name: 'use-kernel-name', has: 'none', key: 'k', exactOnly: true },
  { name: 'json', has: 'none', key: 'json', exactOnly: true },
  { name: 'summary', has: 'none', key: 'summary', exactOnly: true },
  { name: 'rules', has: 'required', key: 'rules', exactOnly: true },
  { name: 'color', has: 'optional', key: 'color', exactOnly: true },
  { name: 'colour', has: 'optional', key: 'color', exactOnly: true },
  { name: 'proc-root', has: 'required', key: 'proc-root', exactOnly: true },
  { name: 'snapshot', has: 'required', key: 'snapshot', exactOnly: true },
  { name: 'at', has: 'required', key: 'at', exactOnly: true },
];

function defaults(): PmapOptions {
  return {
    extended: false, xLevel: 0, device: false, quiet: false, showPath: false,
    readRc: false, readRcFrom: false, createRc: false, createRcTo: false, rcFile: null,
    range: { low: 0, high: U64_MAX }, kernelNames: false,
    json: false, summary: false, rulesFile: null, color: 'never', procRoot: null, snapshot: null, at: null, operands: [],
  };
}

/**
 * -A LOW[,HIGH]: both parts hexadecimal as strtoul(…, 16) reads them; an
 * empty part leaves that bound as it was, a single value sets both.
 */
function applyRange(range: PmapOptions['range'], arg: string): boolean {
  const comma = arg.indexOf(',');
  const low = comma >= 0 ? arg.slice(0, comma) : arg;
  const high = comma >= 0 ? arg.slice(comma + 1) : arg;
  const parse = (part: string): U64 | null => {
    const scanned = scanUnsigned(part, 0, part.length, 16, 'strtoul');
    return scanned && scanned.next === part.length ? scanned.value : null;
  };
  const lowValue = low === '' ? range.low : parse(low);
  const highValue = high === '' ? range.high : parse(high);
  // strtoul's value is stored before pmap checks what is left over.
  if (lowValue === null || highValue === null) return false;
  range.low = lowValue;
  range.high = highValue;
  return true;
}

const COLOR_MODES: readonly string[] = ['auto', 'always', 'never'];

/** How many arguments are tspmap's own extensions (with their values). */
function countExtensionArgs(args: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const arg = args[i]!;
    // Operands (a PID list can be hundreds long) are no option's name.
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0]!;
    const option = LONG_OPTIONS.find((opt) => opt.exactOnly && opt.name === name);
    if (!option || option.key === VERSION_IN_FULL) continue;
    count++;
    if (option.has === 'required' && !arg.includes('=') && i + 1 < args.length) {
      count++;
      i++;
    }
  }
  return count;
}

export function parseArguments(args: readonly string[], posixlyCorrect: boolean, name: string): ParseOutcome {
  // pmap prints its usage when called with no arguments; extension options
  // such as --proc-root do not count as pmap arguments.
  if (args.length - countExtensionArgs(args) === 0) {
    return { kind: 'exit', status: 1, stdout: '', stderr: '', usage: 'stderr' };
  }
  const options = defaults();
  let stderr = '';
  const { events, operands } = getoptLong(args, PMAP_SHORT_OPTIONS, LONG_OPTIONS, posixlyCorrect);
  for (const event of events) {
    if (event.kind === 'error') {
      return { kind: 'exit', status: 1, stdout: '', stderr: `${stderr}${name}: ${event.message}\n`, usage: 'stderr' };
    }
    switch (event.key) {
      case 'x': options.extended = true; break;
      case 'X': options.xLevel++; break;
      case 'r': stderr += `${name}: ${MESSAGES.rIgnored}\n`; break;
      case 'd': options.device = true; break;
      case 'q': options.quiet = true; break;
      case 'A':
        if (!applyRange(options.range, event.value ?? '')) {
          return { kind: 'exit', status: 1, stdout: '', stderr: `${stderr}${name}: ${MESSAGES.rangeParse(event.value ?? '')}\n` };
        }
        break;
      case 'h': return { kind: 'exit', status: 0, stdout: '', stderr, usage: 'stdout' };
      case 'V': return { kind: 'exit', status: 0, stdout: `${name} from procps-ng 4.0.2\n`, stderr };
      case VERSION_IN_FULL: return { kind: 'exit', status: 0, stdout: `${name} from procps-ng 4.0.2\n`, stderr, version: true };
      case 'c': options.readRc = true; break;
      case 'C': options.readRcFrom = true; options.rcFile = event.value ?? ''; break;
      case 'n': options.createRc = true; break;
      case 'N': options.createRcTo = true; options.rcFile = event.value ?? ''; break;
      case 'p': options.showPath = true; break;
      case 'k': options.kernelNames = true; break;
      case 'json': options.json = true; break;
      case 'summary': options.summary = true; break;
      case 'rules': options.rulesFile = event.value ?? ''; break;
      case 'proc-root': options.procRoot = event.value ?? ''; break;
      case 'snapshot': options.snapshot = event.value ?? ''; break;
      case 'at': options.at = event.value ?? ''; break;
      case 'color': {
        const mode = event.value ?? 'auto';
        if (!COLOR_MODES.includes(mode)) {
          return { kind: 'exit', status: 1, stdout: '', stderr: `${stderr}${name}: invalid --color value '${mode}' (use auto, always or never)\n` };
        }
        options.color = mode as ColorMode;
        break;
      }
    }
  }
  options.operands = operands;
  return { kind: 'run', options, stderr };
}

/** What the PID operands resolve to. */
export type PidOutcome = { ok: true; pids: number[] } | { ok: false };

/**
 * PIDs as pmap reads them: "/proc/PID" is accepted and a "/proc/" entry
 * that is not numeric is skipped; otherwise strtoul(…, 0) must consume the
 * whole argument, which must start with a digit and lie in 1..0x7fffffff.
 */
export function parsePids(operands: readonly string[]): PidOutcome {
  const pids: number[] = [];
  for (const operand of operands) {
    let text = operand;
    if (text.startsWith('/proc/')) {
      text = text.slice(6);
      if (!/^[0-9]/.test(text)) continue;
    }
    if (!/^[0-9]/.test(text)) return { ok: false };
    const pid = strtoulBase0(text);
    if (pid === null || pid < 1 || pid > 0x7fffffff) return { ok: false };
    pids.push(Number(pid));
  }
  return { ok: true, pids };
}

/** strtoul(s, &end, 0) requiring *end == '\0'; null when something is left. */
function strtoulBase0(text: string): U64 | null {
  if (/^0[xX][0-9a-fA-F]/.test(text)) {
    const scanned = scanUnsigned(text, 0, text.length, 16, 'strtoul');
    return scanned && scanned.next === text.length ? scanned.value : null;
  }
  if (/^0[0-7]*$/.test(text)) return parseOctal(text);
  if (/^[1-9][0-9]*$/.test(text)) {
    const scanned = scanUnsigned(text, 0, text.length, 10, 'strtoul');
    return scanned ? scanned.value : null;
  }
  return null;
}

/** Octal as strtoul reads "0…"; anything above the PID limit is rejected anyway. */
function parseOctal(text: string): U64 {
  const value = BigInt(`0o${text.slice(1) || '0'}`);
  return value > 0x7fffffffn ? 0x80000000 : Number(value);
}
