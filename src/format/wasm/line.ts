/**
 * AssemblyScript (see rows.ts): the scanner for a mapping line exactly as
 * the kernel formats it, taking the lines parse/maps-fast.ts's
 * scanKernelMapsLine() takes (test/unit/wasm-rows.test.ts holds the two to
 * the same answers), less the two kinds BasicBytes also leaves to the
 * exact path: an end below the start, and a SysV name on major 0.
 */

/** fgets(mapbuf, 1024, ...) reads at most 1023 bytes of a line at once. */
export const FGETS_LINE_MAX: u32 = 1023;
/** The digit limits of scanKernelMapsLine (values stay exact as doubles there). */
const HEX_DIGITS_MAX: u32 = 13;
const DEVICE_DIGITS_MAX: u32 = 7;
const DEC_DIGITS_MAX: u32 = 15;

/** What a scanner returns for a line it does not take. */
export const DECLINE: u32 = 0xffffffff;
/** nameStart()'s answers for the two labels. */
export const NAME_ANON: i32 = -1;
export const NAME_STACK: i32 = -2;

/** The process's options (configure() in rows.ts). */
let showPath = false;
let kernelNames = false;
let startStack: u64 = 0;

export function setNameOptions(fullPath: bool, kernel: bool, stack: u64): void {
  showPath = fullPath;
  kernelNames = kernel;
  startStack = stack;
}

/** The last line scanMappingLine() took: values, and positions in memory. */
export let start: u64 = 0;
export let end: u64 = 0;
export let startTo: u32 = 0;
export let permsAt: u32 = 0;
export let offsetFrom: u32 = 0;
export let offsetTo: u32 = 0;
export let major: u32 = 0;
export let minor: u32 = 0;
export let nameFrom: u32 = 0;
let firstSlash: i32 = -1;
let lastSlash: i32 = -1;

/** Each byte's value as a lower-case hex digit (as the kernel prints them), 0xff for any other byte. */
const HEX_VALUES = memory.data<u8>([
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
]);

@inline function hexDigit(code: u32): u32 {
  return load<u8>(HEX_VALUES + code);
}

/** Where the last hexField() stopped. */
let fieldEnd: u32 = 0;

/** The hex digits from `at` and their value (meaningless past 16 digits); fieldEnd is one past them. */
@inline function hexField(at: u32): u64 {
  let value: u64 = 0;
  let digit: u32;
  while ((digit = hexDigit(load<u8>(at))) != 0xff) {
    value = (value << 4) | <u64>digit;
    at++;
  }
  fieldEnd = at;
  return value;
}

/**
 * The mapping line at pos, where a newline sits at `to` as a sentinel: its
 * newline's index, or DECLINE. "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu "
 * and a space-padded name of printable bytes (so pmap's "?" sanitising has
 * nothing to do in any locale).
 */
export function scanMappingLine(pos: u32, to: u32): u32 {
  start = hexField(pos);
  startTo = fieldEnd;
  if (startTo == pos || startTo - pos > HEX_DIGITS_MAX || load<u8>(startTo) != 0x2d) return DECLINE;
  const endFrom = startTo + 1;
  end = hexField(endFrom);
  if (fieldEnd == endFrom || fieldEnd - endFrom > HEX_DIGITS_MAX || load<u8>(fieldEnd) != 0x20) return DECLINE;
  permsAt = fieldEnd + 1;
  for (let i: u32 = 0; i < 4; i++) {
    const code = load<u8>(permsAt + i);
    if (code <= 0x20 || code >= 0x7f) return DECLINE;
  }
  if (load<u8>(permsAt + 4) != 0x20) return DECLINE;
  offsetFrom = permsAt + 5;
  hexField(offsetFrom);
  offsetTo = fieldEnd;
  if (offsetTo == offsetFrom || offsetTo - offsetFrom > HEX_DIGITS_MAX || load<u8>(offsetTo) != 0x20) return DECLINE;
  const majorFrom = offsetTo + 1;
  major = <u32>hexField(majorFrom);
  if (fieldEnd == majorFrom || fieldEnd - majorFrom > DEVICE_DIGITS_MAX || load<u8>(fieldEnd) != 0x3a) return DECLINE;
  const minorFrom = fieldEnd + 1;
  minor = <u32>hexField(minorFrom);
  if (fieldEnd == minorFrom || fieldEnd - minorFrom > DEVICE_DIGITS_MAX || load<u8>(fieldEnd) != 0x20) return DECLINE;
  const inodeFrom = fieldEnd + 1;
  let at = inodeFrom;
  while (<u32>load<u8>(at) - 0x30 < 10) at++;
  let code = <u32>load<u8>(at);
  if (at == inodeFrom || at - inodeFrom > DEC_DIGITS_MAX || (code != 0x0a && code != 0x20)) return DECLINE;
  while (load<u8>(at) == 0x20) at++;
  nameFrom = at;
  let first: i32 = -1;
  let last: i32 = -1;
  let slashS = false;
  while ((code = load<u8>(at)) != 0x0a) {
    if (code - 0x20 > 0x5e) return DECLINE;
    if (code == 0x2f) {
      if (first < 0) first = <i32>at;
      last = <i32>at;
      slashS |= load<u8>(at + 1) == 0x53;
    }
    at++;
  }
  firstSlash = first;
  lastSlash = last;
  const nl = at;
  if (nl >= to || nl - pos + 1 > FGETS_LINE_MAX || end < start) return DECLINE;
  // SysV shared memory is named from the inode: the caller's exact path.
  if (major == 0 && slashS && hasSysvMarker(nameFrom, nl)) return DECLINE;
  return nl;
}

/**
 * mapping_name() of the line just scanned: where its printed name starts
 * (the path's last part, the path with -p, a kernel name with -k), or
 * NAME_ANON / NAME_STACK.
 */
export function nameStart(pos: u32, nl: u32): i32 {
  if (lastSlash >= 0) return showPath ? firstSlash : <u32>lastSlash + 1 < nl ? lastSlash + 1 : lastSlash;
  if (kernelNames && nl > nameFrom && load<u8>(nl - 1) == 0x5d) {
    for (let at = pos; at < nl; at++) if (load<u8>(at) == 0x5b) return <i32>at;
  }
  return startStack >= start && startStack <= end ? NAME_STACK : NAME_ANON;
}

/** Whether [from, to) contains "/SYSV". */
function hasSysvMarker(from: u32, to: u32): bool {
  for (let at = from; at + 5 <= to; at++) {
    if (load<u8>(at) == 0x2f && load<u8>(at + 1) == 0x53 && load<u8>(at + 2) == 0x59 && load<u8>(at + 3) == 0x53 && load<u8>(at + 4) == 0x56) {
      return true;
    }
  }
  return false;
}
