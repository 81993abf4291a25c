/**
 * The rc file pmap -n / -N writes, byte for byte. pmap fills the column
 * headings (Perm, Offset, Device, Inode, Mapping) from its message catalog;
 * tspmap prints pmap's untranslated texts everywhere, so they are literal.
 */
const FIELD_ENTRIES = [
  'Perm', 'Offset', 'Device', 'Inode',
  'Size', 'Rss', 'Pss', 'Shared_Clean', 'Shared_Dirty', 'Private_Clean', 'Private_Dirty',
  'Referenced', 'Anonymous', 'AnonHugePages', 'Swap', 'KernelPageSize', 'MMUPageSize',
  'Locked', 'VmFlags', 'Mapping',
] as const;

export const RC_TEMPLATE: string =
  "# pmap's Config File\n" +
  '\n' +
  '# All the entries are case sensitive.\n' +
  '# Unsupported entries are ignored!\n' +
  '\n' +
  '[Fields Display]\n' +
  '\n' +
  '# To enable a field uncomment its entry\n' +
  '\n' +
  FIELD_ENTRIES.map((field) => `#${field}\n`).join('') +
  '\n' +
  '\n' +
  '[Mapping]\n' +
  '\n' +
  '# to show paths in the mapping column uncomment the following line\n' +
  '#ShowPath\n' +
  '\n';
