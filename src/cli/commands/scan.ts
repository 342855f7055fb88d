import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { summarizeInventory } from '../../analyzers/inventory/summarize.ts';
import { loadConfig } from '../../config/config.ts';
import { describeError, UsageError } from '../../core/errors.ts';
import { LESSONS } from '../../core/lesson.ts';
import { atLeast, isSeverity, SEVERITIES, type Severity } from '../../core/severity.ts';
import { runRules } from '../../engine/run-rules.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { FORMATS, type Format, render } from '../../reporters/render.ts';
import { ruleInfo, type ScanReport } from '../../reporters/report.ts';
import { ruleReadme } from '../../rules/docs.ts';
import { ALL_RULES } from '../../rules/registry.ts';
import { loadCluster, loadHelmReleaseSecrets } from '../../sources/cluster/load-cluster.ts';
import { expandHelmReleases } from '../../sources/helm-releases/decode-release.ts';
import { loadManifests } from '../../sources/manifests/load-manifests.ts';
import { locateFindings } from '../../sources/manifests/locate.ts';
import { ALL_CHECK_IDS, unknownConfigChecks } from '../catalog.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { parseReportSpecs } from '../report-specs.ts';
import { packageVersion } from '../version.ts';
import { writeFileAtomic } from '../write-file.ts';

interface ScanOptions {
  output: Format;
  report: string[];
  failOn?: string;
  config?: string;
  targetVersion?: string;
  showExempted?: boolean;
  helmReleases?: boolean;
  summary: boolean;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerScan(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('scan')
    .description(
      'scan manifests (files, directories, - for stdin), kubectl snapshots, or the live cluster of the current context',
    )
    .argument(
      '[paths...]',
      'YAML/JSON files or directories; - reads stdin; none scans the cluster of the current kubeconfig context',
    )
    .addOption(new Option('-o, --output <format>', 'format on stdout').choices([...FORMATS]).default('table'))
    .option(
      '--report <format=file>',
      `also write a report to a file, repeatable (formats: ${FORMATS.join(', ')})`,
      collect,
      [],
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([
        ...SEVERITIES,
      ]),
    )
    .option('--config <file>', 'config file (default: .hindsight.yaml in the current directory, if present)')
    .option('--target-version <version>', 'Kubernetes version to check API deprecations against, e.g. 1.35')
    .option(
      '--helm-releases',
      'scan what Helm deployed: the manifests in Helm release Secrets (newest deployed revision), from the cluster or a snapshot',
    )
    .option('--show-exempted', 'list exempted findings with their reasons (table output)')
    .option('--no-summary', 'leave the inventory summary out of the table output')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to scan')
    .option('-n, --namespace <name>', 'only this namespace (live cluster)')
    .option('-A, --all-namespaces', 'all namespaces (live cluster; the default)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hindsight scan examples/repo',
        '  helm template ./chart | hindsight scan -',
        '  kubectl get all,pdb,hpa -A -o json > snap.json && hindsight scan snap.json',
        '  hindsight scan --context prod --fail-on high --report sarif=hindsight.sarif --report junit=hindsight.xml',
      ].join('\n'),
    )
    .action(async (paths: string[], opts: ScanOptions) => {
      setExit(await runScan(paths, opts, io));
    });
}

async function runScan(paths: string[], opts: ScanOptions, io: CliIo): Promise<ExitCode> {
  const live = paths.length === 0;
  if (!live && (opts.context || opts.namespace)) {
    throw new UsageError(
      '--context and --namespace apply to live clusters; give either paths or a context, not both',
    );
  }
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

  const progress = live && io.isTty ? startProgress(io) : undefined;
  const clusterLoader = opts.helmReleases ? loadHelmReleaseSecrets : loadCluster;
  const loaded = live
    ? await clusterLoader({
        env: io.env,
        ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
        ...(opts.context ? { context: opts.context } : {}),
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        onWarning: (line) => {
          progress?.clear();
          io.stderr(`warning: ${line}\n`);
        },
        ...(progress ? { onProgress: progress.update } : {}),
      }).finally(() => progress?.stop())
    : await loadManifests(paths, { stdin: io.stdin });
  if (opts.helmReleases) {
    const expanded = expandHelmReleases(loaded.objects.map((o) => o.object));
    loaded.objects = expanded.objects;
    loaded.errors.push(...expanded.errors);
    io.stderr(
      `read ${expanded.releases.length} Helm releases: ${expanded.releases.map((r) => `${r.namespace}/${r.name} (${r.chart}, revision ${r.revision})`).join(', ') || 'none'}\n`,
    );
  }
  for (const error of loaded.errors) io.stderr(`error: ${describeError(error)}\n`);
  for (const note of loaded.notes) io.stderr(`note: ${note}\n`);
  const inventory = buildInventory(loaded.objects);
  for (const d of inventory.duplicates) {
    io.stderr(
      `warning: ${d.ref.kind} ${d.ref.namespace ? `${d.ref.namespace}/` : ''}${d.ref.name} appears twice (${d.first.source}, ${d.second.source}); the later one is used\n`,
    );
  }

  const now = io.env.HINDSIGHT_NOW ? new Date(io.env.HINDSIGHT_NOW) : new Date();
  const result = runRules(inventory, {
    rules: ALL_RULES,
    config,
    now,
    otherCheckIds: ALL_CHECK_IDS,
    ...(targetVersion ? { targetVersion } : {}),
  });
  const report: ScanReport = {
    tool: { name: 'hindsight', version: packageVersion() },
    generatedAt: now.toISOString(),
    target: live ? (opts.context ?? 'current context') : paths.join(' '),
    inputs: {
      files: loaded.files,
      objects: loaded.objects.length,
      errors: loaded.errors.map(describeError),
      notes: loaded.notes,
    },
    summary: summarizeInventory(inventory),
    findings: result.findings,
    exempted: result.exempted,
    score: result.score,
    rules: ALL_RULES.map((r) =>
      ruleInfo({ ...r, lesson: LESSONS[r.lesson] }, result.stats.get(r.id), ruleReadme(r.id)),
    ),
    ...(failOn ? { failOn } : {}),
  };
  const needsLines =
    opts.output === 'sarif' ||
    opts.output === 'json' ||
    opts.output === 'yaml' ||
    opts.output === 'markdown' ||
    reports.length > 0;
  if (needsLines) report.lines = await locateFindings([...result.findings, ...result.exempted]);

  const context = {
    cwd: io.cwd,
    color: io.isTty && !io.env.NO_COLOR,
    ...(opts.showExempted ? { showExempted: true } : {}),
    summary: opts.summary,
  };
  if (opts.output === 'table') {
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
