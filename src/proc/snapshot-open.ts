/** The lazily loaded entry point for --snapshot: opening a file at a sample. */
export { openSnapshot } from './snapshot.js';
export { SnapshotError } from './snapshot-container.js';
