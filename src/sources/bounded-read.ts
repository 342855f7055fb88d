/**
 * Reading the user's local inputs so that no input can hold a run or its memory: only regular
 * files are opened (a device, FIFO or socket — named directly, met in a directory walk or behind
 * a symlink — is skipped, saying what it is), every read is capped per file and against a budget
 * for the whole run, stdin is streamed under the same caps and stops at them, and binary data is
 * recognised before a parser sees it.
 *
 * `/dev/urandom` as an argument used to be read until memory ran out, `/dev/zero` and a FIFO
 * until the run was killed: a size from stat() says nothing about a device, so the type is
 * checked first, and the file is opened with O_NONBLOCK so that a path swapped for a FIFO
 * between the check and the open cannot block the open either.
 */
import { isUtf8 } from 'node:buffer';
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { SourceError } from '../core/errors.ts';
import { describeFileType, describeFsError, formatSize } from './fs-errors.ts';

/** Largest single input (file or stdin) read by default: a manifest that big is a mistake. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 2 ** 20;
/** Largest total of all inputs of one run read by default (`--max-input-size`). */
export const DEFAULT_MAX_INPUT_BYTES = 2 * 2 ** 30;
/** How much of an input the binary check looks at for invalid UTF-8 and control characters. */
export const BINARY_CHECK_BYTES = 64 * 1024;

/** What the inputs of one run have used of their total limit. */
export class InputBudget {
  readonly limit: number;
  used = 0;
  constructor(limit: number = DEFAULT_MAX_INPUT_BYTES) {
    this.limit = limit;
  }
  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }
}

/** The limits one read is under. */
export interface ReadCaps {
  /** Largest input read (`--max-file-size`). */
  maxFileBytes: number;
  /** The run's total (`--max-input-size`); the bytes read are taken from it. */
  budget: InputBudget;
  /** What the per-file limit is for, in messages: `manifest`, `certificate or kubeconfig`. */
  what: string;
  /** Added to "permission denied" (certificate directories are root-only). */
  permissionHint?: string;
}

/** A read: the bytes, or one error naming the input; `notAFile` when it was skipped for its type. */
export type ReadResult = { ok: true; bytes: Buffer } | { ok: false; error: SourceError; notAFile?: string };

const FOLLOW_UP_CHUNK = 64 * 1024;

function failure(path: string, message: string, cause?: unknown): ReadResult {
  return { ok: false, error: new SourceError(path, message, cause === undefined ? undefined : { cause }) };
}

function notAFile(path: string, type: string): ReadResult {
  return {
    ok: false,
    notAFile: type,
    error: new SourceError(path, `is ${type}, not a file: skipped`),
  };
}

function overFileLimit(size: number, caps: ReadCaps): string {
  return `file is ${formatSize(size)}, over the ${formatSize(caps.maxFileBytes)} limit for one ${caps.what} file (--max-file-size)`;
}

function overRunLimit(size: number, budget: InputBudget): string {
  return `not read: its ${formatSize(size)} would take this run's inputs over the ${formatSize(budget.limit)} limit for all inputs together (--max-input-size; ${formatSize(budget.used)} read so far)`;
}

/** Why `size` bytes cannot be read under `caps`, if they cannot. */
function sizeProblem(size: number, caps: ReadCaps): string | undefined {
  if (size > caps.maxFileBytes) return overFileLimit(size, caps);
  if (size > caps.budget.remaining) return overRunLimit(size, caps.budget);
  return undefined;
}

/**
 * Reads a whole regular file under `caps`. Devices, FIFOs and sockets (also behind symlinks) are
 * never opened; a file over a limit is refused before it is read, and one that grows past a limit
 * while being read is refused when it does.
 */
