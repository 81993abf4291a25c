/**
 * pmap's texts. Every message starts with the name tspmap was invoked by, as
 * pmap's start with program_invocation_short_name.
 */
import { basename } from 'node:path';

export const PROCPS_VERSION = '4.0.2';

/** The basename of the script path, without a ".js"-style extension. */
export function programName(scriptPath: string | undefined): string {
  const base = basename(scriptPath ?? 'tspmap');
  return base.replace(/\.(?:c|m)?js$/, '') || 'tspmap';
}

export function usageText(name: string): string {
  return (
    '\nUsage:\n' +
    ` ${name} [options] PID [PID ...]\n` +
    '\nOptions:\n' +
    ' -x, --extended              show details\n' +
    ' -X                          show even more details\n' +
    '            WARNING: format changes according to /proc/PID/smaps\n' +
    ' -XX                         show everything the kernel provides\n' +
    ' -c, --read-rc               read the default rc\n' +
    ' -C, --read-rc-from=<file>   read the rc from file\n' +
    ' -n, --create-rc             create new default rc\n' +
    ' -N, --create-rc-to=<file>   create new rc to file\n' +
    '            NOTE: pid arguments are not allowed with -n, -N\n' +
    ' -d, --device                show the device format\n' +
    ' -q, --quiet                 do not display header and footer\n' +
    ' -p, --show-path             show path in the mapping\n' +
    ' -A, --range=<low>[,<high>]  limit results to the given range\n' +
    '\n' +
    ' -h, --help     display this help and exit\n' +
    ' -V, --version  output version information and exit\n' +
    '\nFor more details see pmap(1).\n'
  );
}

export function versionText(name: string): string {
  return `${name} from procps-ng ${PROCPS_VERSION}\n`;
}

export const MESSAGES = {
  exclusive: 'options -c, -C, -d, -n, -N, -x, -X are mutually exclusive',
  exclusiveWithCreate: 'options -p, -q are mutually exclusive with -n, -N',
  tooMany: 'too many arguments',
  missing: 'argument missing',
  rIgnored: 'option -r is ignored as SunOS compatibility',
  libraryFailed: 'library failed pids statistics',
  rangeParse: (arg: string) => `failed to parse argument: '${arg}'`,
} as const;
