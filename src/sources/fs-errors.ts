/** How file-system failures, file types and sizes are said to users, for every reader of local files. */

export function describeFsError(error: unknown, permissionHint = ''): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return `permission denied${permissionHint ? ` (${permissionHint})` : ''}`;
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links (a symlink loop?)';
    default:
      return (error as Error).message;
  }
}

/** The parts of fs.Stats that say what a path is. */
export interface FileTypeInfo {
  isFile(): boolean;
  isDirectory(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}

/**
 * What a path that is neither a regular file nor a directory is, as a phrase (`a character
 * device`); undefined for regular files and directories. Reading a device or a FIFO can block
 * forever (`/dev/zero`, a pipe nobody writes to) or never end (`/dev/urandom`), so readers skip them.
 */
export function describeFileType(info: FileTypeInfo): string | undefined {
  if (info.isFile() || info.isDirectory()) return undefined;
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** `10 s`, `0.5 s`, `120 s`: a limit as messages state it, always in seconds. */
export function formatLimit(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** `256 MiB`, `64 KiB`, `2 GiB`, `100 bytes`: a size or a size limit as messages state it. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}
