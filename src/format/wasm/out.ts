/**
 * AssemblyScript (see rows.ts): the output area and pmap's printf()
 * conversions, written byte by byte.
 */
import { NAME_STACK, permsAt } from './line';

export const OUT_AT: u32 = 64 * 1024;
export const OUT_BYTES: u32 = 256 * 1024;
/** Room for one row: the fields, and a name of at most 1023 bytes. */
export const ROW_MAX: u32 = 1200;

/** Where the next output byte goes. */
export let outAt: u32 = OUT_AT;

export function resetOutput(): void {
  outAt = OUT_AT;
}

export function setOutput(at: u32): void {
  outAt = at;
}

/** Whether another row may not fit. */
export function outputFull(): bool {
  return outAt > OUT_AT + OUT_BYTES;
}

export function put(byte: u32): void {
  store<u8>(outAt++, byte);
}

/** "%0Nlx" of a value whose digits are at [from, to): pad them with zeros. */
export function putZeroPadded(from: u32, to: u32, width: u32): void {
  let o = outAt;
  for (let pad = <i32>width - <i32>(to - from); pad > 0; pad--) store<u8>(o++, 0x30);
  for (let at = from; at < to; at++) store<u8>(o++, load<u8>(at));
  outAt = o;
}

/** "%*lu". */
export function putDecimal(value: u64, width: u32): void {
  let digits: u32 = 1;
  for (let rest = value; rest >= 10; rest /= 10) digits++;
  let o = outAt;
  for (let pad = <i32>width - <i32>digits; pad > 0; pad--) store<u8>(o++, 0x20);
  let at = o + digits;
  let rest = value;
  do {
    store<u8>(--at, <u8>(0x30 + rest % 10));
    rest /= 10;
  } while (rest > 0);
  outAt = o + digits;
}

/** "%0Nx" of an unsigned int. */
export function putHex(value: u32, width: u32): void {
  let digits: u32 = 1;
  for (let rest = value; rest >= 16; rest >>= 4) digits++;
  let o = outAt;
  for (let pad = <i32>width - <i32>digits; pad > 0; pad--) store<u8>(o++, 0x30);
  let at = o + digits;
  let rest = value;
  do {
    const digit = rest & 15;
    store<u8>(--at, <u8>(digit < 10 ? 0x30 + digit : 0x57 + digit));
    rest >>= 4;
  } while (rest > 0);
  outAt = o + digits;
}

/** The perms as accountPerms() leaves them: a private 'p' prints as '-', and the fifth column is '-'. */
export function putPerms(): void {
  const shareMode = load<u8>(permsAt + 3);
  put(load<u8>(permsAt));
  put(load<u8>(permsAt + 1));
  put(load<u8>(permsAt + 2));
  put(shareMode == 0x70 ? 0x2d : shareMode);
  put(0x2d);
}

/** The name from `from` (nameStart()) to the newline, or its label, then the newline. */
export function putName(from: i32, nl: u32): void {
  if (from >= 0) {
    let o = outAt;
    for (let at = <u32>from; at < nl; at++) store<u8>(o++, load<u8>(at));
    outAt = o;
  } else {
    // "  [ stack ]" or "  [ anon ]".
    put(0x20); put(0x20); put(0x5b); put(0x20);
    if (from == NAME_STACK) {
      put(0x73); put(0x74); put(0x61); put(0x63); put(0x6b);
    } else {
      put(0x61); put(0x6e); put(0x6f); put(0x6e);
    }
    put(0x20); put(0x5d);
  }
  put(0x0a);
}
