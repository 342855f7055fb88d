/** `hindsight scan`, the run: what the command does once its flags are parsed (loaded on demand). */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { summarizeInventory } from '../../analyzers/inventory/summarize.ts';
import { loadConfig } from '../../config/config.ts';
import { describeError, UsageError } from '../../core/errors.ts';
import type { Finding } from '../../core/finding.ts';
import { LESSONS } from '../../core/lesson.ts';
import { formatOrigin } from '../../core/origin.ts';
import { formatRef } from '../../core/resource.ts';
import { atLeast, isSeverity, type Severity } from '../../core/severity.ts';
import { type EnvironmentsResult, runRulesByEnvironment } from '../../engine/run-environments.ts';
import { FORMATS, render } from '../../reporters/render.ts';
import { ruleInfo, type ScanReport } from '../../reporters/report.ts';
import type { AnyRule } from '../../rules/define-rule.ts';
import { ruleReadme } from '../../rules/docs.ts';
import { ALL_RULES } from '../../rules/registry.ts';
import { expandValuesMatrix } from '../../sources/helm/values-matrix.ts';
import { expandHelmReleases } from '../../sources/helm-releases/decode-release.ts';
import {
  type LoadResult,
  loadManifests,
  type SourcedObject,
} from '../../sources/manifests/load-manifests.ts';
import { ALL_CHECK_IDS, unknownConfigChecks } from '../catalog.ts';
import { runClock } from '../clock.ts';
import { clusterConnection } from '../cluster-flags.ts';
import { type CliIo, EXIT, type ExitCode, outputWidth } from '../io.ts';
import { readLimits } from '../read-limit-flags.ts';
import { parseReportSpecs } from '../report-specs.ts';
import { packageVersion } from '../version.ts';
import { writeFileAtomic } from '../write-file.ts';
import type { ScanOptions } from './scan.ts';

/** The rules a run applies: every rule, unless a command narrows them (`alerts lint`: a category). */
export interface RuleSelection {
  rules: readonly AnyRule[];
  /** Objects a command adds to what it read (`alerts lint --prometheus`: the metric names it has). */
  facts?: readonly SourcedObject[];
}

const EVERY_RULE: RuleSelection = { rules: ALL_RULES };

