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

/**
 * The LC_CTYPE data of `name` (already spelled as the archive stores it,
 * codeset normalised), or null when the archive does not hold it. The hash
 * table is walked in full: it holds a few hundred entries at most.
 */
export function archivedCtype(archive: Buffer, name: string, littleEndian: boolean): Buffer | null {
  const word = (at: number): number => (littleEndian ? archive.readUInt32LE(at) : archive.readUInt32BE(at));
  if (archive.length < 56 || word(0) !== ARCHIVE_MAGIC) return null;
  const table = word(NAMEHASH_OFFSET_AT);
  const size = word(NAMEHASH_SIZE_AT);
  if (table + size * NAMEHASH_ENTRY > archive.length) return null;
  const wanted = Buffer.from(`${name}\0`, 'latin1');
  for (let entry = table; entry < table + size * NAMEHASH_ENTRY; entry += NAMEHASH_ENTRY) {
    const nameAt = word(entry + 4);
    if (nameAt === 0 || nameAt + wanted.length > archive.length) continue;
    if (!archive.subarray(nameAt, nameAt + wanted.length).equals(wanted)) continue;
    const record = word(entry + 8);
    if (record + RECORD_FIRST_CATEGORY_AT + 8 > archive.length) return null;
    const offset = word(record + RECORD_FIRST_CATEGORY_AT);
    const length = word(record + RECORD_FIRST_CATEGORY_AT + 4);
    return offset + length <= archive.length && length > 0 ? archive.subarray(offset, offset + length) : null;
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
