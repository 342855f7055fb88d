/**
 * Thanos on the test platform: a Sidecar beside each Prometheus (its StoreAPI over the
 * Prometheus' remote-read and TSDB) and a Query over the Sidecars — how many teams hold several
 * clusters' Prometheus together. The binary is built by build.sh from the Go module proxy.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { binDir } from './paths.ts';
import { freePort, type Started, startProcess, waitHealthy } from './processes.ts';

export function thanosBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const bin = join(binDir(env), 'thanos');
  return existsSync(bin) ? bin : undefined;
}

export interface RunningThanos {
  process: Started;
  /** The HTTP address: Query's Prometheus API, a Sidecar's health. */
  url: string;
  /** The gRPC StoreAPI address, host:port. */
  grpc: string;
}

async function start(
  bin: string,
  dir: string,
  component: 'sidecar' | 'query',
  args: string[],
): Promise<RunningThanos> {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const http = await freePort();
  const grpc = await freePort();
  const process = startProcess(
    `thanos-${component}`,
    bin,
    [
      component,
      `--http-address=127.0.0.1:${http}`,
      `--grpc-address=127.0.0.1:${grpc}`,
      '--log.level=warn',
      ...args,
    ],
    join(dir, 'logs', `thanos-${component}.log`),
  );
  const url = `http://127.0.0.1:${http}`;
  await waitHealthy(process, { url: `${url}/-/ready` }, 60_000);
  return { process, url, grpc: `127.0.0.1:${grpc}` };
}

/** A Sidecar for the Prometheus at `prometheusUrl` keeping its TSDB in `tsdbPath` (needs external labels). */
export function startThanosSidecar(bin: string, dir: string, prometheusUrl: string, tsdbPath: string) {
  return start(bin, dir, 'sidecar', [`--prometheus.url=${prometheusUrl}`, `--tsdb.path=${tsdbPath}`]);
}

/** A Query over these StoreAPI endpoints. */
export function startThanosQuery(bin: string, dir: string, endpoints: string[]) {
  return start(
    bin,
    dir,
    'query',
    endpoints.map((e) => `--endpoint=${e}`),
  );
}
