/**
 * Typed errors. A finding is data; an exception is a bug or an environment failure. Each error
 * says what went wrong and what to do, and keeps the underlying cause.
 */

export class HindsightError extends Error {
  override readonly name: string = 'HindsightError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Bad command-line usage or configuration: exit code 2. */
export class UsageError extends HindsightError {
  override readonly name = 'UsageError';
}

export class ConfigError extends HindsightError {
  override readonly name = 'ConfigError';
}

/** One input could not be read; the rest of the work goes on and the run is partial (exit 3). */
export class SourceError extends HindsightError {
  override readonly name: string = 'SourceError';
  /** The file, URL or object the error is about, as the user would name it. */
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.source = source;
  }
}

/**
 * A file hindsight was asked to write (a report, a snapshot, a fixed manifest) could not be
 * written safely; the file is left as it was.
 */
export class OutputError extends HindsightError {
  override readonly name = 'OutputError';
  /** The file as the user named it. */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/**
 * A Prometheus query failed after its retries (unreachable, timed out, HTTP or PromQL error).
 * `source` is the Prometheus URL; `query` the PromQL, for the user to run it themselves.
 */
export class PrometheusQueryError extends SourceError {
  override readonly name = 'PrometheusQueryError';
  readonly query: string;
  /** HTTP status when Prometheus answered, undefined for network errors and timeouts. */
  readonly status: number | undefined;
  constructor(
    source: string,
    query: string,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(source, message, options);
    this.query = query;
    this.status = options?.status;
  }
}

/** The one-line form users see: `examples/bad.yaml: line 3: bad indentation`. */
export function describeError(error: unknown): string {
  if (error instanceof SourceError) return `${error.source}: ${error.message}`;
  if (error instanceof OutputError) return `${error.path}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
