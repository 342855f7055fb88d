import { type Command, Option } from 'commander';
import { summarizeInventory } from '../../analyzers/inventory/summarize.ts';
import { describeError, UsageError } from '../../core/errors.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { renderSummaryText } from '../../reporters/summary-text.ts';
import { loadCluster } from '../../sources/cluster/load-cluster.ts';
import { loadManifests } from '../../sources/manifests/load-manifests.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';

interface ScanOptions {
  output: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
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
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to scan')
    .option('-n, --namespace <name>', 'only this namespace (live cluster)')
    .option('-A, --all-namespaces', 'all namespaces (live cluster; the default)')
    .addHelpText(
      'after',
      '\nExamples:\n  hindsight scan examples/\n  helm template ./chart | hindsight scan -\n  kubectl get all -A -o json > snap.json && hindsight scan snap.json\n  hindsight scan --context prod',
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
  const loaded = live
    ? await loadCluster({
        env: io.env,
        ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
        ...(opts.context ? { context: opts.context } : {}),
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        onWarning: (line) => io.stderr(`warning: ${line}\n`),
      })
    : await loadManifests(paths, { stdin: io.stdin });
  for (const error of loaded.errors) io.stderr(`error: ${describeError(error)}\n`);
  for (const note of loaded.notes) io.stderr(`note: ${note}\n`);
  const inventory = buildInventory(loaded.objects);
  for (const d of inventory.duplicates) {
    io.stderr(
      `warning: ${d.ref.kind} ${d.ref.namespace ? `${d.ref.namespace}/` : ''}${d.ref.name} appears twice (${d.first.source}, ${d.second.source}); the later one is used\n`,
    );
  }
  const summary = summarizeInventory(inventory);
  if (opts.output === 'json') {
    io.stdout(
      `${JSON.stringify({ summary, errors: loaded.errors.map(describeError), notes: loaded.notes }, null, 2)}\n`,
    );
  } else {
    const from = live ? 'live cluster' : `${loaded.files} file${loaded.files === 1 ? '' : 's'}`;
    io.stdout(`Scanned ${from}: ${loaded.objects.length} objects, ${loaded.errors.length} unreadable\n`);
    io.stdout(`${renderSummaryText(summary)}\n`);
  }
  return loaded.errors.length > 0 ? EXIT.partial : EXIT.ok;
}
