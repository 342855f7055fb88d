/** `hindsight helm`, the run: read Helm's storage and Flux's HelmReleases, analyse, render. */
import { parseDuration } from '../../analyzers/certs/duration.ts';
import {
  analyzeHelmReleases,
  type HelmInventoryReport,
  type HelmReleaseSummary,
} from '../../analyzers/helm/releases.ts';
import { describeError, UsageError } from '../../core/errors.ts';
import { parseMinor } from '../../data/deprecated-apis.ts';
import { loadHelmStorage } from '../../sources/cluster/helm-storage.ts';
import { decodeHelmStorage } from '../../sources/helm-releases/storage.ts';
import { runClock } from '../clock.ts';
import { clusterConnection } from '../cluster-flags.ts';
import { padColumns } from '../columns.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import type { HelmOptions } from './helm.ts';

const BLOCKING = new Set([
  'release-stuck-pending',
  'release-failed',
  'release-never-deployed',
  'release-api-removed',
]);

export async function runHelm(opts: HelmOptions, io: CliIo): Promise<ExitCode> {
  const stuckAfterMs = parseDuration(opts.stuckAfter);
  if (stuckAfterMs === undefined)
    throw new UsageError(`--stuck-after ${opts.stuckAfter}: expected a duration like 15m or 1h`);
  if (opts.targetVersion !== undefined && !parseMinor(opts.targetVersion))
    throw new UsageError(`--target-version ${opts.targetVersion}: expected a Kubernetes release like 1.36`);
  const now = runClock(io.env);
  const loaded = await loadHelmStorage({
    env: io.env,
    ...clusterConnection(opts),
    onWarning: (line) => io.stderr(`warning: ${line}\n`),
  });
  const errors = loaded.errors.map(describeError);
  const decoded = decodeHelmStorage(loaded.storage.map((o) => o.object));
  errors.push(...decoded.errors);
  const revisions = decoded.revisions;
  for (const e of errors) io.stderr(`error: ${e}\n`);
  if (!loaded.reached) return EXIT.partial;
  const cluster = loaded.serverVersion ? parseMinor(loaded.serverVersion) : undefined;
  const targetVersion = opts.targetVersion
    ? (parseMinor(opts.targetVersion) as [number, number]).join('.')
    : cluster
      ? cluster.join('.')
      : '1.35';
  const report = analyzeHelmReleases(
    revisions,
    loaded.fluxHelmReleases.map((o) => o.object),
    { now, targetVersion, stuckAfterMs },
  );
  io.stdout(
    opts.output === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : renderTable(report, cluster !== undefined || opts.targetVersion !== undefined),
  );
  if (errors.length > 0) return EXIT.partial;
  return report.releases.some((r) => r.problems.some((p) => BLOCKING.has(p.id))) ? EXIT.findings : EXIT.ok;
}

function age(iso: string | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '?';
}

function fluxColumn(r: HelmReleaseSummary): string {
  if (!r.owner) return '-';
  const state = r.owner.suspended
    ? 'suspended'
    : r.owner.ready === 'True'
      ? 'ready'
      : r.owner.ready === 'False'
        ? 'not ready'
        : '?';
  return `${r.owner.namespace}/${r.owner.name} (${state})`;
}

function renderTable(report: HelmInventoryReport, versionKnown: boolean): string {
  if (report.releases.length === 0) return 'no Helm releases found\n';
  const rows = [
    ['NAMESPACE', 'NAME', 'REVISION', 'STATUS', 'CHART', 'APP VERSION', 'UPDATED (UTC)', 'FLUX HELMRELEASE'],
    ...report.releases.map((r) => [
      r.namespace,
      r.name,
      String(r.revision),
      r.status,
      `${r.chart}-${r.chartVersion}`,
      r.appVersion ?? '',
      age(r.updated),
      fluxColumn(r),
    ]),
  ];
  const lines = [padColumns(rows), ''];
  for (const r of report.releases) {
    const notes = [
      ...r.problems.map((p) => `  ${p.severity.padEnd(8)} ${p.id}: ${p.message}`),
      ...(r.valuesChanged.length > 0
        ? [
            `  changed  values set differently in revision ${r.deployedRevision} than before: ${r.valuesChanged.join(', ')}`,
          ]
        : []),
      ...(r.owner?.ready === 'False' && r.owner.message ? [`  flux     ${r.owner.message}`] : []),
    ];
    if (notes.length > 0) lines.push(`${r.namespace}/${r.name}:`, ...notes, '');
  }
  const blocked = report.releases.filter((r) => r.problems.some((p) => BLOCKING.has(p.id))).length;
  lines.push(
    `${report.releases.length} releases, ${blocked} need attention; manifests checked against Kubernetes ${report.targetVersion}${versionKnown ? '' : ' (the cluster did not say its version; use --target-version)'}`,
  );
  return `${lines.join('\n')}\n`;
}
