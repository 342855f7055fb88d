/**
 * A small Prometheus HTTP API client: instant and range queries, series and label-value
 * look-ups, with the transport a production Prometheus needs (bearer tokens that rotate on disk,
 * a private CA, gzip, a per-request deadline, bounded concurrency) and retries that only repeat
 * what can succeed on a second try: network errors, timeouts and 429/502/503/504. A PromQL error
 * (400/422) is the same on every try and fails at once with Prometheus' own text.
 *
 * Every query is sent with `stats=all`, so the client keeps a running account of what it cost
 * Prometheus (`samplesTouched`): the figure that decides whether a right-sizing run is something
 * a busy Prometheus survives. Warnings (partial responses from Thanos, Mimir, remote read, …)
 * are collected and handed back, never dropped.
 *
 * Every request is bounded (ADR 0007): a connect limit, the per-try deadline, an idle limit on
 * the body, a cap on the answer's size (decompressed, streamed: an endless answer is cut at the
 * cap, never buffered past it) and, optionally, a deadline for the whole call across its tries
 * and back-off waits.
 *
 * Only node:http/node:https/node:zlib: no HTTP library, so TLS options go straight to Node.
 */

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ConfigError, PrometheusQueryError } from '../../core/errors.ts';
import { boundedRequest, formatLimit, formatSize, RequestLimitError } from '../bounded-request.ts';
import { DEFAULT_PROMETHEUS_MAX_RESPONSE_BYTES } from './defaults.ts';

/** How to reach one Prometheus (or a Prometheus-compatible query API: Thanos, Mimir, AMP proxy). */
export interface PrometheusClientOptions {
  /** Base URL, with any path prefix: `http://prometheus:9090`, `https://host/prometheus`. */
  url: string;
  bearerToken?: string;
  /** Read again for every request: projected service-account tokens rotate on disk. */
  bearerTokenFile?: string;
  /** PEM bundle of the CA that signed Prometheus' certificate. */
  caFile?: string;
  insecureSkipVerify?: boolean;
  /** Extra headers on every request (e.g. `X-Scope-OrgID` for Mimir). */
  headers?: Readonly<Record<string, string>>;
  /** Deadline of one try, headers and body; default 60 000. */
  timeoutMs?: number;
  /**
   * Deadline of one call across all its tries and the waits between them; default none (each try
   * has `timeoutMs`). A try never runs past it, and no retry starts that could not finish in it.
   */
  totalTimeoutMs?: number;
  /** TCP connect and TLS handshake of a new connection; default 10 000 (and at most `timeoutMs`). */
  connectTimeoutMs?: number;
  /**
   * Longest silence within an answer's body; default 30 000. (Before the headers Prometheus is
   * evaluating the query: that wait is bounded by `timeoutMs` alone.)
   */
  idleTimeoutMs?: number;
  /** Largest answer read, after decompression; default 128 MiB. Past it the try fails, not retried. */
  maxResponseBytes?: number;
  /** Further tries after the first for retryable failures; default 3. */
  retries?: number;
  /** Requests in flight at once; default 2 (a right-sizing run must not crowd out dashboards). */
  concurrency?: number;
  /** Waits between tries; tests inject a fast one. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of the backoff jitter in [0, 1); default Math.random. */
  random?: () => number;
}

/** What the client's requests cost, summed over its lifetime. */
export interface PrometheusStats {
  /** HTTP requests to the API that returned (or finally failed), not counting retries. */
  queries: number;
  /** Extra tries after retryable failures. */
  retries: number;
  /** Requests that failed for good. */
  failures: number;
  /** Σ `data.stats.samples.totalQueryableSamples`: samples Prometheus had to load. */
  samplesTouched: number;
  /** Bytes on the wire (compressed). */
  bytesReceived: number;
  /** Wall-clock seconds spent in requests (overlapping requests each count). */
  seconds: number;
  /**
   * Σ `data.stats.timings.execTotalTime`: seconds Prometheus spent queueing and evaluating the
   * queries (the rest of `seconds` is encoding, transfer and decoding).
   */
  serverSeconds: number;
}

export type Labels = Readonly<Record<string, string>>;

/** One sample of an instant vector (or a scalar, with no labels). */
export interface InstantSample {
  metric: Labels;
  /** Unix seconds. */
  time: number;
  value: number;
}

