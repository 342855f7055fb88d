import { type Command, Option } from 'commander';
import { SEVERITIES } from '../../core/severity.ts';
import { FORMATS } from '../../reporters/formats.ts';
import { addClusterOptions, type ClusterFlagValues } from '../cluster-flags.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { maxFileSizeOption, maxInputSizeOption, type ReadLimitFlagValues } from '../read-limit-flags.ts';

/** Output formats of `certs`: scan's, plus the timeline and the Prometheus shapes. */
export const CERT_FORMATS = [...FORMATS, 'timeline', 'prometheus', 'prometheusrule'] as const;
/** One output format of `certs`. */
export type CertFormat = (typeof CERT_FORMATS)[number];

export interface CertsOptions extends ClusterFlagValues, ReadLimitFlagValues {
  output: CertFormat;
  report: string[];
  failOn?: string;
  config?: string;
  warn: string;
  critical: string;
  cliffWindow: string;
  expectValidity?: string;
  endpoint: string[];
  timeout: string;
  apiServer: boolean;
  cluster: boolean;
  showExempted?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `hindsight certs` to the program. */
export function registerCerts(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const command = program
    .command('certs')
    .description(
      'find every certificate that can take the cluster down: PKI directories, kubeconfigs, Secrets, webhooks, cert-manager, live endpoints — expiry, cliffs, chains, configured vs issued validity',
    )
    .argument(
      '[paths...]',
      'certificate files and directories (/etc/kubernetes/pki, /srv/kubernetes), kubeconfigs, manifests or snapshots; - reads stdin; none reads the cluster of the current context',
    )
    .addOption(
      new Option('-o, --output <format>', 'format on stdout').choices([...CERT_FORMATS]).default('table'),
    )
    .option(
      '--report <format=file>',
      `also write a report to a file, repeatable (formats: ${CERT_FORMATS.join(', ')})`,
      collect,
      [],
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([
        ...SEVERITIES,
      ]),
    )
    .option('--config <file>', 'config file (default: .hindsight.yaml in the current directory, if present)')
    .option('--warn <duration>', 'warn when less than this is left (h, d, w, y)', '30d')
    .option('--critical <duration>', 'critical when less than this is left', '7d')
    .option(
      '--cliff-window <duration>',
      'critical certificates expiring within this of each other are one cliff',
      '7d',
    )
    .option('--expect-validity <duration>', 'flag leaf certificates issued for less than this (e.g. 2y)')
    .option(
      '--endpoint <host:port>',
      'also probe a live TLS endpoint and record the chain it serves, repeatable; name.ns.svc:443@ADDRESS:PORT reaches a webhook Service through a port-forward',
      collect,
      [],
    )
    .option(
      '--timeout <duration>',
      'limit of each TLS probe (--endpoint, and the API server): TCP connect and handshake',
      '5s',
    )
    .option('--no-api-server', "do not probe the current context's API server (live cluster)")
    .option('--no-cluster', 'with no paths, read no cluster: probe only the --endpoint values')
    .option('--show-exempted', 'list exempted findings with their reasons (table output)');
  addClusterOptions(command, {
    context: 'kubeconfig context to read',
    namespace: 'only Secrets, ConfigMaps and Certificates in this namespace (live cluster)',
  });
  command
    .addOption(maxFileSizeOption('; certificate and kubeconfig files: 8Mi'))
    .addOption(maxInputSizeOption())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sudo hindsight certs /etc/kubernetes/pki /etc/kubernetes/*.conf',
        '  hindsight certs --expect-validity 2y /srv/kubernetes /mnt/master-vol',
        '  hindsight certs --context prod --endpoint api.example.com:443 --fail-on high',
        '  kubectl get secrets,validatingwebhookconfigurations -A -o json | hindsight certs -',
        '  hindsight certs -o prometheusrule --warn 28d --critical 14d > rules.yaml',
      ].join('\n'),
    )
    .action(async (paths: string[], opts: CertsOptions) => {
      const { runCerts } = await import('./certs-run.ts');
      setExit(await runCerts(paths, opts, io));
    });
}
