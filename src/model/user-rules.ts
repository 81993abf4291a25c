/**
 * --rules FILE: rules a user adds in front of the built-in table. The file
 * is JSON, either an array of rules or {"rules": [...]}; each rule is
 *
 *   { "category": "cache",            required: built-in or new category
 *     "label": "app cache $1",        optional: {name} and $1.. from "name"
 *     "name": "^/var/cache/(\\w+)",   optional: a JavaScript regular expression
 *     "kind": "file" | ["file", ...], optional: mapping kinds (see --json)
 *     "perms": "rw?p",                optional: 4 characters, '?' any
 *     "flags": ["sh"],                optional: VmFlags that must all be set
 *     "noRss": true,                  optional: nothing resident or swapped
 *     "minKB": 0, "maxKB": 1024 }     optional: size bounds in kB
 *
 * A problem is reported as one line naming the rule and the key.
 */
import type { MappingKind } from './kind.js';
import type { Rule } from './rules.js';

const KINDS: readonly MappingKind[] = [
  'file', 'deleted', 'anon', 'anon_named', 'anon_shared', 'heap', 'stack',
  'vdso', 'vvar', 'vsyscall', 'shm', 'memfd', 'special',
];

const KEYS = new Set(['id', 'category', 'label', 'name', 'kind', 'perms', 'flags', 'noRss', 'minKB', 'maxKB']);

export type RulesOutcome = { ok: true; rules: Rule[] } | { ok: false; message: string };

class RuleError extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new RuleError(message);
}

function stringList(value: unknown, what: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  check(Array.isArray(list) && list.every((item) => typeof item === 'string'), `"${what}" must be a string or an array of strings`);
  return list as string[];
}

function parseRule(raw: unknown, index: number): Rule {
  check(raw !== null && typeof raw === 'object' && !Array.isArray(raw), 'must be an object');
  const entry = raw as Record<string, unknown>;
  for (const key of Object.keys(entry)) check(KEYS.has(key), `unknown key "${key}"`);
  check(typeof entry.category === 'string' && entry.category !== '', '"category" must be a non-empty string');
  const rule: Rule = { id: typeof entry.id === 'string' ? entry.id : `user-${index + 1}`, category: entry.category, label: '{name}' };
  if (entry.label !== undefined) {
    check(typeof entry.label === 'string', '"label" must be a string');
    rule.label = entry.label;
  }
  if (entry.name !== undefined) {
    check(typeof entry.name === 'string', '"name" must be a string');
    try {
      rule.name = new RegExp(entry.name);
    } catch (error) {
      throw new RuleError(`"name" is not a regular expression: ${(error as Error).message}`);
    }
  }
  if (entry.kind !== undefined) {
    const kinds = stringList(entry.kind, 'kind');
    const unknown = kinds.find((kind) => !KINDS.includes(kind as MappingKind));
    check(unknown === undefined, `unknown kind "${unknown}" (one of ${KINDS.join(', ')})`);
    rule.kinds = kinds as MappingKind[];
  }
  if (entry.perms !== undefined) {
    check(typeof entry.perms === 'string' && /^[r?-][w?-][x?-][ps?-]$/.test(entry.perms), '"perms" must be 4 characters like "rw-p", "?" for any');
    rule.perms = entry.perms;
  }
  if (entry.flags !== undefined) rule.flags = stringList(entry.flags, 'flags');
  if (entry.noRss !== undefined) {
    check(typeof entry.noRss === 'boolean', '"noRss" must be true or false');
    rule.noRss = entry.noRss;
  }
  for (const key of ['minKB', 'maxKB'] as const) {
    if (entry[key] === undefined) continue;
    const value = entry[key];
    check(typeof value === 'number' && Number.isInteger(value) && value >= 0, `"${key}" must be a whole number of kB`);
    rule[key] = value;
  }
  return rule;
}

/** Parse a rules file's text; `source` names it in messages. */
export function parseRulesFile(text: string, source: string): RulesOutcome {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${source}: not JSON: ${(error as Error).message.split('\n')[0]}` };
  }
  const list = Array.isArray(document) ? document : (document as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) return { ok: false, message: `${source}: expected an array of rules or {"rules": [...]}` };
  const rules: Rule[] = [];
  for (let i = 0; i < list.length; i++) {
    try {
      rules.push(parseRule(list[i], i));
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return { ok: false, message: `${source}: rule ${i + 1}: ${error.message}` };
    }
  }
  return { ok: true, rules };
}
