import { writeFileSafely } from '../fixes/safe-write.ts';

/**
 * Writes a report or generated manifest: through an exclusively created temporary file and a
 * rename, so a reader never sees half a report and a planted link is never followed; an
 * existing file keeps its mode and owner, a symbolic link its target (see fixes/safe-write.ts).
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await writeFileSafely(path, content);
}
