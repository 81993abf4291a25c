/**
 * Writing the report file (`tspmap report -o FILE`): the one place the
 * report touches the filesystem outside /proc.
 */
import { writeFileSync } from 'node:fs';

/** Write the text as UTF-8; null on success, else the reason. */
export function writeReportFile(path: string, text: string): string | null {
  try {
    writeFileSync(path, text, 'utf8');
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const reasons: Record<string, string> = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory', EROFS: 'Read-only file system', ENOSPC: 'No space left on device' };
    return reasons[code] ?? code;
  }
}
