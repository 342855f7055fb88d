/**
 * `--max-file-size` and `--max-input-size`, the read limits of every command that reads local
 * files and stdin (scan, fix, certs), and their conversion into the readers' options. Sizes are
 * written as Kubernetes quantities, like `--prometheus-max-response-size`: 256Mi, 2Gi, 500M.
 */
import { Option } from 'commander';
import { UsageError } from '../core/errors.ts';
import { parseQuantity } from '../core/quantity.ts';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_INPUT_BYTES } from '../sources/bounded-read.ts';

/** What commander hands a command for the options below. */
export interface ReadLimitFlagValues {
  maxFileSize?: string;
  maxInputSize?: string;
}

/** The readers' options for the flags given (absent when the flag is). */
export interface ReadLimits {
  maxFileBytes?: number;
  maxInputBytes?: number;
}

/** `256Mi` for 256 MiB: a default as the flag takes it. */
function quantityText(bytes: number): string {
  return bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30}Gi` : `${bytes / 2 ** 20}Mi`;
}

export function maxFileSizeOption(extra = ''): Option {
  return new Option(
    '--max-file-size <size>',
    `largest file or stdin read, e.g. 512Mi; a bigger one is refused unread (default: ${quantityText(DEFAULT_MAX_FILE_BYTES)}${extra})`,
  );
}

export function maxInputSizeOption(): Option {
  return new Option(
    '--max-input-size <size>',
    `largest total read from all files and stdin of one run, e.g. 4Gi (default: ${quantityText(DEFAULT_MAX_INPUT_BYTES)})`,
  );
}

function sizeFlag(flag: string, text: string): number {
  const bytes = parseQuantity(text);
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 1)
    throw new UsageError(`${flag} ${text}: expected a size such as 256Mi, 2Gi or 500M`);
  return Math.floor(bytes);
}

/** The read limits for the flags given; a malformed size is a usage error. */
export function readLimits(values: ReadLimitFlagValues): ReadLimits {
  return {
    ...(values.maxFileSize !== undefined
      ? { maxFileBytes: sizeFlag('--max-file-size', values.maxFileSize) }
      : {}),
    ...(values.maxInputSize !== undefined
      ? { maxInputBytes: sizeFlag('--max-input-size', values.maxInputSize) }
      : {}),
  };
}
