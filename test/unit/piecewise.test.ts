/**
 * The scanners that read stat, status and rc files in pieces (so that no
 * input is held whole) must answer exactly as the whole-text readers do,
 * wherever the pieces are cut. The whole-text readers are themselves
 * checked against pmap in test/hostile.test.ts and test/rc.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { StatScanner, parseStat } from '../../src/parse/stat.js';
import { TgidScanner, parseTgid } from '../../src/parse/status.js';
import { RcParser, parseRc } from '../../src/parse/rc.js';

/** Feed `text` cut at `cuts` (sorted positions); stop when the scanner says so. */
function feedCut(scanner: { feed(piece: string): boolean | void }, text: string, cuts: number[]): void {
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    if (scanner.feed(text.slice(from, cut)) === true) return;
    from = cut;
  }
}

const STAT = '4242 (de)mo) S 1 4242 4242 0 -1 4194304 120 0 0 0 3 1 0 0 20 0 1 0 123456 69689344 123 18446744073709551615 4194304 4198400 140721895983632 0 0 0 0 0\n';
const STATS = [
  STAT,
  '',
  '\0' + STAT,
  STAT.replace(' S ', '\0S '),
  'junk ' + STAT,
  '4242 (x)',
  '4242 (x) ',
  '4242 (' + 'n'.repeat(64) + ') R 1 2',
  '4242 (' + 'n'.repeat(65) + ') R 1 2',
  '4242 ((()))) Z' + ' 7'.repeat(30),
  STAT.replace('140721895983632', '99999999999999999999999'),
];

const STATUS = 'Name:\tdemo\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\nPid:\t4243\n';
const STATUSES = [
  STATUS,
  '',
  STATUS.replace('Tgid:\t4242', 'Tgid:   -17x'),
  STATUS.replace('Tgid:\t4242', 'Tgid:\t+0000000000000000000000000000099'),
  STATUS.replace('Tgid:\t4242', 'Tgid:\t99999999999999999999999999'),
  STATUS.replace('Tgid:\t4242', 'Tgid:\t-9223372036854775809'),
  STATUS.replace('Tgid:\t4242', 'Tgid:\t4294967297'),
  STATUS.replace('Tgid:\t4242', 'Tgid:'),
  STATUS.replace('Name', '\0Name'),
  'Tgi\0d:\t7\nTgid:\t8\n',
];

describe('StatScanner', () => {
  it('answers as parseStat on every single cut and on one-byte pieces', () => {
    for (const text of STATS) {
      const whole = parseStat(text);
      for (let cut = 0; cut <= text.length; cut++) {
        const scanner = new StatScanner();
        feedCut(scanner, text, [cut]);
        expect(scanner.result(), `${JSON.stringify(text)} cut at ${cut}`).toEqual(whole);
      }
      const bytewise = new StatScanner();
      feedCut(bytewise, text, Array.from({ length: text.length }, (_, i) => i));
      expect(bytewise.result()).toEqual(whole);
    }
  });
});

describe('TgidScanner', () => {
  it('answers as parseTgid on every single cut and on one-byte pieces', () => {
    for (const text of STATUSES) {
      const whole = parseTgid(text);
      for (let cut = 0; cut <= text.length; cut++) {
        const scanner = new TgidScanner();
        feedCut(scanner, text, [cut]);
        expect(scanner.result(), `${JSON.stringify(text)} cut at ${cut}`).toBe(whole);
      }
      const bytewise = new TgidScanner();
      feedCut(bytewise, text, Array.from({ length: text.length }, (_, i) => i));
      expect(bytewise.result()).toBe(whole);
    }
  });
});

describe('RcParser', () => {
  it('warns and collects as parseRc wherever the blocks are cut', () => {
    const long = 'x'.repeat(1500);
    const text = `# c\n[Fields Display]\nRss  Pss\n${long}\nSize\n[Odd]\nx\n[Mapping\n[Mapping]\nShowPath\n\0zz\n${'y'.repeat(1024)}`;
    const whole = parseRc(text);
    for (let cut = 0; cut <= text.length; cut += 7) {
      const warnings: string[] = [];
      const parser = new RcParser((warning) => warnings.push(warning));
      feedCut(parser, text, [cut, Math.min(text.length, cut + 1100)]);
      parser.end();
      expect({ fields: parser.fields, showPathToggles: parser.showPathToggles, warnings }).toEqual(whole);
    }
  });
});
