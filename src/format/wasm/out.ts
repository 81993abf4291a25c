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

/** Where the next output byte goes, after a writer's last position. */
export function setOutput(at: u32): void {
  outAt = at;
}

/** Whether another row may not fit. */
export function outputFull(): bool {
  return outAt > OUT_AT + OUT_BYTES;
}

/** Write `byte` at o: the next position. */
@inline export function put(o: u32, byte: u32): u32 {
  store<u8>(o, byte);
  return o + 1;
}

/** "%0Nlx" of a value whose digits are at [from, to): pad them with zeros. */
export function putZeroPadded(o: u32, from: u32, to: u32, width: u32): u32 {
  for (let pad = <i32>width - <i32>(to - from); pad > 0; pad--) store<u8>(o++, 0x30);
  for (let at = from; at < to; at++) store<u8>(o++, load<u8>(at));
  return o;
}

/** "%*lu"; 32-bit division while the value fits (a size in kB always does). */
export function putDecimal(o: u32, value: u64, width: u32): u32 {
  return value >> 32 ? putDigits<u64>(o, value, width) : putDigits<u32>(o, <u32>value, width);
}

function putDigits<T>(o: u32, value: T, width: u32): u32 {
  let digits: u32 = 1;
  for (let rest = value; rest >= 10; rest /= 10) digits++;
  for (let pad = <i32>width - <i32>digits; pad > 0; pad--) store<u8>(o++, 0x20);
  let at = o + digits;
  let rest = value;
  do {
    store<u8>(--at, <u8>(0x30 + <u32>(rest % 10)));
    rest /= 10;
  } while (rest > 0);
  return o + digits;
}

/** "%0Nx" of an unsigned int. */
export function putHex(o: u32, value: u32, width: u32): u32 {
  let digits: u32 = 1;
  for (let rest = value; rest >= 16; rest >>= 4) digits++;
  for (let pad = <i32>width - <i32>digits; pad > 0; pad--) store<u8>(o++, 0x30);
  let at = o + digits;
  let rest = value;
  do {
    const digit = rest & 15;
    store<u8>(--at, <u8>(digit < 10 ? 0x30 + digit : 0x57 + digit));
    rest >>= 4;
  } while (rest > 0);
  return o + digits;
}

/** The perms as accountPerms() leaves them (a private 'p' prints as '-', the fifth column is '-'), and a space. */
export function putPerms(o: u32): u32 {
  const shareMode = load<u8>(permsAt + 3);
  store<u8>(o, load<u8>(permsAt));
  store<u8>(o + 1, load<u8>(permsAt + 1));
  store<u8>(o + 2, load<u8>(permsAt + 2));
  store<u8>(o + 3, shareMode == 0x70 ? 0x2d : shareMode);
  store<u16>(o + 4, 0x202d);
  return o + 6;
}

/** The name from `from` (nameStart()) to the newline, or its label, then the newline. */
export function putName(o: u32, from: i32, nl: u32): u32 {
  if (from >= 0) {
    for (let at = <u32>from; at < nl; at++) store<u8>(o++, load<u8>(at));
  } else if (from == NAME_STACK) {
    // "  [ stack ]"
    store<u64>(o, 0x63617473205b2020);
    store<u16>(o + 8, 0x206b);
    store<u8>(o + 10, 0x5d);
    o += 11;
  } else {
    // "  [ anon ]"
    store<u64>(o, 0x6e6f6e61205b2020);
    store<u16>(o + 8, 0x5d20);
    o += 10;
  }
  store<u8>(o, 0x0a);
  return o + 1;
}
