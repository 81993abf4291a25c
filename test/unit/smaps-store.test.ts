/**
 * The compact smaps store (parse/smaps-store.ts) behind parseSmaps, --json
 * and --summary: the same text cut into blocks anywhere gives the same
 * mappings; its fast path for common field lines agrees with the general
 * scanner; a store keeping only SUMMARY_FIELDS summarizes as the full
 * model does; and --json's line writer (format/json-lines.ts) writes what
 * writeJsonProcess writes from parsed mappings, on every fixture's smaps.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SmapsStore, storeSmaps } from '../../src/parse/smaps-store.js';
import { mappingOf, parseSmaps } from '../../src/parse/smaps.js';
import { parseStat } from '../../src/parse/stat.js';
import { processRecord } from '../../src/parse/record.js';
import { rangeStep } from '../../src/model/range.js';
import { SUMMARY_FIELDS, classifyStore } from '../../src/model/classify.js';
import { SummaryBuilder, summarize } from '../../src/format/summary.js';
import { writeJsonProcess } from '../../src/format/json.js';
import { writeStoredProcess } from '../../src/format/json-lines.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** Whether path is a regular file (or, with file false, a directory). */
function isFile(path: string, file = true): boolean {
  try {
    const stat = statSync(path);
    return file ? stat.isFile() : stat.isDirectory();
  } catch {
    return false;
  }
}

/** Every fixture process with an smaps file: its text (latin1) and stat. */
function fixtureProcesses(): Array<{ name: string; smaps: string; stat: string }> {
  const found: Array<{ name: string; smaps: string; stat: string }> = [];
  for (const fixture of readdirSync(FIXTURES)) {
    const tree = join(FIXTURES, fixture, 'tree');
    if (!isFile(tree, false)) continue;
    for (const pid of readdirSync(tree)) {
      const smaps = join(tree, pid, 'smaps');
      const stat = join(tree, pid, 'stat');
      if (!isFile(smaps) || !isFile(stat)) continue;
      found.push({ name: `${fixture}/${pid}`, smaps: readFileSync(smaps).toString('latin1'), stat: readFileSync(stat).toString('latin1') });
    }
  }
  return found;
}

const PROCESSES = fixtureProcesses();

function allMappings(store: SmapsStore) {
  return Array.from({ length: store.length }, (_, i) => mappingOf(store, i));
}

/** Feed text cut before each position of `cuts`. */
function fedInBlocks(
  text: string, cuts: readonly number[], filter: ConstructorParameters<typeof SmapsStore>[0] = null, fields: readonly string[] | null = null,
): SmapsStore {
  const store = new SmapsStore(filter, fields);
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    if (cut > from) store.feed(text.slice(from, cut));
    from = Math.max(from, cut);
  }
  store.end();
  return store;
}

/**
 * Feed text's bytes as streamBytes() hands them on, a piece more before each
 * cut: what feedBytes() did not consume comes again at the start of the
 * next call. The counts it returned, in order.
 */
function fedAsBytes(
  text: string, cuts: readonly number[], filter: ConstructorParameters<typeof SmapsStore>[0] = null, fields: readonly string[] | null = null,
): { store: SmapsStore; used: number[] } {
  const store = new SmapsStore(filter, fields);
  const bytes = Buffer.from(text, 'latin1');
  const used: number[] = [];
  let pending = 0;
  for (const cut of [...cuts.filter((at) => at < bytes.length), bytes.length]) {
    if (cut <= pending && cut < bytes.length) continue;
    const count = store.feedBytes(bytes.subarray(pending, cut), cut === bytes.length);
    used.push(count);
    if (count < 0) break;
    pending += count;
  }
  store.end();
  return { store, used };
}

/** A deterministic pseudo-random sequence (no flaky cuts). */
function cutsOf(length: number, seed: number, mean: number): number[] {
  const cuts: number[] = [];
  let state = seed;
  for (let at = 0; at < length; ) {
    state = (state * 1103515245 + 12345) % 2147483648;
    at += 1 + (state % (2 * mean));
    cuts.push(at);
  }
  return cuts;
}

const SAMPLE = [
  '00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon',
  'Size:                328 kB',
  'Rss:                 280 kB',
  'Shared_Clean:\t 8 kB',
  'Private_Dirty:         0 kB   ',
  'Rss:                 290 kB',
  'THPeligible:    1',
  'Swap:    123456789012345678901 kB',
  'Locked:   12 kB trailing',
  'VmFlags: rd ex mr mw me dw ',
  '00651000-00652000 rw-p 00051000 08:02 173521      /usr/bin/dbus-daemon',
  'Size:                  4 kB',
  'Rss:                   4 kB',
  'Bad\0Key:              4 kB',
  '7fff00000000-7fff00001000 ---p 00000000 00:00 0 ',
  'Size:                  4 kB',
  'Rss:                   0 kB',
].join('\n');

