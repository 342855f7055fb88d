/** `hindsight certs`, the run: what the command does once its flags are parsed (loaded on demand). */
import { resolve } from 'node:path';
import { dump } from 'js-yaml';
import {
  analyzeCertificates,
  type CertAnalysis,
  DEFAULT_ANALYSIS_OPTIONS,
} from '../../analyzers/certs/analysis.ts';
import { certificateViews } from '../../analyzers/certs/certificate-view.ts';
import { formatDuration, parseDuration } from '../../analyzers/certs/duration.ts';
import { renderPrometheusMetrics } from '../../analyzers/certs/prometheus-metrics.ts';
import { renderPrometheusRule } from '../../analyzers/certs/prometheus-rule.ts';
import { CERT_CHECKS } from '../../analyzers/certs/registry.ts';
import { certCheckReadme, runCertChecks } from '../../analyzers/certs/run-cert-checks.ts';
import { buildTimeline, renderTimeline, renderTimelineMarkdown } from '../../analyzers/certs/timeline.ts';
import { matchWebhookEndpoints } from '../../analyzers/certs/webhook-endpoints.ts';
import { summarizeInventory } from '../../analyzers/inventory/summarize.ts';
import { loadConfig } from '../../config/config.ts';
import { describeError, UsageError } from '../../core/errors.ts';
import { LESSONS } from '../../core/lesson.ts';
import { atLeast, isSeverity, type Severity } from '../../core/severity.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { reportData } from '../../reporters/finding-view.ts';
import { renderMarkdown } from '../../reporters/markdown.ts';
import { render } from '../../reporters/render.ts';
import { ruleInfo, type ScanReport } from '../../reporters/report.ts';
import { renderTable } from '../../reporters/table.ts';
import { type Discovery, emptyDiscovery } from '../../sources/tls/discovery.ts';
import { type EndpointSpec, parseEndpointSpec, probeEndpoint } from '../../sources/tls/probe-endpoint.ts';
import { readCertificatePaths } from '../../sources/tls/read-certificate-paths.ts';
import { unknownConfigChecks } from '../catalog.ts';
import { runClock } from '../clock.ts';
import { clusterConnection } from '../cluster-flags.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { readLimits } from '../read-limit-flags.ts';
import { parseReportSpecs } from '../report-specs.ts';
import { packageVersion } from '../version.ts';
import { writeFileAtomic } from '../write-file.ts';
import { CERT_FORMATS, type CertFormat, type CertsOptions } from './certs.ts';

/** `--max-file-size` sets every file's limit; without it certificates and kubeconfigs keep 8 MiB. */
function certificateReadLimits(opts: CertsOptions): {
  maxManifestFileBytes?: number;
  maxCertificateFileBytes?: number;
  maxInputBytes?: number;
} {
  const { maxFileBytes, maxInputBytes } = readLimits(opts);
  return {
    ...(maxFileBytes !== undefined
      ? { maxManifestFileBytes: maxFileBytes, maxCertificateFileBytes: maxFileBytes }
      : {}),
    ...(maxInputBytes !== undefined ? { maxInputBytes } : {}),
  };
}

function durationOption(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`${flag} ${value}: expected a duration such as 30d, 12h, 2w or 1y`);
  return ms;
}

async function discover(
  paths: string[],
  endpoints: EndpointSpec[],
  opts: CertsOptions,
  io: CliIo,
  timeoutMs: number,
): Promise<Discovery> {
  const live = paths.length === 0 && opts.cluster;
  const discovery = live
    ? await (await import('../../sources/tls/load-cluster-certificates.ts')).loadClusterCertificates({
        env: io.env,
        ...clusterConnection(opts),
        probeApiServer: opts.apiServer,
        timeoutMs,
        onWarning: (line) => io.stderr(`warning: ${line}\n`),
      })
    : paths.length > 0
      ? await readCertificatePaths(paths, { stdin: io.stdin, ...certificateReadLimits(opts) })
      : emptyDiscovery();
  await Promise.all(
    endpoints.map((spec) => probeEndpoint(spec, { timeoutMs, purpose: 'endpoint' }, discovery)),
  );
  return discovery;
}

