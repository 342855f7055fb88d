/**
 * Writing a file the user owns (a fixed manifest, a report, a snapshot) so that it is never
 * lost, never half-written and never swapped for something else:
 * - the new content goes to a temporary file created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW,
 *   random name, same directory, mode 0600 until done), is flushed to disk, then renamed over
 *   the target; a planted file or link at the temporary name makes the write fail, never
 *   follow it;
 * - a symbolic link is kept: its target is written;
 * - mode and owner are kept; where the owner cannot be kept (not root), the file has other
 *   hard links, or the directory may not be written but the file may, the file is rewritten in
 *   place instead, so every link and the owner stay;
 * - a file without write permission is refused unless forced;
 * - with `expected`, a file that changed since it was read is refused, checked again just
 *   before the rename.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readFile, readlink, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputError } from '../core/errors.ts';

export interface SafeWriteOptions {
  /** The bytes the file held when it was read: the write is refused when it holds others now. */
  expected?: string | Buffer;
  /** Write a file that has no write permission bit. */
  force?: boolean;
}

const CREATE_EXCLUSIVE = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW;

/** Writes `content` to `path` as described above; throws OutputError naming the file and why. */
export async function writeFileSafely(
  path: string,
  content: string | Buffer,
  options: SafeWriteOptions = {},
): Promise<void> {
  const target = await resolveTarget(path);
  const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new OutputError(path, describeWriteError(error));
  });
  if (existing) {
    if (!existing.isFile()) throw new OutputError(path, `${fileKind(existing)}, not a regular file`);
    if ((existing.mode & 0o222) === 0 && !options.force) {
      throw new OutputError(
        path,
        `is read-only (mode ${(existing.mode & 0o777).toString(8).padStart(4, '0')}); make it writable or pass --force`,
      );
    }
  } else if (options.expected !== undefined) {
    throw new OutputError(path, 'was removed since hindsight read it; left alone');
  }
  await refuseIfChanged(path, target, options.expected);

  const ownerDiffers =
    existing !== undefined &&
    typeof process.getuid === 'function' &&
    process.getuid() !== 0 &&
    (existing.uid !== process.getuid() ||
      (typeof process.getgid === 'function' && existing.gid !== process.getgid()));
  if (existing && (existing.nlink > 1 || ownerDiffers)) {
    await rewriteInPlace(path, target, content, options.expected);
    return;
  }

  const tmp = join(dirname(target), `.${basename(target)}.hindsight-${randomBytes(8).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, CREATE_EXCLUSIVE, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A directory we may not write in, holding a file we may: edit the file itself, as editors do.
    if (existing && (code === 'EACCES' || code === 'EPERM')) {
      await rewriteInPlace(path, target, content, options.expected);
      return;
    }
    throw new OutputError(path, describeWriteError(error, dirname(target)), { cause: error });
  }
  try {
    await handle.writeFile(content);
    if (existing) {
      await handle.chmod(existing.mode & 0o7777);
      if (process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid);
    } else {
      await handle.chmod(0o666 & ~process.umask());
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await refuseIfChanged(path, target, options.expected);
    await rename(tmp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    if (error instanceof OutputError) throw error;
    throw new OutputError(path, describeWriteError(error, dirname(target)), { cause: error });
  }
  await syncDirectory(dirname(target));
}

/** The file a write to `path` lands in: `path` itself, or the file its symbolic links lead to. */
async function resolveTarget(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new OutputError(path, describeWriteError(error));
    });
    if (!info?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw new OutputError(path, 'too many levels of symbolic links');
}

async function refuseIfChanged(
  path: string,
  target: string,
  expected: string | Buffer | undefined,
): Promise<void> {
  if (expected === undefined) return;
  const now = await readFile(target).catch(() => undefined);
  const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  if (!now?.equals(want)) {
    throw new OutputError(path, 'changed since hindsight read it; left alone (run the command again)');
  }
}

/** Rewrites the file's own inode: keeps its owner and every hard link, at the cost of atomicity. */
async function rewriteInPlace(
  path: string,
  target: string,
  content: string | Buffer,
  expected: string | Buffer | undefined,
): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(target, constants.O_RDWR | constants.O_NOFOLLOW);
    if (expected !== undefined) {
      const now = await handle.readFile();
      const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
      if (!now.equals(want))
        throw new OutputError(path, 'changed since hindsight read it; left alone (run the command again)');
    }
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await handle.truncate(0);
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.sync();
  } catch (error) {
    if (error instanceof OutputError) throw error;
    throw new OutputError(path, describeWriteError(error, dirname(target)), { cause: error });
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; some file systems refuse to open a directory: best effort.
  const handle = await open(dir, constants.O_RDONLY).catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

function fileKind(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isDirectory()) return 'is a directory';
  if (info.isFIFO()) return 'is a FIFO';
  if (info.isSocket()) return 'is a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'is a device';
  return 'is not a regular file';
}

function describeWriteError(error: unknown, dir?: string): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return dir ? `permission denied: cannot write in ${dir}` : 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENOENT':
      return dir ? `directory ${dir} does not exist` : 'no such file or directory';
    case 'EEXIST':
      return 'a file appeared at the temporary name (a planted file or link?); nothing was written';
    case 'ELOOP':
      return 'a symbolic link is in the way of the temporary file; nothing was written';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.message ?? String(error);
  }
}