describe('SmapsStore', () => {
  it('gives the same mappings whatever the block cuts', () => {
    const texts = [SAMPLE, SAMPLE + '\n', ...PROCESSES.slice(0, 12).map((process) => process.smaps)];
    for (const text of texts) {
      const whole = allMappings(storeSmaps(text));
      expect(whole.length).toBeGreaterThan(0);
      for (const [seed, mean] of [[1, 3], [7, 40], [11, 997], [5, 4096]] as const) {
        expect(allMappings(fedInBlocks(text, cutsOf(text.length, seed, mean)))).toEqual(whole);
      }
      const lines = [...text.matchAll(/\n/g)].map((match) => match.index! + 1);
      expect(allMappings(fedInBlocks(text, lines))).toEqual(whole);
    }
  });

  it('gives the same mappings from bytes handed on as streamBytes() does', () => {
    const texts = [SAMPLE, SAMPLE + '\n', ...PROCESSES.slice(0, 12).map((process) => process.smaps)];
    for (const text of texts) {
      const whole = allMappings(storeSmaps(text));
      for (const [seed, mean] of [[1, 3], [7, 40], [11, 997], [5, 4096]] as const) {
        expect(allMappings(fedAsBytes(text, cutsOf(text.length, seed, mean)).store)).toEqual(whole);
      }
    }
  });

  it('keeps a line start past 64 KiB as text (consuming it) until its newline', () => {
    const longName = '/' + 'x'.repeat(100_000);
    const text = [
      `00400000-00401000 r--p 00000000 00:00 0 ${longName}`, 'Rss:                   4 kB',
      '00401000-00402000 r--p 00000000 00:00 0 /b', 'Rss:                   8 kB', '',
    ].join('\n');
    const { store, used } = fedAsBytes(text, Array.from({ length: 40 }, (_, i) => (i + 1) * 4096));
    expect(allMappings(store)).toEqual(allMappings(storeSmaps(text)));
    expect(store.names).toEqual([longName, '/b']);
    // Below 64 KiB the line start waits (0 consumed); past it, all is taken.
    expect(used.slice(0, 15).every((count) => count === 0)).toBe(true);
    expect(used[16]).toBe(17 * 4096);
  });

  it('tells names apart whose bytes hash alike', () => {
    // FNV-style hashes of the two names collide (found by search).
    const text = ['/usr/lib/cumzf.so', '/usr/lib/yplpp.so', '/usr/lib/cumzf.so']
      .map((name, i) => `0040${i}000-0040${i + 1}000 r--p 00000000 00:00 0 ${name}\nRss:  4 kB\n`).join('');
    expect(fedAsBytes(text, []).store.names).toEqual(['/usr/lib/cumzf.so', '/usr/lib/yplpp.so', '/usr/lib/cumzf.so']);
  });

  it('keeps names beyond latin1 in text given by a caller (no bytes to read)', () => {
    const text = '00400000-00401000 r--p 00000000 00:00 0 /opt/\u4e2d\u6587.so\nRss:  4 kB\n00401000-00402000 r--p 00000000 00:00 0 /b\n';
    for (const cuts of [[], cutsOf(text.length, 3, 5)]) {
      expect(fedInBlocks(text, cuts).names).toEqual(['/opt/\u4e2d\u6587.so', '/b']);
    }
  });

  it('ends a VmFlags line at a NUL on the byte path too', () => {
    const header = '00400000-00401000 r--p 00000000 00:00 0 ';
    const text = `${header}\nRss:  4 kB\nVmFlags: rd mr\0 xx\n${header}\nVmFlags: rd wr mr\n`;
    const store = fedAsBytes(text, []).store;
    expect([store.vmFlagsOf(0), store.vmFlagsOf(1)]).toEqual([['rd', 'mr'], ['rd', 'wr', 'mr']]);
  });

  it('reads the sample as the general scanner does: repeated keys keep their place, odd lines their rules', () => {
    const [first, second, third] = parseSmaps(SAMPLE);
    expect([...first!.kB]).toEqual([
      ['Size', 328], ['Rss', 290], ['Shared_Clean', 8], ['Private_Dirty', 0], ['Swap', 18446744073709551615n],
    ]);
    expect([...first!.values]).toEqual([['THPeligible', 1]]);
    expect(first!.vmFlags).toEqual(['rd', 'ex', 'mr', 'mw', 'me', 'dw']);
    // "Bad\0Key" is cut at the NUL: no ':' before it, not a field.
    expect([...second!.kB]).toEqual([['Size', 4], ['Rss', 4]]);
    expect(third!.name).toBe('');
  });

  it('fast path and general scanner agree (the same fields spelled in both forms)', () => {
    const common = ['Size:                  8 kB', 'Rss:                   4 kB', 'Pss:  2 kB', 'THPeligible:    0'];
    const odd = ['Size:\t8 kB', 'Rss: 4 kB ', 'Pss:  2  kB', 'THPeligible:\t0 '];
    const header = '00400000-00402000 r--p 00000000 00:00 0 ';
    // Twice, so that the second mapping takes the fast path under the first one's keys.
    const fast = parseSmaps([header, ...common, header, ...common, ''].join('\n'));
    const slow = parseSmaps([header, ...odd, header, ...odd, ''].join('\n'));
    expect(fast).toEqual(slow);
    expect(fast[1]!.kB.get('Pss')).toBe(2);
  });

  it('a value of 16 digits or more leaves the fast path, and stays exact', () => {
    const header = '00400000-00402000 r--p 00000000 00:00 0 ';
    const text = [header, 'Size:                  8 kB', 'Rss:    4 kB', header, 'Size:                  8 kB', 'Rss:    9007199254740993 kB', ''].join('\n');
    // The second mapping's lines come in the common form, under the first one's keys.
    expect(parseSmaps(text)[1]!.kB.get('Rss')).toBe(9007199254740993n);
    expect(allMappings(fedInBlocks(text, cutsOf(text.length, 4, 20)))[1]!.kB.get('Rss')).toBe(9007199254740993n);
  });

  it('keeps only the fields asked for, the others passed by as any line', () => {
    const mapping = (start: number, pss: number, key: number) => [
      `${start.toString(16)}-${(start + 0x1000).toString(16)} rw-p 00000000 00:00 0 `,
      'Size:                  4 kB', `Pss:                   ${pss} kB`, 'THPeligible:    1', `ProtectionKey:  ${key}`,
    ];
    const distinct = [...mapping(0x1000, 4, 7), ...mapping(0x3000, 8, 9), ...mapping(0x5000, 12, 11), ''].join('\n');
    const texts = [SAMPLE, distinct, ...PROCESSES.filter((process) => process.smaps.includes('ProtectionKey:')).slice(0, 4).map((process) => process.smaps)];
    expect(texts.length).toBeGreaterThan(2);
    // A kept plain value after one not kept (ProtectionKey after THPeligible) checks the slots.
    for (const fields of [['Rss', 'THPeligible', 'Swap'], ['Pss', 'ProtectionKey']]) {
      const keep = (mapping: ReturnType<typeof parseSmaps>[number]) => ({
        ...mapping,
        kB: new Map([...mapping.kB].filter(([key]) => fields.includes(key))),
        values: new Map([...mapping.values].filter(([key]) => fields.includes(key))),
      });
      for (const text of texts) {
        const expected = parseSmaps(text).map(keep);
        expect(allMappings(fedInBlocks(text, [], null, fields))).toEqual(expected);
        expect(allMappings(fedInBlocks(text, cutsOf(text.length, 2, 50), null, fields))).toEqual(expected);
      }
    }
  });

  it('applies a header filter as the -A rule does (skip, then stop)', () => {
    const text = PROCESSES.find((process) => process.name.startsWith('bash/'))!.smaps;
    const all = parseSmaps(text);
    const range = { low: all[3]!.start, high: all[6]!.start };
    const store = fedInBlocks(text, cutsOf(text.length, 3, 200), (start, end) => rangeStep(start, end, range));
    expect(allMappings(store)).toEqual(all.slice(3, 7));
    const fromBytes = fedAsBytes(text, cutsOf(text.length, 3, 200), (start, end) => rangeStep(start, end, range));
    expect(allMappings(fromBytes.store)).toEqual(all.slice(3, 7));
    expect(fromBytes.used.at(-1)).toBe(-1);
  });
});

