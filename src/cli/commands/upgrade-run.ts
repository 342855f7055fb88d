/** `hindsight upgrade`, the run: read the cluster (or files), its API server and Helm, analyse, render. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { analyzeUpgrade, type UpgradeReport, type Verdict } from '../../analyzers/upgrade/readiness.ts';
import { ConfigError, describeError, UsageError } from '../../core/errors.ts';
import { parseMinor } from '../../data/deprecated-apis.ts';
import { EKS_CALENDAR_DATE, EKS_VERSIONS, type EksVersion } from '../../data/eks-versions.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { type ApiServerFacts, readApiServerFacts } from '../../sources/cluster/api-server-facts.ts';
import { loadHelmStorage } from '../../sources/cluster/helm-storage.ts';
import { clusterError, loadCluster } from '../../sources/cluster/load-cluster.ts';
import { openClusterClient } from '../../sources/cluster/open-client.ts';
import { decodeHelmStorage, type HelmRevision } from '../../sources/helm-releases/storage.ts';
import { type LoadResult, loadManifests } from '../../sources/manifests/load-manifests.ts';
import { runClock } from '../clock.ts';
import { type ClusterConnection, clusterConnection } from '../cluster-flags.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import type { UpgradeOptions } from './upgrade.ts';

async function readCalendar(file: string | undefined, io: CliIo): Promise<readonly EksVersion[]> {
  if (!file) return EKS_VERSIONS;
  let rows: unknown;
  try {
    rows = JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'));
  } catch (error) {
    throw new ConfigError(`--eks-calendar ${file}: ${(error as Error).message}`, { cause: error });
  }
  const date = /^\d{4}-\d{2}-\d{2}$/;
  const ok = (r: unknown): r is EksVersion => {
    const v = r as Record<string, unknown>;
    return (
      typeof v?.version === 'string' &&
      parseMinor(v.version) !== undefined &&
      ['released', 'endOfStandardSupport', 'endOfExtendedSupport'].every(
        (k) => typeof v[k] === 'string' && date.test(v[k] as string),
      )
    );
  };
  if (!Array.isArray(rows) || !rows.every(ok))
    throw new ConfigError(
      `--eks-calendar ${file}: expected a JSON array of {version: "1.36", released, endOfStandardSupport, endOfExtendedSupport} with dates as YYYY-MM-DD`,
    );
  return rows;
}

async function readLive(connection: ClusterConnection, opts: UpgradeOptions, io: CliIo) {
  const onWarning = (line: string) => io.stderr(`warning: ${line}\n`);
  const loaded = await loadCluster({ env: io.env, ...connection, onWarning });
  const client = openClusterClient({ env: io.env, ...connection });
  let facts: ApiServerFacts = {};
  try {
    facts = await readApiServerFacts(client);
  } catch (error) {
    loaded.errors.push(clusterError(error, client.source, 'reading the API server’s version and metrics'));
  } finally {
    client.close();
  }
  let helm: HelmRevision[] | undefined;
  if (opts.helmReleases) {
    const storage = await loadHelmStorage({ env: io.env, ...connection, onWarning }, { flux: false });
    const decoded = decodeHelmStorage(storage.storage.map((o) => o.object));
    for (const e of decoded.errors) io.stderr(`error: ${e}\n`);
    helm = decoded.revisions;
    loaded.errors.push(...storage.errors);
  }
  return { loaded, facts, helm };
}

export async function runUpgrade(paths: string[], opts: UpgradeOptions, io: CliIo): Promise<ExitCode> {
  if (!parseMinor(opts.to)) throw new UsageError(`--to ${opts.to}: expected a Kubernetes release like 1.36`);
  if (opts.from !== undefined && !parseMinor(opts.from))
    throw new UsageError(`--from ${opts.from}: expected a Kubernetes release like 1.35`);
  if (paths.length > 0 && opts.helmReleases)
    throw new UsageError('--helm-releases reads the live cluster: give no paths with it');
  const now = runClock(io.env);
  const calendar = await readCalendar(opts.eksCalendar, io);
  const live = paths.length === 0;
  let loaded: LoadResult;
  let facts: ApiServerFacts = {};
  let helm: HelmRevision[] | undefined;
  if (live) ({ loaded, facts, helm } = await readLive(clusterConnection(opts), opts, io));
  else loaded = await loadManifests(paths, { stdin: io.stdin, env: io.env });
  for (const e of loaded.errors) io.stderr(`error: ${describeError(e)}\n`);
  if (loaded.objects.length === 0 && loaded.errors.length > 0) {
    io.stderr('nothing was read: no verdict\n');
    return EXIT.partial;
  }
  const currentVersion = opts.from ?? facts.version;
  const report = analyzeUpgrade({
    inventory: buildInventory(loaded.objects),
    live,
    ...(currentVersion ? { currentVersion } : {}),
    targetVersion: opts.to,
    ...(facts.requestedDeprecated ? { requestedDeprecated: facts.requestedDeprecated } : {}),
    ...(facts.problem ? { requestedDeprecatedProblem: facts.problem } : {}),
    ...(helm ? { helmRevisions: helm } : {}),
    calendar,
    now,
  });
  io.stdout(
    opts.output === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : renderChecklist(report, opts.eksCalendar === undefined),
  );
  if (loaded.errors.length > 0) return EXIT.partial;
  return report.verdict === 'blocker' ? EXIT.findings : EXIT.ok;
}

const MARK: Record<Verdict, string> = {
  blocker: 'BLOCKER',
  action: 'ACTION ',
  unknown: 'UNKNOWN',
  ok: 'OK     ',
};

function unchecked(report: UpgradeReport): string {
  const n = report.items.filter((i) => i.verdict === 'unknown').length;
  return n === 0 ? '' : ` (${n} of ${report.items.length} items could not be checked)`;
}

function renderChecklist(report: UpgradeReport, bundledCalendar: boolean): string {
  const lines = [
    `Upgrade ${report.from ?? '?'} → ${report.to}: ${report.verdict === 'blocker' ? 'blocked' : report.verdict === 'action' ? 'possible, with actions first' : 'ready'}${unchecked(report)}`,
    `Path: ${report.from ? `${report.from} → ` : ''}${report.path.join(' → ')} (EKS upgrades the control plane one minor version at a time)`,
    '',
  ];
  report.items.forEach((item, i) => {
    lines.push(`${String(i + 1).padStart(2)}. ${MARK[item.verdict]}  ${item.title}: ${item.summary}`);
    const shown = item.details.slice(0, 20);
    for (const d of shown) lines.push(`      - ${d}`);
    if (item.details.length > shown.length)
      lines.push(`      … and ${item.details.length - shown.length} more (-o json lists all)`);
  });
  if (bundledCalendar)
    lines.push('', `EKS calendar as of ${EKS_CALENDAR_DATE} (newer: --eks-calendar FILE).`);
  return `${lines.join('\n')}\n`;
}