export async function runScan(
  givenPaths: string[],
  opts: ScanOptions,
  io: CliIo,
  selection: RuleSelection = EVERY_RULE,
): Promise<ExitCode> {
  const { paths, live, helmFlags } = checkInputFlags(givenPaths, opts);
  const reports = parseReportSpecs(opts.report, FORMATS);
  const { config, source: configSource } = await loadConfig({
    cwd: io.cwd,
    ...(opts.config ? { file: resolve(io.cwd, opts.config) } : {}),
  });
  for (const warning of unknownConfigChecks(config, configSource)) io.stderr(`${warning}\n`);
  const failOnText = opts.failOn ?? config.failOn;
  const failOn: Severity | undefined = failOnText && isSeverity(failOnText) ? failOnText : undefined;
  const targetVersion = (opts.targetVersion ?? config.targetVersion)?.replace(/^v/, '');
  if (targetVersion !== undefined && !/^\d+\.\d+$/.test(targetVersion)) {
    throw new UsageError(`--target-version ${targetVersion}: expected a minor version such as 1.35`);
  }
  const environments = opts.valuesMatrix ? await expandValuesMatrix(opts.valuesMatrix) : undefined;

  const loaded = await loadInputs(paths, opts, io, targetVersion, environments);
  if (!live && !loaded.rendered?.charts && helmFlags.length > 0) {
    throw new UsageError(`${helmFlags.join(', ')} apply to Helm charts, and ${paths.join(' ')} has none`);
  }
  const outsideNamespace = keepNamespace(loaded, opts, live);
  if (opts.helmReleases) expandReleases(loaded, io);
  for (const error of loaded.errors) io.stderr(`error: ${describeError(error)}\n`);
  if (!opts.quiet) for (const note of loaded.notes) io.stderr(`note: ${note}\n`);
  if (!live && loaded.objects.length === 0) {
    // Nothing read is never a clean scan: "0 objects, score 100" would pass any CI gate.
    const why =
      loaded.errors.length > 0
        ? `${loaded.errors.length} unreadable input${loaded.errors.length === 1 ? '' : 's'}, above`
        : outsideNamespace > 0
          ? `all ${outsideNamespace} objects are in other namespaces than --namespace ${opts.namespace}`
          : 'no manifests, charts or kustomizations in it';
    throw new UsageError(`nothing to scan: no Kubernetes objects read from ${paths.join(' ')} (${why})`);
  }

  for (const fact of selection.facts ?? []) loaded.objects.push(fact);
  const now = runClock(io.env);
  const result = runRulesByEnvironment(loaded.objects, {
    rules: selection.rules,
    config,
    now,
    otherCheckIds: ALL_CHECK_IDS,
    ...(targetVersion ? { targetVersion } : {}),
  });
  if (result.environments.length > 1) {
    io.stderr(
      `note: ${result.environments.length} environments (${result.environments.join(', ')}), each scanned as its own inventory; the summary shows ${result.environments[0]}\n`,
    );
  }
  const duplicateNotes = result.duplicates.map(
    (d) =>
      `${formatRef(d.ref)} is defined ${d.origins.length} times (${d.origins.map(formatOrigin).join(', ')}): each copy is scanned; Services, PDBs, autoscalers and ServiceAccounts are matched to the copy in the same file or directory`,
  );
  if (!opts.quiet) for (const note of duplicateNotes) io.stderr(`note: ${note}\n`);

  // --min-severity is for reading: the score and --fail-on still count every finding.
  const minSeverity = opts.minSeverity && isSeverity(opts.minSeverity) ? opts.minSeverity : undefined;
  const shown = minSeverity
    ? result.findings.filter((f) => atLeast(f.severity, minSeverity))
    : result.findings;
  const report = scanReport({
    loaded,
    result,
    shown,
    minSeverity,
    failOn,
    live,
    paths,
    opts,
    now,
    duplicateNotes,
    rules: selection.rules,
  });
  const needsLines =
    opts.output === 'sarif' ||
    opts.output === 'json' ||
    opts.output === 'yaml' ||
    opts.output === 'markdown' ||
    reports.length > 0;
  if (needsLines)
    report.lines = await (await import('../../sources/manifests/locate.ts')).locateFindings([
      ...shown,
      ...result.exempted,
    ]);

  const context = {
    cwd: io.cwd,
    color: io.isTty && !io.env.NO_COLOR,
    ...(opts.showExempted ? { showExempted: true } : {}),
    summary: opts.summary,
    groupBy: opts.groupBy,
    ...(opts.quiet ? { quiet: true } : {}),
    ...(outputWidth(io) !== undefined ? { width: outputWidth(io) as number } : {}),
  };
  if (opts.output === 'table' && !opts.quiet) {
    const from = live ? 'live cluster' : `${loaded.files} file${loaded.files === 1 ? '' : 's'}`;
    io.stdout(`Scanned ${from}: ${loaded.objects.length} objects, ${loaded.errors.length} unreadable\n\n`);
  }
  io.stdout(render(opts.output, report, context));
  for (const { format, file } of reports) {
    const path = resolve(io.cwd, file);
    await writeFileAtomic(path, render(format, report, { ...context, color: false }));
    io.stderr(`wrote ${format} report to ${file}\n`);
  }

  if (failOn && result.findings.some((f) => atLeast(f.severity, failOn))) return EXIT.findings;
  return loaded.errors.length > 0 ? EXIT.partial : EXIT.ok;
}

/** Paths (charts included) and whether the scan is live; flags that do not fit the input are usage errors. */
function checkInputFlags(givenPaths: string[], opts: ScanOptions) {
  for (const chart of opts.chart) {
    if (!existsSync(join(chart, 'Chart.yaml'))) throw new UsageError(`--chart ${chart}: no Chart.yaml there`);
  }
  const paths = [...givenPaths, ...opts.chart];
  const live = paths.length === 0;
  if (!live && opts.context) {
    throw new UsageError(
      '--context and --namespace apply to live clusters (--namespace also to Helm charts); give either paths or a context, not both',
    );
  }
  const helmFlags = [
    ...(opts.values.length > 0 ? ['-f/--values'] : []),
    ...(opts.set.length > 0 ? ['--set'] : []),
    ...(opts.releaseName ? ['--release-name'] : []),
    ...(opts.valuesMatrix ? ['--values-matrix'] : []),
  ];
  if (live && helmFlags.length > 0)
    throw new UsageError(
      `${helmFlags.join(', ')} apply to Helm charts: give a chart directory (or --chart DIR)`,
    );
  return { paths, live, helmFlags };
}

