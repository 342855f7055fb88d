/**
 * The flags of every command that reads a live cluster — which cluster (`--kubeconfig`,
 * `--context`, `-n`) and how long to wait for it (`--request-timeout`, `--exec-timeout`) — and
 * their conversion into the loaders' options, so that scan, snapshot, certs and cost say and do
 * the same thing.
 */
import { type Command, Option } from 'commander';
import { UsageError } from '../core/errors.ts';
import { CLUSTER_CLIENT_DEFAULTS, type ClusterClientOptions } from '../sources/cluster/client-options.ts';
import { formatLimit } from '../sources/fs-errors.ts';

/** What commander hands a command for the options below. */
export interface ClusterFlagValues {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeout?: string;
  execTimeout?: string;
}

/** The cluster to read and the limits to read it under, spread into a loader's options. */
export interface ClusterConnection {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  client: ClusterClientOptions;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A timeout as kubectl's `--request-timeout` takes it: `30s`, `2m`, `1m30s`, `500ms`, or a bare
 * number of seconds; `0` means no limit. Undefined when `text` is none of these.
 */
export function parseTimeout(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const pair = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < trimmed.length) {
    pair.lastIndex = at;
    const match = pair.exec(trimmed);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    at = pair.lastIndex;
  }
  return trimmed === '' ? undefined : Math.round(total);
}

function timeoutFlag(flag: string, text: string): number {
  const ms = parseTimeout(text);
  if (ms === undefined)
    throw new UsageError(
      `${flag} ${text}: expected a duration such as 30s, 2m or 500ms, a number of seconds, or 0 for none`,
    );
  return ms;
}

export function kubeconfigOption(): Option {
  return new Option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)');
}

/** `--context`, described as the command uses it. */
export function contextOption(description: string): Option {
  return new Option('--context <name>', description);
}

/** `-n, --namespace`, described as the command uses it. */
export function namespaceOption(description: string): Option {
  return new Option('-n, --namespace <name>', description);
}

export function requestTimeoutOption(): Option {
  const connect = formatLimit(CLUSTER_CLIENT_DEFAULTS.connectTimeoutMs);
  const idle = formatLimit(CLUSTER_CLIENT_DEFAULTS.idleTimeoutMs);
  return new Option(
    '--request-timeout <duration>',
    `limit of one API server request, as kubectl's (30s, 2m, 500ms, or seconds; 0 = none). A server that does not connect in ${connect} or goes silent for ${idle} fails the run at once`,
  ).default(`${CLUSTER_CLIENT_DEFAULTS.requestTimeoutMs / 1000}s`);
}

export function execTimeoutOption(): Option {
  return new Option(
    '--exec-timeout <duration>',
    'kill a kubeconfig exec credential plugin (e.g. aws eks get-token) that has not answered in this long (0 = wait)',
  ).default(`${CLUSTER_CLIENT_DEFAULTS.execTimeoutMs / 1000}s`);
}

/** The loader options for the flags given; a malformed timeout is a usage error. */
export function clusterConnection(values: ClusterFlagValues): ClusterConnection {
  return {
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
    client: {
      ...(values.requestTimeout !== undefined
        ? { requestTimeoutMs: timeoutFlag('--request-timeout', values.requestTimeout) }
        : {}),
      ...(values.execTimeout !== undefined
        ? { execTimeoutMs: timeoutFlag('--exec-timeout', values.execTimeout) }
        : {}),
    },
  };
}

/**
 * The flags of a command that reads a live cluster, in the order help lists them: --kubeconfig,
 * --context, -n/--namespace (when the command takes one), --request-timeout, --exec-timeout.
 */
export function addClusterOptions(
  command: Command,
  describe: { context: string; namespace?: string },
): Command {
  command.addOption(kubeconfigOption()).addOption(contextOption(describe.context));
  if (describe.namespace !== undefined) command.addOption(namespaceOption(describe.namespace));
  return command.addOption(requestTimeoutOption()).addOption(execTimeoutOption());
}
