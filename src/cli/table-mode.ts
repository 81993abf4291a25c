/**
 * The smaps table (-X, -XX, -c, -C) and the rc file (-c, -C, -n, -N): the
 * side of the command the default, -x and -d modes never run. main.ts
 * loads it only for those options, so the build makes it a file of its own
 * (dist/lazy-cli-table-mode.js, with a code cache of its own) and a plain
 * run neither reads nor deserialises it.
 */
export { SmapsTableRun } from '../format/smaps-table.js';
export { createRcFile, defaultRcPath, loadRcFile, tableConfig } from './rc.js';
