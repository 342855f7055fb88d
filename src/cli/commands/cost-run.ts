/** `hindsight cost`, the run: what the command does once its flags are parsed (loaded on demand). */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDuration } from '../../analyzers/certs/duration.ts';
import { analyzeCost, type CostAnalysis } from '../../analyzers/cost/cost-analysis.ts';
import type { CostReport } from '../../analyzers/cost/cost-report.ts';
import { DEFAULT_SPOT_DISCOUNTS, loadPriceBook, type PriceBook } from '../../analyzers/cost/prices.ts';
import { describeError, SourceError, UsageError } from '../../core/errors.ts';
import { renderCostHtml } from '../../reporters/cost/cost-html.ts';
import { renderCostMarkdown, renderCostTable } from '../../reporters/cost/cost-text.ts';
import { percent, usd } from '../../reporters/cost/format.ts';
import { loadManifests } from '../../sources/manifests/load-manifests.ts';
import { runClock } from '../clock.ts';
import { clusterConnection } from '../cluster-flags.ts';
import { applyRequestPatches } from '../cost/apply-requests.ts';
import { writeGenerated } from '../cost/generate.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { prometheusClientFor } from '../prometheus-client.ts';
import { prometheusLimits, prometheusUrl } from '../prometheus-flags.ts';
import { parseReportSpecs } from '../report-specs.ts';
import { packageVersion } from '../version.ts';
import { writeFileAtomic } from '../write-file.ts';
import { COST_FORMATS, type CostFormat, type CostOptions } from './cost.ts';

function renderAs(format: CostFormat, report: CostReport): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'markdown') return renderCostMarkdown(report);
  if (format === 'html') return renderCostHtml(report);
  return renderCostTable(report);
}

/** The history window and the bounds of one Prometheus query, from their flags. */
function historyLimits(opts: CostOptions): ReturnType<typeof prometheusLimits> & { windowMs: number } {
  const windowMs = parseDuration(opts.window);
  if (!windowMs || windowMs < 3600_000)
    throw new UsageError(`--window ${opts.window}: expected a duration of at least 1h, like 14d`);
  return { windowMs, ...prometheusLimits(opts) };
}

/** --spot-discount for every category the price table knows (the catalogue's categories all are). */
function spotDiscountsOf(opts: CostOptions): Record<string, number> | undefined {
  if (opts.spotDiscount === undefined) return undefined;
  const d = Number(opts.spotDiscount);
  if (!(d >= 0 && d < 1))
    throw new UsageError(`--spot-discount ${opts.spotDiscount}: expected a fraction in [0, 1), e.g. 0.65`);
  return Object.fromEntries(Object.keys(DEFAULT_SPOT_DISCOUNTS).map((k) => [k, d]));
}

/** The built-in prices, or --prices over them; an unreadable price file is a usage error. */
function priceBookFor(
  opts: CostOptions,
  io: CliIo,
  spotDiscounts: Record<string, number> | undefined,
): PriceBook {
  try {
    return loadPriceBook({
      ...(opts.prices ? { priceFile: resolve(io.cwd, opts.prices) } : {}),
      ...(spotDiscounts ? { spotDiscounts } : {}),
    });
  } catch (error) {
    if (error instanceof SourceError) throw new UsageError(describeError(error), { cause: error });
    throw error;
  }
}

