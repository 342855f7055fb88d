import type { Command } from 'commander';
import type { Format, GroupBy } from '../../reporters/formats.ts';
import {
  type ClusterFlagValues,
  contextOption,
  execTimeoutOption,
  kubeconfigOption,
  namespaceOption,
  requestTimeoutOption,
} from '../cluster-flags.ts';
import {
  collect,
  configOption,
  failOnOption,
  groupByOption,
  minSeverityOption,
  outputOption,
  quietOption,
  reportOption,
  showExemptedOption,
} from '../finding-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { maxFileSizeOption, maxInputSizeOption, type ReadLimitFlagValues } from '../read-limit-flags.ts';

export interface ScanOptions extends ClusterFlagValues, ReadLimitFlagValues {
  output: Format;
  report: string[];
  failOn?: string;
  config?: string;
  targetVersion?: string;
  showExempted?: boolean;
  helmReleases?: boolean;
  summary: boolean;
  allNamespaces?: boolean;
  chart: string[];
  values: string[];
  set: string[];
  releaseName?: string;
  valuesMatrix?: string;
  groupBy: GroupBy;
  minSeverity?: string;
  quiet?: boolean;
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
    .addOption(outputOption())
    .addOption(reportOption())
    .addOption(failOnOption())
    .addOption(configOption())
    .option('--target-version <version>', 'Kubernetes version to check API deprecations against, e.g. 1.35')
    .option(
      '--helm-releases',
      "scan what Helm deployed: the manifests in Helm's release Secrets or ConfigMaps (newest deployed revision), from the cluster or a snapshot",
    )
    .addOption(showExemptedOption())
    .option('--no-summary', 'leave the inventory summary out of the table output')
    .addOption(groupByOption('namespace'))
    .addOption(minSeverityOption())
    .addOption(quietOption())
    .addOption(kubeconfigOption())
    .addOption(contextOption('kubeconfig context to scan'))
    .addOption(
      namespaceOption(
        'only this namespace: on the live cluster, and in files (objects of other namespaces are left out); the release namespace of Helm charts',
      ),
    )
    .option('-A, --all-namespaces', 'all namespaces (live cluster; the default)')
    .addOption(requestTimeoutOption())
    .addOption(execTimeoutOption())
    .addOption(maxFileSizeOption())
    .addOption(maxInputSizeOption())
    .option(
      '--chart <dir>',
      'a Helm chart to render with your helm and scan (repeatable; or give its directory as a path)',
      collect,
      [],
    )
    .option(
      '-f, --values <file>',
      'Helm values file for the charts, as helm template -f (repeatable)',
      collect,
      [],
    )
    .option(
      '--set <key=value>',
      'Helm value for the charts, as helm template --set (repeatable)',
      collect,
      [],
    )
    .option('--release-name <name>', 'Helm release name for the charts (default: the chart name)')
    .option(
      '--values-matrix <dir-or-glob>',
      "one render per values file, each an environment named by its file (values-prod.yaml: prod), e.g. 'charts/api/values-*.yaml'",
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  hindsight scan examples/repo',
        '  hindsight scan charts/api -f charts/api/values-prod.yaml      # a Helm chart, rendered with your helm',
        "  hindsight scan charts/api --values-matrix 'charts/api/values-*.yaml'",
        '  hindsight scan deploy/overlays/prod                            # a kustomization, built with your kubectl',
        '  helm template ./chart | hindsight scan -',
        '  kubectl get all,pdb,hpa -A -o json > snap.json && hindsight scan snap.json',
        '  hindsight scan --context prod --fail-on high --report sarif=hindsight.sarif --report junit=hindsight.xml',
      ].join('\n'),
    )
    .action(async (paths: string[], opts: ScanOptions) => {
      const { runScan } = await import('./scan-run.ts');
      setExit(await runScan(paths, opts, io));
    });
}
