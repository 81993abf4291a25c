/**
 * The vocabulary of pmap's smaps outputs, in one place: the headings of the
 * -X/-XX/-c table's columns, the smaps field names pmap knows, which of them
 * -X leaves out, and the entries of the rc file template. tspmap has no
 * message catalog, so these are pmap's untranslated texts.
 */

/**
 * Headings of the table's columns that do not come from smaps field lines,
 * as pmap's nls_* strings. Perm, Offset, Device, Inode, VmFlags and Mapping
 * double as the rc file's names for those columns.
 */
export const HEADING = {
  address: 'Address',
  perm: 'Perm',
  offset: 'Offset',
  device: 'Device',
  inode: 'Inode',
  vmFlags: 'VmFlags',
  mapping: 'Mapping',
} as const;

/**
 * The "Name: N kB" fields of smaps that pmap's rc template lists, in its
 * order. The table shows whatever fields the kernel writes; these are only
 * the ones pmap names.
 */
export const SMAPS_FIELDS = [
  'Size', 'Rss', 'Pss', 'Shared_Clean', 'Shared_Dirty', 'Private_Clean', 'Private_Dirty',
  'Referenced', 'Anonymous', 'AnonHugePages', 'Swap', 'KernelPageSize', 'MMUPageSize', 'Locked',
] as const;

/** One of the smaps field names pmap knows. */
export type SmapsFieldName = (typeof SMAPS_FIELDS)[number];

/**
 * Fields that -X (exactly one X) leaves out: pmap's is_unimportant(). Every
 * other field shows, including ones pmap does not know.
 */
export const UNIMPORTANT_FIELDS: ReadonlySet<string> = new Set<string>([
  'AnonHugePages', 'KernelPageSize', 'MMUPageSize', 'Shared_Dirty', 'Private_Dirty',
  'Shared_Clean', 'Private_Clean', HEADING.vmFlags,
] satisfies string[]);

/**
 * The [Fields Display] entries of the rc file pmap -n writes, in its order:
 * the header line's columns, the smaps fields, VmFlags and Mapping.
 */
export const RC_TEMPLATE_FIELDS: readonly string[] = [
  HEADING.perm, HEADING.offset, HEADING.device, HEADING.inode,
  ...SMAPS_FIELDS,
  HEADING.vmFlags, HEADING.mapping,
];
