/**
 * The Prometheus client a command's `--prometheus*` flags describe. Apart from the flags
 * (prometheus-flags.ts) because it loads node:http and node:https, which every command's help
 * would otherwise pay for.
 */
import { resolve } from 'node:path';
import { createPrometheusClient, type PrometheusClient } from '../sources/prometheus/client.ts';
import type { CliIo } from './io.ts';
import type { PrometheusFlagValues } from './prometheus-flags.ts';

export function prometheusClientFor(
  url: string,
  opts: PrometheusFlagValues,
  io: CliIo,
  limits: { timeoutMs: number; maxResponseBytes: number; concurrency: number },
): PrometheusClient {
  const token = opts.prometheusToken ?? io.env.HINDSIGHT_PROMETHEUS_TOKEN;
  return createPrometheusClient({
    url,
    timeoutMs: limits.timeoutMs,
    totalTimeoutMs: limits.timeoutMs,
    maxResponseBytes: limits.maxResponseBytes,
    concurrency: limits.concurrency,
    ...(token ? { bearerToken: token } : {}),
    ...(opts.prometheusTokenFile ? { bearerTokenFile: resolve(io.cwd, opts.prometheusTokenFile) } : {}),
    ...(opts.prometheusCa ? { caFile: resolve(io.cwd, opts.prometheusCa) } : {}),
    ...(opts.prometheusInsecure ? { insecureSkipVerify: true } : {}),
  });
}
