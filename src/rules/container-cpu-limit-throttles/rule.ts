import type { Edit } from '../../core/finding.ts';
import { formatCpu, parseQuantity } from '../../core/quantity.ts';
import { declared, limitRangeDefaults, longRunningContainers } from '../../core/resource-defaulting.ts';
import { servingContainers } from '../../core/serving.ts';
import { getAt } from '../../core/workload.ts';
import { speaksForWorkload } from '../../inventory/owning-workload.ts';
import { defineRule, ignoreNamespacesOption } from '../define-rule.ts';

const Options = ignoreNamespacesOption(
  'Namespaces where CPU limits are policy (multi-tenant or noisy batch namespaces): not judged',
  [],
);

export default defineRule({
  id: 'container-cpu-limit-throttles',
  category: 'reliability',
  severity: 'low',
  lesson: 'resource-limits',
  title: 'CPU limits throttle containers even on idle nodes',
  appliesTo: 'workloads',
  options: Options,
  messages: {
    limit:
      'container {container} has a CPU limit of {limit}: the kernel CFS quota gives it {quota} of CPU time per 100ms period and stops all its threads for the rest of the period once they are used, even when the node has idle cores',
    limitEqualsRequest:
      'container {container} has a CPU limit of {limit}, {equal} and below one core: it gets {quota} of CPU time per 100ms period, so every burst (garbage collection, JIT, TLS handshakes, startup) is throttled, even when the node has idle cores',
    servingLimit:
      'container {container} serves traffic ({reason}) with a CPU limit of {limit}: once it has used {quota} of CPU time in a 100ms period the kernel stops it until the next, which shows up as tail latency and failed probes even when the node has idle cores',
  },
  check(entry, ctx) {
    const namespace = entry.ref.namespace;
    if (namespace !== undefined && ctx.options.ignoreNamespaces.includes(namespace)) return;
    if (!speaksForWorkload(ctx.inventory, entry)) return;
    // A ResourceQuota on limits.cpu rejects pods without a CPU limit: here the limit is mandatory.
    const quotaRequiresLimit = ctx.inventory
      .ofKind('ResourceQuota')
      .some(
        (q) => q.ref.namespace === namespace && getAt(q.object, ['spec', 'hard', 'limits.cpu']) !== undefined,
      );
    if (quotaRequiresLimit) return;
    // A LimitRange default puts the limit back on pods that drop it: no fix to offer there.
    const rangeSetsLimit = limitRangeDefaults(
      ctx.inventory.ofKind('LimitRange').map((e) => e.object),
      namespace,
    ).limits.has('cpu');
    // Each container is judged on its own traffic: a sidecar beside a web server does not serve.
    const serving = servingContainers(
      entry.object,
      ctx.inventory.inNamespace('Service', entry.ref.namespace, entry).map((e) => e.object),
    );

    for (const { container, path } of longRunningContainers(entry.object)) {
      const { request, limit } = declared(container, 'cpu');
      if (limit === undefined) continue;
      const limitCores = parseQuantity(limit);
      if (limitCores === undefined || limitCores <= 0) continue;
      const requestCores = request === undefined ? limitCores : parseQuantity(request);
      const name = String(container.name ?? '');
      const tight =
        requestCores !== undefined && Math.abs(requestCores - limitCores) < 1e-9 && limitCores < 1;
      const served = serving.find((s) => s.container === container);
      const messageId = tight ? 'limitEqualsRequest' : served ? 'servingLimit' : 'limit';
      const reason = served?.reason ?? '';

      const edits: Edit[] = [];
      if (request === undefined)
        edits.push({ op: 'set', path: [...path, 'resources', 'requests', 'cpu'], value: limit });
      edits.push({ op: 'remove', path: [...path, 'resources', 'limits', 'cpu'] });

      ctx.report({
        messageId,
        data: {
          container: name,
          limit: formatCpu(limitCores),
          quota: `${Math.round(limitCores * 100 * 10) / 10}ms`,
          reason,
          equal: request === undefined ? 'which is also its request (none is set)' : 'equal to its request',
        },
        container: name,
        path: [...path, 'resources', 'limits', 'cpu'],
        ...(messageId === 'limit' ? {} : { severity: 'medium' as const }),
        ...(rangeSetsLimit
          ? {}
          : {
              fix: {
                description:
                  request === undefined
                    ? `keep ${String(limit)} as the CPU request and remove the CPU limit: the request still reserves the CPU, bursts use idle cores instead of being throttled (keep the memory limit)`
                    : 'remove the CPU limit and keep the request: the request still reserves the CPU, bursts use idle cores instead of being throttled (keep the memory limit)',
                edits,
              },
            }),
      });
    }
  },
});
