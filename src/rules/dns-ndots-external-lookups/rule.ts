import { dotsIn, isAbsolute, isClusterName, isDnsServer, podResolver } from '../../core/dns-names.ts';
import type { Fix } from '../../core/finding.ts';
import { podSpecAt, podSpecPath } from '../../core/workload.ts';
import { configuredHosts } from '../../inventory/configured-hosts.ts';
import { isControlledPod, speaksForWorkload } from '../../inventory/owning-workload.ts';
import { podLabels } from '../../inventory/selectors.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/** The value hindsight suggests: every external name with two or more dots goes out as written first. */
const SUGGESTED_NDOTS = '2';

export default defineRule({
  id: 'dns-ndots-external-lookups',
  category: 'operations',
  severity: 'low',
  lesson: 'dns',
  title: 'External host names should not walk the cluster search domains (ndots:5)',
  appliesTo: 'workloads',
  messages: {
    searchDomainsFirst:
      'ndots:{ndots} sends {host} ({source}) through the cluster search domains before the real query: at least 3 extra NXDOMAIN lookups to CoreDNS each time, twice with A and AAAA{others}',
  },
  check(entry, ctx) {
    if (!speaksForWorkload(ctx.inventory, entry)) return NOT_APPLICABLE;
    const spec = podSpecAt(entry.object);
    const base = podSpecPath(entry.object.kind);
    if (!spec || !base) return NOT_APPLICABLE;
    if (isDnsServer(podLabels(entry), entry.ref.name)) return NOT_APPLICABLE;
    const resolver = podResolver(spec);
    // Pods that do not use the cluster search list are not this rule's to judge.
    if (resolver.mode !== 'cluster') return NOT_APPLICABLE;
    const taxed = configuredHosts(ctx.inventory, entry).filter(
      ({ host }) =>
        !isAbsolute(host) && !isClusterName(host) && dotsIn(host) >= 2 && dotsIn(host) < resolver.ndots,
    );
    const first = taxed[0];
    if (!first) return;
    const others =
      taxed.length > 1
        ? ` (and ${taxed.length - 1} more: ${taxed
            .slice(1, 4)
            .map((t) => t.host)
            .join(', ')}${taxed.length > 4 ? ', …' : ''})`
        : '';
    const optionsPath = [...base, 'dnsConfig', 'options'];
    const fix: Fix = {
      description: `set dnsConfig option ndots to ${SUGGESTED_NDOTS}: names with two or more dots are tried as written first; short Service names still resolve through the search list`,
      edits:
        resolver.ndotsOptionIndex !== undefined
          ? [
              {
                op: 'set',
                path: [...optionsPath, resolver.ndotsOptionIndex, 'value'],
                value: SUGGESTED_NDOTS,
              },
            ]
          : [{ op: 'add-to-list', path: optionsPath, value: { name: 'ndots', value: SUGGESTED_NDOTS } }],
    };
    ctx.report({
      messageId: 'searchDomainsFirst',
      data: { ndots: resolver.ndots, host: first.host, source: first.source, others },
      path: resolver.ndotsOptionIndex !== undefined ? [...optionsPath, resolver.ndotsOptionIndex] : [...base],
      // A controlled Pod's spec comes from its template: the fix belongs there, not on the Pod.
      ...(isControlledPod(entry.object) ? {} : { fix }),
    });
  },
});
