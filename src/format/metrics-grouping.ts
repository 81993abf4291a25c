/**
 * Grouping processes by name, as ncabatoff/process-exporter does: a process
 * is published if a --match regex matches its command line (all processes
 * when there is none), and its group is a name template such as
 * "{{.Comm}}" or "{{.Matches.name}}" expanded for it. Bounded groups keep
 * the number of series bounded; {{.PID}} defeats that and is left to the
 * user (the docs warn).
 */

/** What a template can refer to. */
export interface ProcessNaming {
  pid: number;
  /** The command name from stat. */
  comm: string;
  /** argv, decoded as UTF-8. */
  argv: readonly string[];
  startTime: string;
}

export interface Grouping {
  matchers: readonly RegExp[];
  template: string;
}

export const DEFAULT_TEMPLATE = '{{.Comm}}';

const PLACEHOLDER = /\{\{\s*\.([A-Za-z]+)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*\}\}/g;
const FIELDS = new Set(['Comm', 'ExeBase', 'ExeFull', 'PID', 'StartTime', 'Matches']);

/**
 * A --match regex; Go's "(?P<name>" (process-exporter's syntax) is taken
 * as JavaScript's "(?<name>". Throws SyntaxError with the regex's problem.
 */
export function compileMatcher(source: string): RegExp {
  return new RegExp(source.replace(/\(\?P</g, '(?<'));
}

/** Null when the template is usable, else what is wrong with it. */
export function templateProblem(template: string): string | null {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const field = match[1]!;
    if (!FIELDS.has(field)) return `unknown field {{.${field}}}`;
    if ((field === 'Matches') !== (match[2] !== undefined)) return `bad placeholder ${match[0]}`;
  }
  const rest = template.replace(PLACEHOLDER, '');
  if (rest.includes('{{')) return `unparsed placeholder in '${template}'`;
  return null;
}

/** The text matchers are tried against: argv joined by spaces, or the comm for a process without one. */
export function matchSubject(process: ProcessNaming): string {
  return process.argv.length > 0 ? process.argv.join(' ') : process.comm;
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

/** The group of a process, or null when no matcher takes it. */
export function groupOf(process: ProcessNaming, grouping: Grouping): string | null {
  let captured: Record<string, string | undefined> = {};
  if (grouping.matchers.length > 0) {
    const subject = matchSubject(process);
    const found = grouping.matchers.map((matcher) => matcher.exec(subject)).find((result) => result !== null);
    if (!found) return null;
    captured = found.groups ?? {};
  }
  const exe = process.argv[0] ?? process.comm;
  return grouping.template.replace(PLACEHOLDER, (_whole, field: string, key: string | undefined) => {
    switch (field) {
      case 'Comm': return process.comm;
      case 'ExeBase': return basename(exe);
      case 'ExeFull': return exe;
      case 'PID': return String(process.pid);
      case 'StartTime': return process.startTime;
      default: return captured[key ?? ''] ?? '';
    }
  });
}
