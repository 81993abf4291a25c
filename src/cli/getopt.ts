/**
 * A faithful emulation of glibc 2.36 getopt_long(), which pmap uses.
 *
 * pmap's error messages, its acceptance of abbreviated long options and its
 * argument permutation all come from glibc rather than from pmap itself, so a
 * drop-in has to reproduce them exactly. Generic argument libraries (commander
 * included) differ in every one of these details, which is why this module
 * exists instead of a commander program for the pmap-compatible surface.
 */

export type ArgRequirement = 'none' | 'required' | 'optional';

export interface LongOption {
  readonly name: string;
  readonly has: ArgRequirement;
  /** The short option character (or any key) this long option reports as. */
  readonly key: string;
  /**
   * tspmap's own extensions match only when spelled in full and never take
   * part in prefix matching, so that pmap's abbreviations and its ambiguity
   * messages stay exactly as they are.
   */
  readonly exactOnly?: boolean;
}

export type GetoptEvent =
  | { readonly kind: 'option'; readonly key: string; readonly value?: string }
  /** A parse error; `message` is glibc's text without the program prefix. */
  | { readonly kind: 'error'; readonly message: string };

export interface GetoptResult {
  /** Events in the order glibc's getopt_long would return them. */
  readonly events: GetoptEvent[];
  /** Non-option arguments in their final (permuted) order. */
  readonly operands: string[];
}

interface ShortSpec {
  readonly has: ArgRequirement;
}

function parseShortSpec(optstring: string): Map<string, ShortSpec> {
  const specs = new Map<string, ShortSpec>();
  for (let i = 0; i < optstring.length; i++) {
    const ch = optstring[i]!;
    const required = optstring[i + 1] === ':';
    specs.set(ch, { has: required ? 'required' : 'none' });
    if (required) i++;
  }
  return specs;
}

/**
 * Scan `args` (argv without the program name) the way getopt_long does.
 * Scanning stops at the first error, because pmap exits on it; the events
 * before the error have already been acted on by pmap, so they are returned.
 * `posixlyCorrect` mirrors the POSIXLY_CORRECT environment variable, which
 * makes glibc stop at the first non-option instead of permuting.
 */
export function getoptLong(
  args: readonly string[],
  optstring: string,
  longOptions: readonly LongOption[],
  posixlyCorrect = false,
): GetoptResult {
  const shortSpecs = parseShortSpec(optstring);
  const events: GetoptEvent[] = [];
  const operands: string[] = [];

  let index = 0;
  while (index < args.length) {
    const arg = args[index]!;
    if (arg === '--') {
      operands.push(...args.slice(index + 1));
      break;
    }
    if (arg.length < 2 || arg[0] !== '-') {
      if (posixlyCorrect) {
        operands.push(...args.slice(index));
        break;
      }
      operands.push(arg);
      index++;
      continue;
    }
    index++;
    if (arg[1] === '-') {
      const result = scanLong(arg.slice(2), args, index, longOptions);
      index = result.nextIndex;
      events.push(result.event);
      if (result.event.kind === 'error') return { events, operands };
      continue;
    }
    // A cluster of short options, e.g. "-xq" or "-A1000,2000".
    const cluster = Buffer.from(arg.slice(1), 'utf8');
    for (let pos = 0; pos < cluster.length; pos++) {
      const byte = cluster[pos]!;
      const ch = String.fromCharCode(byte);
      const spec = byte < 0x80 && ch !== ':' ? shortSpecs.get(ch) : undefined;
      if (!spec) {
        events.push({ kind: 'error', message: `invalid option -- '${latin1Char(byte)}'` });
        return { events, operands };
      }
      if (spec.has === 'none') {
        events.push({ kind: 'option', key: ch });
        continue;
      }
      const attached = cluster.subarray(pos + 1);
      if (attached.length > 0) {
        events.push({ kind: 'option', key: ch, value: attached.toString('utf8') });
      } else if (index < args.length) {
        events.push({ kind: 'option', key: ch, value: args[index]! });
        index++;
      } else {
        events.push({ kind: 'error', message: `option requires an argument -- '${ch}'` });
        return { events, operands };
      }
      break;
    }
  }
  return { events, operands };
}

/** glibc prints the offending byte as is; keep it a single byte on output. */
function latin1Char(byte: number): string {
  return byte < 0x80 ? String.fromCharCode(byte) : Buffer.from([byte]).toString('latin1');
}

interface LongScan {
  readonly event: GetoptEvent;
  readonly nextIndex: number;
}

function scanLong(
  body: string,
  args: readonly string[],
  nextIndex: number,
  longOptions: readonly LongOption[],
): LongScan {
  const eq = body.indexOf('=');
  const name = eq >= 0 ? body.slice(0, eq) : body;
  const inlineValue = eq >= 0 ? body.slice(eq + 1) : undefined;

  let found = longOptions.find((opt) => opt.name === name);
  if (!found) {
    const candidates = longOptions.filter((opt) => !opt.exactOnly && opt.name.startsWith(name));
    if (candidates.length === 0) {
      return { event: { kind: 'error', message: `unrecognized option '--${body}'` }, nextIndex };
    }
    // glibc treats prefix matches that all behave identically as one option.
    const first = candidates[0]!;
    const allSame = candidates.every((c) => c.has === first.has && c.key === first.key);
    if (!allSame) {
      const list = candidates.map((c) => ` '--${c.name}'`).join('');
      return {
        event: { kind: 'error', message: `option '--${body}' is ambiguous; possibilities:${list}` },
        nextIndex,
      };
    }
    found = first;
  }

  if (found.has === 'none') {
    if (inlineValue !== undefined) {
      return {
        event: { kind: 'error', message: `option '--${found.name}' doesn't allow an argument` },
        nextIndex,
      };
    }
    return { event: { kind: 'option', key: found.key }, nextIndex };
  }
  if (inlineValue !== undefined) {
    return { event: { kind: 'option', key: found.key, value: inlineValue }, nextIndex };
  }
  if (found.has === 'optional') {
    return { event: { kind: 'option', key: found.key }, nextIndex };
  }
  if (nextIndex < args.length) {
    return { event: { kind: 'option', key: found.key, value: args[nextIndex]! }, nextIndex: nextIndex + 1 };
  }
  return {
    event: { kind: 'error', message: `option '--${found.name}' requires an argument` },
    nextIndex,
  };
}
