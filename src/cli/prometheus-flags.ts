/**
 * The flags of every command that reads a Prometheus (`cost`, `alerts lint`): where it is, how
 * to authenticate, how long and how much to read (the client they make: prometheus-client.ts).
 * The URL may also come from HINDSIGHT_PROMETHEUS_URL, the token from HINDSIGHT_PROMETHEUS_TOKEN.
 */
import { type Command, Option } from 'commander';
import { parseDuration } from '../analyzers/certs/duration.ts';
import { UsageError } from '../core/errors.ts';
import { parseQuantity } from '../core/quantity.ts';
import { DEFAULT_PROMETHEUS_MAX_RESPONSE_BYTES } from '../sources/prometheus/defaults.ts';
import type { CliIo } from './io.ts';

/** What commander hands a command for the options below. */
export interface PrometheusFlagValues {
  prometheus?: string;
  prometheusToken?: string;
  prometheusTokenFile?: string;
  prometheusCa?: string;
  prometheusInsecure?: boolean;
  prometheusTimeout: string;
  prometheusMaxResponseSize: string;
  prometheusConcurrency: string;
}

/** Adds the Prometheus flags; `purpose` says what the command reads from it. */
export function addPrometheusOptions(command: Command, purpose: string): Command {
  return command
    .addOption(
      new Option(
        '--prometheus <url>',
        `Prometheus (or Thanos, Mimir) base URL for ${purpose} (env HINDSIGHT_PROMETHEUS_URL)`,
      ),
    )
    .option('--prometheus-token <token>', 'bearer token (env HINDSIGHT_PROMETHEUS_TOKEN)')
    .option('--prometheus-token-file <file>', 'file holding a bearer token, read for every request')
    .option('--prometheus-ca <file>', 'CA bundle for Prometheus TLS')
    .option('--prometheus-insecure', 'skip TLS verification of Prometheus')
    .option(
      '--prometheus-timeout <duration>',
      'deadline of one Prometheus query, retries included (a query that times out is not retried)',
      '60s',
    )
    .option(
      '--prometheus-max-response-size <size>',
      'largest Prometheus answer read, decompressed (e.g. 256Mi, 1Gi); past it the query fails',
      `${DEFAULT_PROMETHEUS_MAX_RESPONSE_BYTES / 2 ** 20}Mi`,
    )
    .option(
      '--prometheus-concurrency <n>',
      'queries in flight at once (lower it for a busy Prometheus, raise it for one with cores to spare)',
      '2',
    );
}

/** --prometheus-timeout, --prometheus-max-response-size and --prometheus-concurrency, checked. */
export function prometheusLimits(opts: PrometheusFlagValues): {
  timeoutMs: number;
  maxResponseBytes: number;
  concurrency: number;
} {
  const timeoutMs = parseDuration(opts.prometheusTimeout);
  if (!timeoutMs)
    throw new UsageError(`--prometheus-timeout ${opts.prometheusTimeout}: expected a duration like 60s`);
  const maxResponseBytes = parseQuantity(opts.prometheusMaxResponseSize);
  if (maxResponseBytes === undefined || maxResponseBytes < 1024)
    throw new UsageError(
      `--prometheus-max-response-size ${opts.prometheusMaxResponseSize}: expected a size such as 128Mi or 1Gi`,
    );
  const concurrency = Number(opts.prometheusConcurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError(
      `--prometheus-concurrency ${opts.prometheusConcurrency}: expected a whole number from 1 to 64`,
    );
  return { timeoutMs, maxResponseBytes, concurrency };
}

/** The Prometheus URL given, by flag or environment. */
export function prometheusUrl(opts: PrometheusFlagValues, io: CliIo): string | undefined {
  return opts.prometheus ?? io.env.HINDSIGHT_PROMETHEUS_URL;
}
