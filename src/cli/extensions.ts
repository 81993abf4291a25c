/** --json and --summary dispatch (issue 5). */
export async function runExtensions(context: unknown): Promise<number> {
  void context;
  throw new Error('--json/--summary are not implemented yet');
}