export async function readRegularFile(path: string, caps: ReadCaps): Promise<ReadResult> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return failure(path, 'is a directory');
    const type = describeFileType(info);
    if (type) return notAFile(path, type);
    size = info.size;
  } catch (error) {
    return failure(path, describeFsError(error, caps.permissionHint), error);
  }
  const before = sizeProblem(size, caps);
  if (before) return failure(path, before);
  let handle: FileHandle;
  try {
    // O_NONBLOCK: were the path swapped for a FIFO after the stat, the open still returns at once.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return failure(path, describeFsError(error, caps.permissionHint), error);
  }
  try {
    const info = await handle.stat();
    const type = describeFileType(info);
    if (type) return notAFile(path, type);
    const problem = sizeProblem(info.size, caps);
    if (problem) return failure(path, problem);
    const cap = Math.min(caps.maxFileBytes, caps.budget.remaining);
    const chunks: Buffer[] = [];
    let total = 0;
    // One read of the whole file (plus a byte, to see it grow), then small ones if it did grow.
    let want = Math.min(info.size, cap) + 1;
    for (;;) {
      const chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(chunk, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? chunk : chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > cap) {
        return failure(
          path,
          total > caps.maxFileBytes ? overFileLimit(total, caps) : overRunLimit(total, caps.budget),
        );
      }
      want = FOLLOW_UP_CHUNK;
    }
    caps.budget.used += total;
    const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
    return { ok: true, bytes };
  } catch (error) {
    return failure(path, describeFsError(error, caps.permissionHint), error);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a stream (stdin) under `caps`, stopping at the cap instead of buffering whatever comes.
 * With `refuseBinary`, it also stops as soon as the data is recognisably binary.
 */
export async function readStreamCapped(
  stream: AsyncIterable<Buffer | string>,
  source: string,
  caps: ReadCaps & { refuseBinary?: boolean },
): Promise<ReadResult> {
  const cap = Math.min(caps.maxFileBytes, caps.budget.remaining);
  const chunks: Buffer[] = [];
  let total = 0;
  let checked = false;
  for await (const piece of stream) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    chunks.push(chunk);
    total += chunk.length;
    if (total > cap) {
      const message =
        cap === caps.maxFileBytes
          ? `over the ${formatSize(caps.maxFileBytes)} limit for one input (--max-file-size); stopped reading it`
          : `over what is left (${formatSize(cap)}) of the ${formatSize(caps.budget.limit)} limit for all inputs together (--max-input-size); stopped reading it`;
      // Leaving the loop ends the iteration: the stream is closed, the writer gets EPIPE.
      return failure(source, message);
    }
    if (caps.refuseBinary && !checked && (chunk.includes(0) || total >= BINARY_CHECK_BYTES)) {
      checked = true;
      const binary = binaryProblem(Buffer.concat(chunks, total));
      if (binary) return failure(source, binary);
    }
  }
  caps.budget.used += total;
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

/** True when `head` is valid UTF-8, allowing a character cut at its end when it was cut. */
function isUtf8Head(head: Buffer, cut: boolean): boolean {
  if (isUtf8(head)) return true;
  if (!cut) return false;
  for (let drop = 1; drop <= 3 && drop < head.length; drop++) {
    if (isUtf8(head.subarray(0, head.length - drop))) return true;
  }
  return false;
}

/**
 * Why `bytes` are not YAML or JSON text, if they are recognisably binary: a NUL byte anywhere,
 * or in the first 64 KiB invalid UTF-8 or more than 1% control characters (YAML allows none but
 * tab, CR and LF; a few stray ones are left to the parser, which names their line).
 */
export function binaryProblem(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return 'binary file, not YAML or JSON (UTF-16 text: convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8)';
  if (bytes.includes(0)) return 'binary file, not YAML or JSON (contains NUL bytes)';
  const head = bytes.subarray(0, BINARY_CHECK_BYTES);
  if (!isUtf8Head(head, head.length < bytes.length)) return 'binary file, not YAML or JSON (not valid UTF-8)';
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i] as number;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) controls++;
  }
  if (controls >= 8 && controls * 100 > head.length)
    return `binary file, not YAML or JSON (${controls} control characters in the first ${formatSize(head.length)})`;
  return undefined;
}
