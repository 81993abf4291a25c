/**
 * The rc file pmap -n / -N writes, byte for byte. pmap fills the column
 * headings (Perm, Offset, Device, Inode, Mapping) from its message catalog;
 * tspmap prints pmap's untranslated texts everywhere (model/fields.ts).
 */
import { RC_TEMPLATE_FIELDS } from '../model/fields.js';

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
  RC_TEMPLATE_FIELDS.map((field) => `#${field}\n`).join('') +
  '\n' +
  '\n' +
  '[Mapping]\n' +
  '\n' +
  '# to show paths in the mapping column uncomment the following line\n' +
  '#ShowPath\n' +
  '\n';
