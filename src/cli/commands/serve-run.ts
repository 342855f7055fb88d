/** `hindsight serve`, the run: starts the server and keeps it until SIGINT or SIGTERM (or `signal`). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from '../../analyzers/certs/duration.ts';
import { UsageError } from '../../core/errors.ts';
import { HindsightServer } from '../../server/serve.ts';
import { loadClusterAccessIsolated } from '../../sources/cluster/cluster-access.ts';
import { clusterConnection } from '../cluster-flags.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { packageVersion } from '../version.ts';
import type { ServeOptions } from './serve.ts';

export async function runServe(opts: ServeOptions, io: CliIo, signal?: AbortSignal): Promise<ExitCode> {
  const listen = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(opts.listen);
  if (!listen) throw new UsageError(`--listen ${opts.listen}: expected host:port, e.g. 127.0.0.1:9753`);
  const port = Number(listen[2]);
  if (port > 65535) throw new UsageError(`--listen ${opts.listen}: no such port`);
  const debounceMs = parseDuration(opts.debounce);
  if (debounceMs === undefined)
    throw new UsageError(`--debounce ${opts.debounce}: expected a duration like 500ms`);
  const certsIntervalMs = parseDuration(opts.certsInterval);
  if (certsIntervalMs === undefined || certsIntervalMs < 10_000)
    throw new UsageError(
      `--certs-interval ${opts.certsInterval}: expected a duration of at least 10s, like 10m`,
    );
  let token: string | undefined;
  if (opts.tokenFile) {
    try {
      token = readFileSync(resolve(io.cwd, opts.tokenFile), 'utf8').trim();
    } catch (error) {
      throw new UsageError(`--token-file ${opts.tokenFile}: ${(error as Error).message}`);
    }
    if (token === '') throw new UsageError(`--token-file ${opts.tokenFile}: the file is empty`);
  }
  const costIntervalMs = parseDuration(opts.costInterval);
  if (costIntervalMs === undefined || costIntervalMs < 60_000)
    throw new UsageError(`--cost-interval ${opts.costInterval}: expected a duration of at least 1m, like 6h`);
  const prometheusUrl = opts.prometheus ?? io.env.HINDSIGHT_PROMETHEUS_URL;
  const prometheusToken = opts.prometheusToken ?? io.env.HINDSIGHT_PROMETHEUS_TOKEN;
  const connection = clusterConnection(opts);
  // Read once, in a child process (ADR 0025): a kubeconfig that cannot be used ends the run here.
  const access = await loadClusterAccessIsolated({ env: io.env, ...connection });
  const server = new HindsightServer({
    watch: { env: io.env, ...connection, access },
    host: (listen[1] as string).replace(/^\[|\]$/g, ''),
    port,
    debounceMs,
    certsIntervalMs,
    probeApiServer: opts.apiServer,
    ...(opts.policyReports ? { policyReports: true } : {}),
    ...(token ? { token } : {}),
    ...(prometheusUrl
      ? { prometheus: { url: prometheusUrl, ...(prometheusToken ? { bearerToken: prometheusToken } : {}) } }
      : {}),
    costIntervalMs,
    ...(opts.cluster ? { cluster: opts.cluster } : {}),
    ...(opts.teamLabel.length > 0 ? { teamLabels: opts.teamLabel } : {}),
    version: packageVersion(),
    log: (line) => io.stderr(`${line}\n`),
  });
  await server.start();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    if (signal) signal.addEventListener('abort', stop, { once: true });
    else {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  });
  await server.stop();
  return EXIT.ok;
}