describe('the extension modes over the store', () => {
  it.each(PROCESSES.map((process) => [process.name, process] as const))('%s: --summary and --json as from parsed mappings', (_name, process) => {
    const stat = parseStat(process.stat);
    const record = processRecord(1, 1, stat, 'a.out\0');
    const mappings = parseSmaps(process.smaps);
    const summary = summarize(mappings, stat.startStack);
    // --summary alone keeps only the fields it reads.
    const lean = storeSmaps(process.smaps, null);
    for (const cuts of [[], cutsOf(process.smaps.length, 9, 300)]) {
      const leanSummary = fedInBlocks(process.smaps, cuts, null, SUMMARY_FIELDS);
      const builder = new SummaryBuilder();
      classifyStore(leanSummary, stat.startStack, [], (view, mappingClass) => builder.add(view.mapping, mappingClass));
      expect(builder.result()).toEqual(summary);
    }
    let expected = '';
    writeJsonProcess({ record, mappings }, [], undefined, (text) => (expected += text));
    let actual = '';
    writeStoredProcess({ record, store: lean, rules: [] }, (text) => (actual += text));
    expect(actual).toBe(expected);
  });

  it('SUMMARY_FIELDS names every field the classifier and the sums read', () => {
    const sources = ['src/model/classify.ts', 'src/model/usage.ts', 'src/model/rules.ts', 'src/format/summary.ts']
      .map((path) => readFileSync(join(import.meta.dirname, '..', '..', path), 'utf8'))
      .join('\n');
    const read = new Set([...sources.matchAll(/(?:kB\.get|field)\('([A-Za-z_]+)'\)/g)].map((match) => match[1]!));
    expect(read.size).toBeGreaterThan(5);
    for (const key of read) expect(SUMMARY_FIELDS).toContain(key);
  });
});
