/** The extension part of --help (issue 5). */
export function extensionHelp(): string {
  return '';
}