export async function runCerts(paths: string[], opts: CertsOptions, io: CliIo): Promise<ExitCode> {
  if (paths.length > 0 && (opts.context || opts.namespace))
    throw new UsageError(
      '--context and --namespace apply to live clusters; give either paths or a context, not both',
    );
  const warnMs = durationOption('--warn', opts.warn);
  const criticalMs = durationOption('--critical', opts.critical);
  if (criticalMs > warnMs)
    throw new UsageError(
      `--critical ${opts.critical} is longer than --warn ${opts.warn}: critical must be the nearer threshold`,
    );
  const cliffWindowMs = durationOption('--cliff-window', opts.cliffWindow);
  const timeoutMs = durationOption('--timeout', opts.timeout);
  clusterConnection(opts); // a malformed --request-timeout or --exec-timeout fails before any work
  readLimits(opts); // so does a malformed --max-file-size or --max-input-size
  const expectValidityMs =
    opts.expectValidity !== undefined ? durationOption('--expect-validity', opts.expectValidity) : undefined;
  const endpoints = opts.endpoint.map((e) => parseEndpointSpec(e));
  if (paths.length === 0 && !opts.cluster && endpoints.length === 0)
    throw new UsageError('--no-cluster with no paths needs at least one --endpoint');
  const reports = parseReportSpecs(opts.report, CERT_FORMATS);
  const { config, source: configSource } = await loadConfig({
    cwd: io.cwd,
    ...(opts.config ? { file: resolve(io.cwd, opts.config) } : {}),
  });
  for (const warning of unknownConfigChecks(config, configSource)) io.stderr(`${warning}\n`);
  const failOnText = opts.failOn ?? config.failOn;
  const failOn: Severity | undefined = failOnText && isSeverity(failOnText) ? failOnText : undefined;

  const discovery = await discover(paths, endpoints, opts, io, timeoutMs);
  const now = runClock(io.env);
  const analysis = analyzeCertificates(discovery, {
    ...DEFAULT_ANALYSIS_OPTIONS,
    now,
    warnMs,
    criticalMs,
    cliffWindowMs,
    ...(expectValidityMs !== undefined ? { expectValidityMs } : {}),
  });
  const unmatched = matchWebhookEndpoints(analysis).unmatched.filter((b) => b.target.service || b.target.url);
  if (unmatched.length > 0) {
    const names = unmatched
      .slice(0, 5)
      .map(
        (b) =>
          `${b.resourceKind} ${b.resourceName}${b.target.service ? ` → ${b.target.service.name}.${b.target.service.namespace}.svc:${b.target.service.port}` : ''}`,
      );
    discovery.notes.push(
      `${unmatched.length} caBundle${unmatched.length === 1 ? ' was' : 's were'} not compared with what the webhook serves (${names.join(', ')}${unmatched.length > 5 ? ', …' : ''}): pass --endpoint NAME.NS.svc:PORT@ADDRESS:PORT`,
    );
  }
  for (const error of discovery.errors) io.stderr(`error: ${describeError(error)}\n`);
  for (const note of discovery.notes) io.stderr(`note: ${note}\n`);

  const result = runCertChecks(analysis, CERT_CHECKS, config);
  const live = paths.length === 0 && opts.cluster;
  const report: ScanReport = {
    tool: { name: 'hindsight', version: packageVersion() },
    generatedAt: now.toISOString(),
    target: live
      ? (opts.context ?? 'current context')
      : paths.length > 0
        ? paths.join(' ')
        : opts.endpoint.join(' '),
    inputs: {
      files: discovery.files,
      objects: discovery.objects,
      errors: discovery.errors.map(describeError),
      notes: discovery.notes,
    },
    summary: summarizeInventory(buildInventory([])),
    findings: result.findings,
    exempted: result.exempted,
    score: result.score,
    rules: CERT_CHECKS.map((c) =>
      ruleInfo({ ...c, lesson: LESSONS[c.lesson] }, result.stats.get(c.id), certCheckReadme(c.id)),
    ),
    ...(failOn ? { failOn } : {}),
  };
  const lineFormats: CertFormat[] = ['sarif', 'json', 'yaml', 'markdown'];
  if (lineFormats.includes(opts.output) || reports.length > 0)
    report.lines = await (await import('../../sources/manifests/locate.ts')).locateFindings([
      ...result.findings,
      ...result.exempted,
    ]);

  const color = io.isTty && !io.env.NO_COLOR;
  io.stdout(
    await renderCerts(opts.output, report, analysis, {
      cwd: io.cwd,
      color,
      live,
      showExempted: !!opts.showExempted,
    }),
  );
  for (const { format, file } of reports) {
    await writeFileAtomic(
      resolve(io.cwd, file),
      await renderCerts(format, report, analysis, {
        cwd: io.cwd,
        color: false,
        live,
        showExempted: !!opts.showExempted,
      }),
    );
    io.stderr(`wrote ${format} report to ${file}\n`);
  }
  if (failOn && result.findings.some((f) => atLeast(f.severity, failOn))) return EXIT.findings;
  return discovery.errors.length > 0 ? EXIT.partial : EXIT.ok;
}

