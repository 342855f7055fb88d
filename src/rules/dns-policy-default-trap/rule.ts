import { isClusterName, isDnsServer, podResolver } from '../../core/dns-names.ts';
import { podSpecAt, podSpecPath } from '../../core/workload.ts';
import { configuredHosts } from '../../inventory/configured-hosts.ts';
import { isControlledPod, speaksForWorkload } from '../../inventory/owning-workload.ts';
import { podLabels } from '../../inventory/selectors.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

export default defineRule({
  id: 'dns-policy-default-trap',
  category: 'operations',
  severity: 'medium',
  lesson: 'dns',
  title: 'dnsPolicy must let pods resolve cluster Service names',
  appliesTo: 'workloads',
  messages: {
    defaultPolicy:
      "dnsPolicy: Default is not the default: it gives the pod the node's resolv.conf, so Service names (<service>.<namespace>.svc) do not resolve from it; the default is ClusterFirst",
    defaultPolicyClusterNames:
      "dnsPolicy: Default gives the pod the node's resolv.conf, so {host} ({source}) will not resolve: the node's resolver knows nothing of cluster Services",
    hostNetworkClusterNames:
      "hostNetwork pod with dnsPolicy {dnsPolicy} resolves through the node's resolv.conf, so {host} ({source}) will not resolve: hostNetwork pods need dnsPolicy: ClusterFirstWithHostNet to use cluster DNS",
  },
  check(entry, ctx) {
    if (!speaksForWorkload(ctx.inventory, entry)) return NOT_APPLICABLE;
    const spec = podSpecAt(entry.object);
    const base = podSpecPath(entry.object.kind);
    if (!spec || !base) return NOT_APPLICABLE;
    if (isDnsServer(podLabels(entry), entry.ref.name)) return NOT_APPLICABLE;
    const resolver = podResolver(spec);
    if (resolver.mode === 'custom') return NOT_APPLICABLE;
    if (resolver.mode !== 'node') return;
    const clusterHost = configuredHosts(ctx.inventory, entry).find(({ host }) => isClusterName(host));
    const withFix = (value: string, description: string) =>
      isControlledPod(entry.object)
        ? {}
        : { fix: { description, edits: [{ op: 'set' as const, path: [...base, 'dnsPolicy'], value }] } };

    if (resolver.hostNetwork) {
      // Node agents on the host network are right to use the node's resolver — unless they
      // are configured to reach cluster Services.
      if (!clusterHost) return;
      ctx.report({
        messageId: 'hostNetworkClusterNames',
        severity: 'high',
        data: { dnsPolicy: resolver.dnsPolicy, host: clusterHost.host, source: clusterHost.source },
        path: [...base, spec.dnsPolicy === undefined ? 'hostNetwork' : 'dnsPolicy'],
        ...withFix(
          'ClusterFirstWithHostNet',
          'use cluster DNS (with the node resolver as upstream) from the host network',
        ),
      });
      return;
    }
    const fix = withFix(
      'ClusterFirst',
      'use the cluster resolver: Service names resolve, everything else is forwarded to the node resolver',
    );
    if (clusterHost)
      ctx.report({
        messageId: 'defaultPolicyClusterNames',
        severity: 'high',
        data: { host: clusterHost.host, source: clusterHost.source },
        path: [...base, 'dnsPolicy'],
        ...fix,
      });
    else ctx.report({ messageId: 'defaultPolicy', path: [...base, 'dnsPolicy'], ...fix });
  },
});