export async function runCost(paths: string[], opts: CostOptions, io: CliIo): Promise<ExitCode> {
  const live = paths.length === 0;
  if (!live && (opts.context || opts.namespace))
    throw new UsageError(
      '--context and --namespace apply to live clusters; give either paths or a context, not both',
    );
  const reports = parseReportSpecs(opts.report, COST_FORMATS);
  const { windowMs, ...limits } = historyLimits(opts);
  const connection = clusterConnection(opts);
  const now = runClock(io.env);
  const end = opts.end ? new Date(opts.end) : now;
  if (Number.isNaN(end.getTime()))
    throw new UsageError(`--end ${opts.end}: expected an RFC 3339 time like 2026-11-01T00:00:00Z`);
  const start = new Date(end.getTime() - windowMs);
  const spotDiscounts = spotDiscountsOf(opts);
  const book = priceBookFor(opts, io, spotDiscounts);

  const loaded = live
    ? await (await import('../../sources/cluster/load-cluster.ts')).loadCluster({
        env: io.env,
        ...connection,
        onWarning: (line) => io.stderr(`warning: ${line}\n`),
      })
    : await loadManifests(paths, { stdin: io.stdin });
  for (const error of loaded.errors) io.stderr(`error: ${describeError(error)}\n`);
  const promUrl = prometheusUrl(opts, io);
  const client = promUrl ? prometheusClientFor(promUrl, opts, io, limits) : undefined;
  let analysis: CostAnalysis;
  try {
    analysis = await analyzeCost({
      objects: loaded.objects,
      readErrors: loaded.errors.map((e) => describeError(e)),
      live,
      target: live ? (opts.context ?? 'current context') : paths.join(' '),
      book,
      now,
      window: { start, end },
      ...(opts.teamLabel.length > 0 ? { teamLabels: opts.teamLabel } : {}),
      ...(client && promUrl ? { prometheus: { client, url: promUrl } } : {}),
      ...(opts.namespace ? { namespaces: [opts.namespace] } : {}),
      variant: opts.variant,
      plan: opts.plan,
      spotDiscountText: spotDiscounts
        ? `spot at ${percent(Number(opts.spotDiscount), 0)} off on-demand`
        : 'spot discount per instance category (estimate; --prices or --spot-discount to set)',
      toolVersion: packageVersion(),
      onMessage: (line) => io.stderr(`${line}\n`),
      ...(io.isTty
        ? { onNamespace: (ns: string, n: number) => io.stderr(`\rread ${n} namespaces (${ns})\x1b[K`) }
        : {}),
    });
  } finally {
    client?.close();
  }
  if (!live && analysis.nothingToPrice) {
    throw new UsageError(
      `nothing to price: no nodes, pods or workloads in ${paths.join(' ')}${loaded.errors.length > 0 ? ' (unreadable inputs above)' : ''}`,
    );
  }
  const { report, inventory, rightsizing, plans, verdicts, workloads } = analysis;
  const partial = report.partial;
  const nowMonthly = report.now.monthly;

  report.generated = await writeGenerated(
    {
      ...(opts.writeVpa ? { vpaDir: resolve(io.cwd, opts.writeVpa) } : {}),
      ...(opts.writeKarpenter ? { karpenterDir: resolve(io.cwd, opts.writeKarpenter) } : {}),
      ...(opts.writeKeda ? { kedaDir: resolve(io.cwd, opts.writeKeda) } : {}),
      clusterName: opts.clusterName,
      variant: opts.variant,
    },
    { inventory, rightsizing, plan: plans?.spot, book, workloads, verdicts },
    (line) => io.stderr(`${line}\n`),
  );

  let exit: ExitCode = partial.length > 0 ? EXIT.partial : EXIT.ok;
  if (opts.applyRequests.length > 0) {
    if (!rightsizing)
      throw new UsageError(
        '--apply-requests needs --prometheus: there is nothing to apply without usage history',
      );
    const result = await applyRequestPatches(
      opts.applyRequests.map((p) => resolve(io.cwd, p)),
      rightsizing.recommendations.map((r) => r.rec),
      { variant: opts.variant, dryRun: opts.dryRun === true, stdin: io.stdin },
    );
    for (const line of result.messages) io.stderr(`${line}\n`);
    if (opts.dryRun) io.stdout(result.diff);
    if (result.refused > 0) exit = EXIT.partial;
  }

  for (const { format, file } of reports) {
    const target = resolve(io.cwd, file);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFileAtomic(target, renderAs(format, report));
    io.stderr(`wrote ${format} report to ${file}\n`);
  }
  if (!(opts.dryRun && opts.applyRequests.length > 0)) io.stdout(renderAs(opts.output, report));
  if (report.now.unpricedNodes.length > 0)
    io.stderr(
      `note: ${report.now.unpricedNodes.length} nodes could not be priced and are left out of ${usd(nowMonthly)}\n`,
    );
  return exit;
}
