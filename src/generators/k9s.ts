/**
 * k9s plugin entries that run hindsight on what is selected in k9s: a workload or a pod is
 * scanned, a Secret's certificates checked, a namespace scanned or costed. The entries follow
 * k9s' plugins file format (`plugins:` map of shortCut, description, scopes, command, args,
 * background; studied in derailed/k9s internal/config/json/schemas/plugins.json) and use the
 * variables k9s sets ($NAME, $NAMESPACE, $CONTEXT, $RESOURCE_NAME). Output goes through a pager,
 * as k9s gives a plugin the terminal.
 */

export interface K9sPlugin {
  shortCut: string;
  description: string;
  scopes: string[];
  command: string;
  args: string[];
  background: boolean;
  confirm?: boolean;
}

/** Every hindsight entry is named `hindsight-…`: installing replaces those and keeps the rest. */
export const K9S_PLUGIN_PREFIX = 'hindsight-';

// A shell parameter expansion, for sh: the user's pager, else less.
// biome-ignore lint/suspicious/noTemplateCurlyInString: this is shell syntax, not a template.
const PAGER = '${PAGER:-less -R}';

/** The plugins, by name. `bin` is how k9s starts hindsight (default: `hindsight` on PATH). */
export function k9sPlugins(bin = 'hindsight'): Record<string, K9sPlugin> {
  const shell = (script: string) => ['-c', `${script} 2>&1 | ${PAGER}`];
  return {
    'hindsight-scan': {
      shortCut: 'Shift-H',
      description: 'hindsight scan',
      scopes: ['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'cronjobs', 'jobs', 'pods'],
      command: 'sh',
      args: shell(
        `kubectl get "$RESOURCE_NAME" "$NAME" -n "$NAMESPACE" --context "$CONTEXT" -o json | ${bin} scan - --group-by rule --no-summary`,
      ),
      background: false,
    },
    'hindsight-certs': {
      shortCut: 'Shift-H',
      description: 'hindsight certs',
      scopes: ['secrets'],
      command: 'sh',
      args: shell(`kubectl get secret "$NAME" -n "$NAMESPACE" --context "$CONTEXT" -o json | ${bin} certs -`),
      background: false,
    },
    'hindsight-namespace': {
      shortCut: 'Shift-H',
      description: 'hindsight scan of the namespace',
      scopes: ['namespaces'],
      command: 'sh',
      args: shell(`${bin} scan --context "$CONTEXT" -n "$NAME" --group-by rule`),
      background: false,
    },
    'hindsight-cost': {
      shortCut: 'Shift-C',
      description: 'hindsight cost of the namespace (HINDSIGHT_PROMETHEUS_URL for right-sizing)',
      scopes: ['namespaces'],
      command: 'sh',
      args: shell(`${bin} cost --context "$CONTEXT" -n "$NAME"`),
      background: false,
    },
  };
}
