/**
 * glibc's locale-archive (/usr/lib/locale/locale-archive), where locale-gen
 * and localedef put compiled locales by default: a header, a hash table of
 * names, and per name a record locating each category's data, which is laid
 * out as the category's own compiled file would be.
 */

/** AR_MAGIC, the archive's first word. */
const ARCHIVE_MAGIC = 0xde020109;
/** Header words: namehash_offset and namehash_size. */
const NAMEHASH_OFFSET_AT = 8;
const NAMEHASH_SIZE_AT = 16;
/** A name hash entry: hashval, name_offset, locrec_offset. */
const NAMEHASH_ENTRY = 12;
/** A locale record: refs, then (offset, len) per category, LC_CTYPE (0) first. */
const RECORD_FIRST_CATEGORY_AT = 4;

/** Reads `length` bytes at `offset` of the archive (fewer at its end). */
export type ArchiveReader = (offset: number, length: number) => Buffer;

/** Longest locale name compared; longer ones are not in any archive. */
const NAME_LIMIT = 256;

/**
 * The LC_CTYPE data of `name` (already spelled as the archive stores it,
 * codeset normalised), or null when the archive does not hold it. Archives
 * can be large (every locale of a system), so only the header, the name
 * table, the names and the one record are read. The hash table is walked
 * in full: it holds a few thousand entries at most.
 */
export function archivedCtype(read: ArchiveReader, name: string, littleEndian: boolean): Buffer | null {
  const wordOf = (buffer: Buffer, at: number): number => (littleEndian ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at));
  const header = read(0, 56);
  if (header.length < 56 || wordOf(header, 0) !== ARCHIVE_MAGIC) return null;
  const size = wordOf(header, NAMEHASH_SIZE_AT);
  const table = read(wordOf(header, NAMEHASH_OFFSET_AT), size * NAMEHASH_ENTRY);
  if (table.length < size * NAMEHASH_ENTRY || name.length >= NAME_LIMIT) return null;
  const wanted = Buffer.from(`${name}\0`, 'latin1');
  for (let entry = 0; entry < table.length; entry += NAMEHASH_ENTRY) {
    const nameAt = wordOf(table, entry + 4);
    if (nameAt === 0 || !read(nameAt, wanted.length).equals(wanted)) continue;
    const record = read(wordOf(table, entry + 8) + RECORD_FIRST_CATEGORY_AT, 8);
    if (record.length < 8) return null;
    const length = wordOf(record, 4);
    const data = length > 0 ? read(wordOf(record, 0), length) : null;
    return data !== null && data.length === length ? data : null;
  }
  return null;
}

/**
 * The codeset as _nl_normalize_codeset() spells it: letters and digits only,
 * letters in lower case, "iso" before a codeset of digits only.
 */
export function normalizedCodeset(codeset: string): string {
  const kept = codeset.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return /^[0-9]+$/.test(kept) ? `iso${kept}` : kept;
}

/** A locale name as the archive stores it: its codeset normalised. */
export function archiveName(name: string): string {
  const dot = name.indexOf('.');
  if (dot < 0 || name[dot + 1] === '@' || dot + 1 === name.length) return name;
  const at = name.indexOf('@', dot);
  const codesetEnd = at < 0 ? name.length : at;
  return name.slice(0, dot + 1) + normalizedCodeset(name.slice(dot + 1, codesetEnd)) + name.slice(codesetEnd);
}
