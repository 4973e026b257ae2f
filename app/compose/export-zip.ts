import { strToU8, zipSync } from 'fflate';
import type { ExportResult } from './types.ts';

/**
 * The export as one archive: the Compose file, its .env of placeholders and, when something could
 * not be exported as it is, the warnings. Small text files, so it is built in memory at once.
 */
export function exportZip(result: ExportResult): Uint8Array {
  const files: Record<string, Uint8Array> = {
    [result.filename]: strToU8(result.content),
    [result.env_filename]: strToU8(result.env_content),
  };
  if (result.warnings.length > 0) files['warnings.txt'] = strToU8(result.warnings.map((warning) => `${warning}\n`).join(''));
  // A fixed time keeps archives of the same export byte-for-byte equal.
  return zipSync(files, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
}
