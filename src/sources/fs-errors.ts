/** How file-system failures and sizes are said to users, for every reader of local files. */

export function describeFsError(error: unknown, permissionHint = ''): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return `permission denied${permissionHint ? ` (${permissionHint})` : ''}`;
    case 'EISDIR':
      return 'is a directory';
    default:
      return (error as Error).message;
  }
}

export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(0)} MiB`
    : `${(bytes / 1024).toFixed(0)} KiB`;
}
