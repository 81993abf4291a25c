/**
 * The default and -d listings from bytes to bytes. Kernel-formatted lines
 * (parse/maps-fast.ts) are printed here by copying their hex digits and
 * writing decimals by hand into one output buffer; any other line goes
 * through BasicFormatter's exact emulation, which also keeps the state pmap
 * carries between lines. Both paths produce the same bytes: the fixture,
 * fuzz and live tests compare them with pmap.
 */
import { FastMapsLine, hasSysvMarker, newFastMapsLine, scanKernelMapsLine } from '../parse/maps-fast.js';
import { isSmapsKeyStart } from '../parse/maps.js';
import type { BasicFormatter, BasicOptions } from './basic.js';

const OUT_BYTES = 1 << 18;
/** Room for one row: the fields, and a name of at most 1023 bytes. */
const ROW_MAX = 1200;

export const ANON = Buffer.from('  [ anon ]', 'latin1');
export const STACK = Buffer.from('  [ stack ]', 'latin1');
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * One output buffer that rows are written into by hand, and the exact
 * path's text; the headings before the first line.
 */
export abstract class ByteRows {
  protected readonly out = Buffer.allocUnsafe(OUT_BYTES);
  protected at = 0;
  protected started = false;

  constructor(
    protected readonly formatter: BasicFormatter,
    protected readonly options: BasicOptions,
    protected readonly sink: (bytes: Uint8Array) => void,
  ) {}

  /** The headings, before the first line. */
  begin(): void {
    this.started = true;
    this.text(this.formatter.feed(''));
  }

  /** Make room for one row. */
  protected room(): void {
    if (this.at > OUT_BYTES - ROW_MAX) this.flush();
  }

  protected flush(): void {
    // The sink writes synchronously, so the buffer is reused.
    if (this.at > 0) this.sink(this.out.subarray(0, this.at));
    this.at = 0;
  }

  protected text(text: string): void {
    if (text.length === 0) return;
    if (this.at + text.length > OUT_BYTES) this.flush();
    if (text.length > OUT_BYTES) {
      this.sink(Buffer.from(text, 'latin1'));
      return;
    }
    this.at += this.out.write(text, this.at, 'latin1');
  }
}

export class BasicBytes extends ByteRows {
  private readonly line: FastMapsLine = newFastMapsLine();
  private readonly device: boolean;

  constructor(formatter: BasicFormatter, options: BasicOptions, sink: (bytes: Uint8Array) => void) {
    super(formatter, options, sink);
    this.device = options.mode === 'device';
  }



  /** Consume the whole lines of `bytes` (all of it at EOF); returns how many bytes. */
  feed(bytes: Buffer, eof: boolean): number {
    const formatter = this.formatter;
    if (!this.started) this.begin();
    const length = bytes.length;
    const line = this.line;
    let pos = 0;
    while (pos < length) {
      let nl = bytes.indexOf(0x0a, pos);
      if (nl < 0) {
        if (!eof) break;
        nl = length;
      }
      if (formatter.isStopped) return length;
      const next = nl < length ? nl + 1 : length;
      if (
        nl < length && !isSmapsKeyStart(bytes[pos]!) && scanKernelMapsLine(bytes, pos, nl, line) &&
        line.end >= line.start && !(line.devMajor === 0 && hasSysvMarker(bytes, line.nameFrom, nl) && line.devMinor === this.options.shmMinor)
      ) {
        this.room();
        const diff = formatter.acceptScanned(line, bytes);
        this.row(bytes, pos, nl, diff);
      } else {
        this.text(formatter.feed(bytes.toString('latin1', pos, next)));
      }
      pos = next;
    }
    return pos;
  }

  end(): void {
    if (!this.started) this.text(this.formatter.feed(''));
    this.text(this.formatter.end());
    this.flush();
  }