function certSummary(analysis: CertAnalysis, report: ScanReport): Record<string, unknown> {
  const views = certificateViews(analysis);
  const count = (status: string): number => views.filter((v) => v.status === status).length;
  return {
    certificates: views.length,
    placements: analysis.inventory.records.reduce((n, r) => n + r.placements.length, 0),
    controlPlane: views.filter((v) => v.role.criticality === 'control-plane').length,
    expired: count('expired'),
    critical: count('critical'),
    warning: count('warning'),
    notYetValid: count('not-yet-valid'),
    unreadable: report.inputs.errors.length,
    cliffs: analysis.cliffs.map((c) => ({
      start: c.start.toISOString(),
      end: c.end.toISOString(),
      certificates: c.members.map((m) => m.fingerprint),
    })),
    thresholds: {
      warn: formatDuration(analysis.options.warnMs),
      critical: formatDuration(analysis.options.criticalMs),
      cliffWindow: formatDuration(analysis.options.cliffWindowMs),
      ...(analysis.options.expectValidityMs !== undefined
        ? { expectValidity: formatDuration(analysis.options.expectValidityMs) }
        : {}),
    },
  };
}

async function renderCerts(
  format: CertFormat,
  report: ScanReport,
  analysis: CertAnalysis,
  context: { cwd: string; color: boolean; live: boolean; showExempted: boolean },
): Promise<string> {
  const now = analysis.options.now;
  switch (format) {
    case 'table': {
      const distinct = analysis.inventory.records.length;
      const places = analysis.inventory.records.reduce((n, r) => n + r.placements.length, 0);
      const endpoints = analysis.discovery.endpoints.length;
      const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
      const from =
        [
          context.live ? 'live cluster' : '',
          !context.live && report.inputs.files > 0 ? plural(report.inputs.files, 'file') : '',
          endpoints > 0 ? plural(endpoints, 'endpoint') : '',
        ]
          .filter((p) => p !== '')
          .join(', ') || 'nothing';
      const header = `Read ${from}: ${distinct} certificates in ${places} places, ${report.inputs.errors.length} unreadable (thresholds: warn ${formatDuration(analysis.options.warnMs)}, critical ${formatDuration(analysis.options.criticalMs)})\n\n`;
      const timeline = renderTimeline(buildTimeline(analysis), { now, color: context.color, compact: true });
      const findings = renderTable(report, {
        color: context.color,
        summary: false,
        showExempted: context.showExempted,
      });
      return `${header}${timeline}\n${findings}`;
    }
    case 'timeline':
      return renderTimeline(buildTimeline(analysis), { now, color: context.color, compact: false });
    case 'json':
    case 'yaml': {
      const data = {
        ...reportData(report),
        summary: certSummary(analysis, report),
        certificates: certificateViews(analysis),
      };
      return format === 'json'
        ? `${JSON.stringify(data, null, 2)}\n`
        : dump(data, { noRefs: true, lineWidth: 120 });
    }
    case 'markdown':
      return `${renderMarkdown(report)}\n${renderTimelineMarkdown(buildTimeline(analysis), now)}`;
    case 'prometheus':
      return renderPrometheusMetrics(analysis, report.inputs.errors.length);
    case 'prometheusrule':
      return renderPrometheusRule({
        warnMs: analysis.options.warnMs,
        criticalMs: analysis.options.criticalMs,
      });
    case 'sarif':
    case 'junit':
      return render(format, report, { cwd: context.cwd, color: false });
  }
}
