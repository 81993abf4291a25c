/**
 * commander for the subcommands, with errors turned into a status instead of
 * process.exit, so each subcommand ends through entry.ts. It is bundled
 * into the subcommands' lazily loaded chunks only, so pmap's modes never
 * load it.
 */
import * as commander from 'commander';

export type Commander = typeof commander;
export type Command = InstanceType<Commander['Command']>;

export function loadCommander(): Commander {
  return commander;
}

/** Usage errors of the subcommands (commander's own errors exit with it too). */
export const USAGE_STATUS = 1;

/** Parse; returns null when the command should go on, else the exit status (help: 0, errors: 1). */
export function parseCommand(command: Command, args: readonly string[]): number | null {
  command.exitOverride().configureOutput({
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
  });
  try {
    command.parse([...args], { from: 'user' });
    return null;
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : USAGE_STATUS;
  }
}

/** One message line on stderr, prefixed with the program and subcommand. */
export function complain(prefix: string, message: string): void {
  process.stderr.write(`${prefix}: ${message}\n`);
}

let pipeClosed = false;

/** Whether stdout's reader has gone (EPIPE): the caller ends quietly. */
export function stdoutClosed(): boolean {
  return pipeClosed;
}

/** Write to stdout; a closed pipe is remembered rather than thrown. */
export function writeOut(text: string): void {
  if (pipeClosed) return;
  if (process.stdout.listenerCount('error') === 0) {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') pipeClosed = true;
      else throw error;
    });
  }
  process.stdout.write(text);
}