/** One series of a matrix: parallel arrays of unix seconds and values. */
export interface RangeSeries {
  metric: Labels;
  times: Float64Array;
  values: Float64Array;
}

/** Result of an instant query: `vector` for vector and scalar results, `matrix` for range selectors. */
export interface QueryResult {
  resultType: 'vector' | 'scalar' | 'matrix';
  vector: InstantSample[];
  matrix: RangeSeries[];
  warnings: string[];
}

/** Result of a range query. */
export interface RangeResult {
  matrix: RangeSeries[];
  warnings: string[];
}

/** Evaluation grid of a range query: unix-second resolution via Date, step in seconds. */
export interface RangeOptions {
  start: Date;
  end: Date;
  step: number;
}

export interface PrometheusClient {
  /** The base URL as given, for messages. */
  readonly url: string;
  /** Running totals; read it after a run. */
  readonly stats: Readonly<PrometheusStats>;
  /** Every distinct warning Prometheus returned, in order of arrival. */
  readonly warnings: readonly string[];
  query(expr: string, time: Date): Promise<QueryResult>;
  queryRange(expr: string, range: RangeOptions): Promise<RangeResult>;
  /** Label sets of the series matching any of `matchers` in the window (index only: no samples). */
  series(matchers: readonly string[], window: { start: Date; end: Date }): Promise<Labels[]>;
  /** Values of `label` on series matching any of `matchers` in the window (index only). */
  labelValues(
    label: string,
    matchers: readonly string[],
    window: { start: Date; end: Date },
  ): Promise<string[]>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 15_000;
/** Longest Retry-After we honour: a longer one means "not today", and retries would only stall. */
const RETRY_AFTER_CAP_MS = 30_000;

export { DEFAULT_PROMETHEUS_MAX_RESPONSE_BYTES };

/** One failed try, classified for the retry decision and the final message. */
interface AttemptFailure {
  /** `deadline`: the call's total deadline cut the try; `too-large`: the size cap did. */
  kind: 'network' | 'timeout' | 'deadline' | 'too-large' | 'http' | 'invalid';
  retryable: boolean;
  status?: number;
  detail: string;
  retryAfterMs?: number;
  cause?: unknown;
}

class AttemptError extends Error {
  readonly failure: AttemptFailure;
  constructor(failure: AttemptFailure) {
    super(failure.detail, { cause: failure.cause });
    this.failure = failure;
  }
}

/** Creates a client. Reads `caFile` now, so a wrong path is a configuration error up front. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  return new HttpPrometheusClient(options);
}

class HttpPrometheusClient implements PrometheusClient {
  readonly url: string;
  readonly stats: PrometheusStats = {
    queries: 0,
    retries: 0,
    failures: 0,
    samplesTouched: 0,
    bytesReceived: 0,
    seconds: 0,
    serverSeconds: 0,
  };
  readonly warnings: string[] = [];
  private readonly seenWarnings = new Set<string>();
  private readonly base: URL;
  private readonly options: PrometheusClientOptions;
  private readonly timeoutMs: number;
  private readonly totalTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly retries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly slots: Array<() => void> = [];
  private readonly concurrency: number;
  private inFlight = 0;

  constructor(options: PrometheusClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch (error) {
      throw new ConfigError(
        `--prometheus ${options.url} is not a URL (expected e.g. http://prometheus:9090)`,
        {
          cause: error,
        },
      );
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new ConfigError(`--prometheus ${options.url}: only http:// and https:// URLs are supported`);
    }
    this.url = options.url;
    this.base = base;
    this.options = options;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.totalTimeoutMs = options.totalTimeoutMs ?? 0;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_PROMETHEUS_MAX_RESPONSE_BYTES;
    this.retries = Math.max(0, options.retries ?? 3);
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    if (base.protocol === 'https:') {
      let ca: Buffer | undefined;
      if (options.caFile !== undefined) {
        try {
          ca = readFileSync(options.caFile);
        } catch (error) {
          throw new ConfigError(
            `--prometheus-ca-file ${options.caFile}: cannot read it (${(error as Error).message})`,
            { cause: error },
          );
        }
      }
      this.agent = new HttpsAgent({
        keepAlive: true,
        maxSockets: this.concurrency,
        ...(ca ? { ca } : {}),
        ...(options.insecureSkipVerify ? { rejectUnauthorized: false } : {}),
      });
    } else {
      this.agent = new HttpAgent({ keepAlive: true, maxSockets: this.concurrency });
    }
  }

  async query(expr: string, time: Date): Promise<QueryResult> {
    const form = new URLSearchParams({ query: expr, time: unixSeconds(time), stats: 'all' });
    const data = await this.call('POST', 'query', form, expr);
    return parseQueryData(data.body, data.warnings, this.url, expr);
  }

  async queryRange(expr: string, range: RangeOptions): Promise<RangeResult> {
    const form = new URLSearchParams({
      query: expr,
      start: unixSeconds(range.start),
      end: unixSeconds(range.end),
      step: String(range.step),
      stats: 'all',
    });
    const data = await this.call('POST', 'query_range', form, expr);
    const parsed = parseQueryData(data.body, data.warnings, this.url, expr);
    if (parsed.resultType !== 'matrix') {
      throw new PrometheusQueryError(
        this.url,
        expr,
        `Prometheus at ${this.url} answered a range query with a ${parsed.resultType}, not a matrix`,
      );
    }
    return { matrix: parsed.matrix, warnings: parsed.warnings };
  }

  async series(matchers: readonly string[], window: { start: Date; end: Date }): Promise<Labels[]> {
    const form = new URLSearchParams({ start: unixSeconds(window.start), end: unixSeconds(window.end) });
    for (const m of matchers) form.append('match[]', m);
    const what = `series ${matchers.join(' ')}`;
    const data = await this.call('POST', 'series', form, what);
    if (!Array.isArray(data.body)) throw this.shapeError(what, 'series is not a list');
    const series: Labels[] = [];
    for (const item of data.body as unknown[]) {
      const labels = labelSet(item);
      if (!labels) throw this.shapeError(what, 'a series is not a set of string labels');
      series.push(labels);
    }
    return series;
  }

  async labelValues(
    label: string,
    matchers: readonly string[],
    window: { start: Date; end: Date },
  ): Promise<string[]> {
    const params = new URLSearchParams({ start: unixSeconds(window.start), end: unixSeconds(window.end) });
    for (const m of matchers) params.append('match[]', m);
    const what = `label values ${label} ${matchers.join(' ')}`;
    // GET only: Prometheus does not accept POST on this endpoint.
    const data = await this.call('GET', `label/${encodeURIComponent(label)}/values`, params, what);
    if (!Array.isArray(data.body)) throw this.shapeError(what, 'label values are not a list');
    if (!(data.body as unknown[]).every((v) => typeof v === 'string'))
      throw this.shapeError(what, 'a label value is not a string');
    return data.body as string[];
  }

  close(): void {
    this.agent.destroy();
  }

  private shapeError(what: string, detail: string): PrometheusQueryError {
    return new PrometheusQueryError(
      this.url,
      what,
      `Prometheus at ${this.url}: unexpected answer: ${detail}`,
    );
  }

  /** One API call with retries; returns `data` of a success envelope and its warnings. */
  private async call(
    method: 'GET' | 'POST',
    endpoint: string,
    params: URLSearchParams,
    what: string,
  ): Promise<{ body: unknown; warnings: string[] }> {
    await this.acquire();
    const started = performance.now();
    const deadline = this.totalTimeoutMs > 0 ? started + this.totalTimeoutMs : Number.POSITIVE_INFINITY;
    try {
      const tries = this.retries + 1;
      for (let attempt = 0; ; attempt++) {
        try {
          const envelope = await this.attempt(method, endpoint, params, deadline - performance.now());
          this.stats.queries++;
          return envelope;
        } catch (error) {
          if (!(error instanceof AttemptError)) throw error;
          const failure = error.failure;
          // Full jitter: clients retrying after a shared outage do not come back in lockstep.
          const backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt) * this.random();
          const wait = Math.max(backoff, failure.retryAfterMs ?? 0);
          // A retry that could not even start before the deadline is not tried.
          const outOfTime = performance.now() + wait >= deadline;
          if (!failure.retryable || attempt + 1 >= tries || outOfTime) {
            this.stats.queries++;
            this.stats.failures++;
            throw this.finalError(failure, attempt + 1, what, failure.retryable && attempt + 1 < tries);
          }
          this.stats.retries++;
          await this.sleep(wait);
        }
      }
    } finally {
      this.stats.seconds += (performance.now() - started) / 1000;
      this.release();
    }
  }

  /** `cutShort`: the failure was retryable and tries were left, but the call's deadline was not. */
  private finalError(
    failure: AttemptFailure,
    tries: number,
    what: string,
    cutShort = false,
  ): PrometheusQueryError {
    const at = `Prometheus at ${this.url}`;
    const triesText = tries === 1 ? '1 try' : `${tries} tries`;
    const total = formatLimit(this.totalTimeoutMs);
    const noRetry = cutShort ? `; no time left for another try within the ${total} deadline` : '';
    let message: string;
    switch (failure.kind) {
      case 'timeout':
        message =
          `${at} did not answer within ${formatSeconds(this.timeoutMs)} (${triesText}): ${failure.detail}${noRetry}; ` +
          'check --prometheus or raise --prometheus-timeout (a shorter window or fewer namespaces also help)';
        break;
      case 'deadline':
        message =
          `${at} did not answer within the ${total} deadline of one query (${triesText}): ${failure.detail}; ` +
          'check --prometheus or raise --prometheus-timeout (a shorter window or fewer namespaces also help)';
        break;
      case 'too-large':
        message =
          `${at}: ${failure.detail}; raise --prometheus-max-response-size, or ask for less ` +
          '(a shorter --window, or -n NAMESPACE); is --prometheus really a Prometheus API?';
        break;
      case 'network':
        message = `${at} is unreachable (${triesText}): ${failure.detail}${noRetry}; check --prometheus and that Prometheus is reachable from here`;
        break;
      case 'invalid':
        message = `${at} did not answer with Prometheus API JSON: ${failure.detail}; is --prometheus the base URL of the Prometheus HTTP API?`;
        break;
      default:
        message = `${at} answered ${failure.detail}${tries > 1 ? ` (${triesText})` : ''}${noRetry}${httpAdvice(failure.status)}`;
    }
    return new PrometheusQueryError(this.url, what, message, {
      cause: failure.cause,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
    });
  }

  private acquire(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slots.push(resolve));
  }

  private release(): void {
    const next = this.slots.shift();
    if (next) next();
    else this.inFlight--;
  }

  private async headers(form: boolean): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': 'gzip, deflate, br',
      'user-agent': 'hindsight',
      ...this.options.headers,
    };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    let token = this.options.bearerToken;
    if (this.options.bearerTokenFile !== undefined) {
      try {
        token = (await readFile(this.options.bearerTokenFile, 'utf8')).trim();
      } catch (error) {
        throw new ConfigError(
          `--prometheus-bearer-token-file ${this.options.bearerTokenFile}: cannot read it (${(error as Error).message})`,
          { cause: error },
        );
      }
    }
    if (token) headers.authorization = `Bearer ${token}`;
    return headers;
  }

  /** One try; `leftMs` is what remains of the call's deadline (Infinity without one). */
  private async attempt(
    method: 'GET' | 'POST',
    endpoint: string,
    params: URLSearchParams,
    leftMs: number,
  ): Promise<{ body: unknown; warnings: string[] }> {
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/${endpoint}`;
    const body = method === 'POST' ? Buffer.from(params.toString()) : undefined;
    if (method === 'GET') url.search = params.toString();
    const headers = await this.headers(body !== undefined);
    if (body) headers['content-length'] = String(body.length);
    const response = await this.exchange(url, method, headers, body, leftMs);
    return this.readEnvelope(response.status, response.contentType, response.body, response.retryAfterMs);
  }

  /**
   * Sends one request and reads the whole (decompressed) body under the try's limits: the try's
   * deadline (cut to what is left of the call's), connect, idle and size.
   */
  private async exchange(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    leftMs: number,
  ): Promise<{ status: number; contentType: string; body: Buffer; retryAfterMs?: number }> {
    // The call's deadline binds when it is nearer than a whole try.
    const byTotal = leftMs < this.timeoutMs;
    const deadlineMs = Math.max(1, Math.ceil(byTotal ? leftMs : this.timeoutMs));
    const request = boundedRequest(
      url,
      { method, headers, agent: this.agent },
      {
        connectTimeoutMs: Math.min(this.connectTimeoutMs, deadlineMs),
        idleTimeoutMs: Math.min(this.idleTimeoutMs, deadlineMs),
        idleBeforeHeaders: false,
        deadlineMs,
        maxBodyBytes: this.maxResponseBytes,
        decompress: true,
        onWireBytes: (n) => {
          this.stats.bytesReceived += n;
        },
        ...(body ? { body } : {}),
      },
    );
    let response: Awaited<typeof request.response>;
    try {
      response = await request.response;
    } catch (error) {
      if (!(error instanceof RequestLimitError)) throw error;
      const f = error.failure;
      const what = `${method} ${url.pathname}`;
      switch (f.kind) {
        case 'deadline':
          throw new AttemptError({
            kind: byTotal ? 'deadline' : 'timeout',
            retryable: true,
            // The call's deadline is in the final message already.
            detail: byTotal
              ? `${what} was still waiting`
              : `${what} timed out after ${formatSeconds(f.limitMs)}`,
          });
        case 'connect-timeout':
          throw new AttemptError({
            kind: 'network',
            retryable: true,
            detail: `${what}: ${f.phase === 'tcp' ? 'no TCP connection' : 'no TLS handshake'} within ${formatLimit(f.limitMs)} (connect timeout)`,
          });
        case 'idle-timeout':
          throw new AttemptError({
            kind: 'timeout',
            retryable: true,
            detail: `${what}: the answer stalled, no byte for ${formatLimit(f.limitMs)} (idle timeout)`,
          });
        case 'too-large':
          // The same question gets the same answer: not retried.
          throw new AttemptError({
            kind: 'too-large',
            retryable: false,
            detail: `the answer to ${what} exceeded ${formatSize(f.limitBytes)}; stopped reading it`,
          });
        case 'decode':
          throw new AttemptError({
            kind: 'invalid',
            retryable: false,
            detail: `the body could not be decompressed (${f.message})`,
            cause: error,
          });
        case 'network':
          throw new AttemptError({
            kind: 'network',
            retryable: true,
            detail: f.message || f.code || 'network error',
            cause: error,
          });
        case 'aborted':
          throw f.reason;
      }
    }
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return {
      status: response.status,
      contentType: String(response.headers['content-type'] ?? ''),
      body: response.body,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }

  private readEnvelope(
    status: number,
    contentType: string,
    raw: Buffer,
    retryAfterMs: number | undefined,
  ): { body: unknown; warnings: string[] } {
    let envelope: unknown;
    try {
      envelope = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      if (status >= 400) {
        // A proxy or load balancer answered, not Prometheus: judge by the status alone.
        throw new AttemptError({
          kind: 'http',
          retryable: RETRYABLE_STATUS.has(status),
          status,
          detail: `HTTP ${status}: ${snippet(raw)}`,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        });
      }
      throw new AttemptError({
        kind: 'invalid',
        retryable: false,
        status,
        detail: `HTTP ${status} ${contentType || 'without a content type'}, body ${snippet(raw)}`,
        cause: error,
      });
    }
    const env = (envelope ?? {}) as {
      status?: unknown;
      data?: unknown;
      errorType?: unknown;
      error?: unknown;
      warnings?: unknown;
    };
    const warnings = Array.isArray(env.warnings)
      ? (env.warnings as unknown[]).filter((w): w is string => typeof w === 'string')
      : [];
    for (const w of warnings) {
      if (this.seenWarnings.has(w)) continue;
      this.seenWarnings.add(w);
      this.warnings.push(w);
    }
    if (status >= 200 && status < 300 && env.status === 'success') {
      const stats = (
        env.data as
          | {
              stats?: {
                samples?: { totalQueryableSamples?: unknown };
                timings?: { execTotalTime?: unknown };
              };
            }
          | undefined
      )?.stats;
      const samples = stats?.samples?.totalQueryableSamples;
      if (typeof samples === 'number') this.stats.samplesTouched += samples;
      const exec = stats?.timings?.execTotalTime;
      if (typeof exec === 'number') this.stats.serverSeconds += exec;
      return { body: env.data, warnings };
    }
    const errorText =
      typeof env.error === 'string'
        ? `${typeof env.errorType === 'string' ? `${env.errorType}: ` : ''}${env.error}`
        : snippet(raw);
    if (status >= 200 && status < 300) {
      throw new AttemptError({
        kind: 'invalid',
        retryable: false,
        status,
        detail: `HTTP ${status} without status "success": ${errorText}`,
      });
    }
    throw new AttemptError({
      kind: 'http',
      retryable: RETRYABLE_STATUS.has(status),
      status,
      detail: `HTTP ${status}: ${errorText}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
}

