/** `hindsight dashboard`, the run: scan the paths once, then serve the pages until interrupted. */
import { describeError, UsageError } from '../../core/errors.ts';
import { runRulesByEnvironment } from '../../engine/run-environments.ts';
import { ALL_RULES } from '../../rules/registry.ts';
import { serveDashboard } from '../../server/static-dashboard.ts';
import { loadManifests } from '../../sources/manifests/load-manifests.ts';
import { CATALOG_BY_ID } from '../catalog.ts';
import { runClock } from '../clock.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import type { DashboardOptions } from './dashboard.ts';

export async function runDashboard(
  paths: string[],
  opts: DashboardOptions,
  io: CliIo,
  signal?: AbortSignal,
): Promise<ExitCode> {
  const listen = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(opts.listen);
  if (!listen) throw new UsageError(`--listen ${opts.listen}: expected host:port, e.g. 127.0.0.1:9754`);
  const loaded = await loadManifests(paths, { stdin: io.stdin, env: io.env });
  for (const error of loaded.errors) io.stderr(`error: ${describeError(error)}\n`);
  if (loaded.objects.length === 0)
    throw new UsageError(`nothing to show: no Kubernetes objects read from ${paths.join(' ')}`);
  const now = runClock(io.env);
  const result = runRulesByEnvironment(loaded.objects, { rules: ALL_RULES, now });
  const { url, server } = await serveDashboard(
    {
      ready: true,
      evaluatedAt: now,
      score: result.score,
      findings: result.findings,
      certificates: [],
      rules: CATALOG_BY_ID,
      now,
    },
    (listen[1] as string).replace(/^\[|\]$/g, ''),
    Number(listen[2]),
  ).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `cannot listen on ${opts.listen}: ${error.code === 'EADDRINUSE' ? 'the address is in use' : error.message}`,
    );
  });
  io.stderr(
    `${loaded.objects.length} objects, ${result.findings.length} findings: the dashboard is at ${url}/ (Ctrl-C to stop)\n`,
  );
  await new Promise<void>((resolve) => {
    if (signal) signal.addEventListener('abort', () => resolve(), { once: true });
    else {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return loaded.errors.length > 0 ? EXIT.partial : EXIT.ok;
}
