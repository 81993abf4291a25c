/**
 * The process-level entry: run main() and turn anything unexpected into one
 * clear line on stderr and exit status 1, never a stack trace.
 */
import { main } from './main.js';
import { programName } from './messages.js';
import { subcommandLoader } from './subcommands.js';

export function run(): void {
  const loadSubcommand = subcommandLoader(process.argv[2]);
  const started = loadSubcommand
    ? loadSubcommand().then((sub) => sub.run(process.argv.slice(3), process.env, programName(process.argv[1])))
    : main(process.argv, process.env);
  started.then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      const name = programName(process.argv[1]);
      const detail = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${name}: internal error: ${detail}\n`);
      if (process.env.TSPMAP_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    },
  );
}

/** For the build's code-cache step (scripts/code-cache.cjs), which runs each mode once. */
export { main };