  /** "%016lx %6luK %s %s\n", or -d's "%016lx %7lu %5s %016llx %03x:%05x %s\n". */
  private row(bytes: Buffer, pos: number, nl: number, diff: number): void {
    const out = this.out;
    const line = this.line;
    let at = copyZeroPadded(bytes, line.startFrom, line.startTo, out, this.at, 16);
    out[at++] = 0x20;
    at = writeDecimal(out, at, Math.floor(diff / 1024), this.device ? 7 : 6);
    if (!this.device) out[at++] = 0x4b;
    out[at++] = 0x20;
    const perms = this.formatter.permsBytes;
    out[at++] = perms[0]!;
    out[at++] = perms[1]!;
    out[at++] = perms[2]!;
    out[at++] = perms[3]!;
    out[at++] = perms[4]!;
    out[at++] = 0x20;
    if (this.device) {
      at = copyZeroPadded(bytes, line.offsetFrom, line.offsetTo, out, at, 16);
      out[at++] = 0x20;
      at = writeHex(out, at, line.devMajor, 3);
      out[at++] = 0x3a;
      at = writeHex(out, at, line.devMinor, 5);
      out[at++] = 0x20;
    }
    at = this.name(bytes, pos, nl, out, at);
    out[at++] = 0x0a;
    this.at = at;
  }

  /** mapping_name(): the path's last part (or the path, -p), or a bracketed label. */
  private name(bytes: Buffer, pos: number, nl: number, out: Buffer, at: number): number {
    const from = nameStart(this.line, bytes, pos, nl, this.options);
    if (from >= 0) return copyBytes(bytes, from, nl, out, at);
    const label = from === NAME_STACK ? STACK : ANON;
    return copyBytes(label, 0, label.length, out, at);
  }
}

/** nameStart()'s answers for the two labels. */
export const NAME_ANON = -1;
export const NAME_STACK = -2;

/**
 * mapping_name() of a line the byte scanner accepted (not a SysV one): where
 * in bytes[pos, nl) the printed name starts, or NAME_ANON / NAME_STACK.
 */
export function nameStart(line: FastMapsLine, bytes: Uint8Array, pos: number, nl: number, options: BasicOptions): number {
  if (line.lastSlash >= 0) {
    return options.showPath ? line.firstSlash : line.lastSlash + 1 < nl ? line.lastSlash + 1 : line.lastSlash;
  }
  if (options.kernelNames && nl > line.nameFrom && bytes[nl - 1] === 0x5d) {
    const open = bytes.indexOf(0x5b, pos);
    if (open >= 0 && open < nl) return open;
  }
  const stack = options.startStack;
  return stack >= line.start && stack <= line.end ? NAME_STACK : NAME_ANON;
}

/** A byte loop: Buffer#copy's argument checks cost more than a short name. */
export function copyBytes(src: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  for (let i = from; i < to; i++) out[at++] = src[i]!;
  return at;
}

/** "%0Nlx" of a value whose digits are already in `from`: pad them with zeros. */
export function copyZeroPadded(src: Uint8Array, from: number, to: number, out: Uint8Array, at: number, width: number): number {
  for (let pad = width - (to - from); pad > 0; pad--) out[at++] = 0x30;
  for (let i = from; i < to; i++) out[at++] = src[i]!;
  return at;
}

/** "%*lu" for a value below 2^53. */
export function writeDecimal(out: Uint8Array, at: number, value: number, width: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  for (let pad = width - digits; pad > 0; pad--) out[at++] = 0x20;
  let end = at + digits;
  let rest = value;
  do {
    out[--end] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  return at + digits;
}

/** "%0Nx" for a 32-bit value. */
function writeHex(out: Uint8Array, at: number, value: number, width: number): number {
  let digits = 1;
  for (let rest = value; rest >= 16; rest = Math.floor(rest / 16)) digits++;
  for (let pad = width - digits; pad > 0; pad--) out[at++] = 0x30;
  let end = at + digits;
  let rest = value;
  do {
    out[--end] = HEX[rest % 16]!;
    rest = Math.floor(rest / 16);
  } while (rest > 0);
  return at + digits;
}