/** The objects of the live cluster (Helm's release storage with --helm-releases), or of the paths. */
async function loadInputs(
  paths: string[],
  opts: ScanOptions,
  io: CliIo,
  targetVersion: string | undefined,
  environments: Awaited<ReturnType<typeof expandValuesMatrix>> | undefined,
): Promise<LoadResult> {
  const live = paths.length === 0;
  const connection = clusterConnection(opts);
  const limits = readLimits(opts);
  const progress = live && io.isTty ? startProgress(io) : undefined;
  // The cluster client (and @kubernetes/client-node) loads only for a live scan.
  const clusterLoader = !live
    ? undefined
    : opts.helmReleases
      ? (await import('../../sources/cluster/helm-storage.ts')).loadHelmStorageObjects
      : (await import('../../sources/cluster/load-cluster.ts')).loadCluster;
  return clusterLoader
    ? await clusterLoader({
        env: io.env,
        ...connection,
        onWarning: (line) => {
          progress?.clear();
          io.stderr(`warning: ${line}\n`);
        },
        ...(progress ? { onProgress: progress.update } : {}),
      }).finally(() => progress?.stop())
    : await loadManifests(paths, {
        stdin: io.stdin,
        ...limits,
        env: io.env,
        helm: {
          valuesFiles: opts.values,
          set: opts.set,
          ...(opts.releaseName ? { releaseName: opts.releaseName } : {}),
          ...(opts.namespace ? { namespace: opts.namespace } : {}),
          ...(targetVersion ? { kubeVersion: `${targetVersion}.0` } : {}),
          ...(environments ? { environments } : {}),
        },
      });
}

/**
 * As kubectl -n: objects of other namespaces are left out; objects without one stay (they land
 * in whatever namespace they are applied to), and so do cluster-scoped ones. Returns how many
 * were left out.
 */
function keepNamespace(loaded: LoadResult, opts: ScanOptions, live: boolean): number {
  if (live || !opts.namespace) return 0;
  const before = loaded.objects.length;
  loaded.objects = loaded.objects.filter(({ object }) => {
    const ns: unknown = object.metadata?.namespace;
    return typeof ns !== 'string' || ns === '' || ns === opts.namespace;
  });
  return before - loaded.objects.length;
}

/** Helm's release records become the objects of their releases. */
function expandReleases(loaded: LoadResult, io: CliIo): void {
  const expanded = expandHelmReleases(loaded.objects.map((o) => o.object));
  loaded.objects = expanded.objects;
  loaded.errors.push(...expanded.errors);
  io.stderr(
    `read ${expanded.releases.length} Helm releases: ${expanded.releases.map((r) => `${r.namespace}/${r.name} (${r.chart}, revision ${r.revision})`).join(', ') || 'none'}\n`,
  );
}

function scanReport(args: {
  loaded: LoadResult;
  result: EnvironmentsResult;
  shown: Finding[];
  minSeverity: Severity | undefined;
  failOn: Severity | undefined;
  live: boolean;
  paths: string[];
  opts: ScanOptions;
  now: Date;
  duplicateNotes: string[];
  rules: readonly AnyRule[];
}): ScanReport {
  const { loaded, result, shown, minSeverity, failOn, live, paths, opts, now, duplicateNotes } = args;
  return {
    tool: { name: 'hindsight', version: packageVersion() },
    generatedAt: now.toISOString(),
    target: live ? (opts.context ?? 'current context') : paths.join(' '),
    inputs: {
      files: loaded.files,
      objects: loaded.objects.length,
      errors: loaded.errors.map(describeError),
      notes: [...loaded.notes, ...duplicateNotes],
    },
    summary: summarizeInventory(result.inventory),
    findings: shown,
    exempted: result.exempted,
    score: result.score,
    ...(minSeverity && shown.length < result.findings.length
      ? { hiddenBelow: { severity: minSeverity, count: result.findings.length - shown.length } }
      : {}),
    rules: args.rules.map((r) =>
      ruleInfo({ ...r, lesson: LESSONS[r.lesson] }, result.stats.get(r.id), ruleReadme(r.id)),
    ),
    ...(failOn ? { failOn } : {}),
  };
}

/** A one-line counter on stderr for live scans longer than a second; only on a terminal. */
function startProgress(io: CliIo): { update: (n: number) => void; clear: () => void; stop: () => void } {
  const started = Date.now();
  let shown = false;
  let last = 0;
  return {
    update(n: number) {
      last = n;
      if (Date.now() - started < 1000) return;
      shown = true;
      io.stderr(`\r\u001b[2Kreading cluster: ${n} objects (${((Date.now() - started) / 1000).toFixed(0)}s)`);
    },
    clear() {
      if (shown) io.stderr('\r\u001b[2K');
    },
    stop() {
      if (shown)
        io.stderr(`\r\u001b[2Kread ${last} objects in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    },
  };
}
