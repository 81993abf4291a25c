/**
 * Exact unsigned 64-bit arithmetic with C's wrap-around, kept off BigInt on
 * the hot path: a value is a plain number while it is at most 2^53 - 1 and a
 * bigint only above that (addresses such as [vsyscall]'s ffffffffff600000, or
 * hand-made totals). JavaScript compares and prints numbers and bigints
 * together correctly, so only arithmetic needs these helpers.
 */
export type U64 = number | bigint;

const MASK64 = (1n << 64n) - 1n;
const SAFE = Number.MAX_SAFE_INTEGER;
export const U64_MAX: U64 = MASK64;

/** Canonical form: a number whenever the value is exactly representable. */
export function normalize(value: bigint): U64 {
  const wrapped = value & MASK64;
  return wrapped <= BigInt(SAFE) ? Number(wrapped) : wrapped;
}

export function toBig(value: U64): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

/** a + b modulo 2^64, as C's unsigned long addition. */
export function add(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (sum <= SAFE) return sum;
  }
  return normalize(toBig(a) + toBig(b));
}

/** a - b modulo 2^64, as C's unsigned long subtraction. */
export function sub(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number' && a >= b) return a - b;
  return normalize(toBig(a) - toBig(b));
}

/** a >> 10: kilobytes from bytes. */
export function shr10(a: U64): U64 {
  if (typeof a === 'number') return Math.floor(a / 1024);
  return normalize(a >> 10n);
}

/** Truncate to C's unsigned int (32 bits), as scanf's %x store does. */
export function toU32(value: U64): number {
  if (typeof value === 'number') return value < 0x1_0000_0000 ? value : value % 0x1_0000_0000;
  return Number(value & 0xffff_ffffn);
}