/** What to do about an HTTP failure, by status. */
function httpAdvice(status: number | undefined): string {
  if (status === 400 || status === 422) return '; the query is shown in the error for running it by hand';
  if (status === 401 || status === 403) return '; check --prometheus-token or --prometheus-token-file';
  if (status === 404)
    return '; is --prometheus the base URL of the Prometheus HTTP API (with its path prefix, if any)?';
  if (status === 429 || status === 503)
    return '; Prometheus is overloaded: retry later or lower --prometheus-concurrency';
  if (status === 502 || status === 504)
    return '; a proxy in front of Prometheus gave up: raise its timeout or shorten the window';
  return '';
}

function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string') return undefined;
  const seconds = Number(header);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(RETRY_AFTER_CAP_MS, seconds * 1000);
}

function snippet(raw: Buffer): string {
  const text = raw.subarray(0, 200).toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length === 0 ? '(empty)' : JSON.stringify(raw.length > 200 ? `${text}…` : text);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function unixSeconds(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date passed to the Prometheus client');
  return String(ms / 1000);
}

/** A sample value as Prometheus formats it: decimal text, `NaN`, `+Inf`, `-Inf`. */
export function parseSampleValue(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text); // "NaN" → NaN
}

/** A `[unix seconds, "value"]` pair as the API sends samples. */
function isSamplePair(value: unknown): value is [number, string] {
  return (
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string'
  );
}

/** A label set: an object whose values are all strings; undefined if it is not one. */
function labelSet(value: unknown): Labels | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const v of Object.values(value)) if (typeof v !== 'string') return undefined;
  return value as Labels;
}

function parseQueryData(data: unknown, warnings: string[], url: string, expr: string): QueryResult {
  const d = (data ?? {}) as { resultType?: unknown; result?: unknown };
  const bad = (detail: string) =>
    new PrometheusQueryError(url, expr, `Prometheus at ${url}: unexpected query answer: ${detail}`);
  if (d.resultType === 'scalar') {
    const pair = d.result;
    if (!isSamplePair(pair)) throw bad('scalar without a [time, value] pair');
    return {
      resultType: 'scalar',
      vector: [{ metric: {}, time: Number(pair[0]), value: parseSampleValue(pair[1]) }],
      matrix: [],
      warnings,
    };
  }
  if (!Array.isArray(d.result)) throw bad(`result of type ${String(d.resultType)} is not a list`);
  if (d.resultType === 'vector') {
    const vector: InstantSample[] = [];
    for (const raw of d.result as unknown[]) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        throw bad('a vector item is not an object');
      const item = raw as { metric?: unknown; value?: unknown };
      // Native-histogram samples carry `histogram` instead of `value`: none of hindsight's queries asks for them.
      if (item.value === undefined) continue;
      if (!isSamplePair(item.value)) throw bad('a vector sample is not a [time, value] pair');
      const metric = item.metric === undefined ? {} : labelSet(item.metric);
      if (!metric) throw bad('a vector item has labels that are not strings');
      vector.push({
        metric,
        time: Number(item.value[0]),
        value: parseSampleValue(item.value[1]),
      });
    }
    return { resultType: 'vector', vector, matrix: [], warnings };
  }
  if (d.resultType === 'matrix') {
    const matrix: RangeSeries[] = [];
    for (const raw of d.result as unknown[]) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        throw bad('a matrix series is not an object');
      const item = raw as { metric?: unknown; values?: unknown };
      const points = item.values ?? [];
      if (!Array.isArray(points)) throw bad('a matrix series has values that are not a list');
      const metric = item.metric === undefined ? {} : labelSet(item.metric);
      if (!metric) throw bad('a matrix series has labels that are not strings');
      const times = new Float64Array(points.length);
      const values = new Float64Array(points.length);
      for (let i = 0; i < points.length; i++) {
        const p: unknown = points[i];
        if (!isSamplePair(p)) throw bad('a matrix point is not a [time, value] pair');
        times[i] = Number(p[0]);
        values[i] = parseSampleValue(p[1]);
      }
      matrix.push({ metric, times, values });
    }
    return { resultType: 'matrix', vector: [], matrix, warnings };
  }
  throw bad(`unsupported result type ${String(d.resultType)}`);
}
