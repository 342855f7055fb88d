import { limitRangeDefaults, longRunningContainers, requestSource } from '../../core/resource-defaulting.ts';
import { podSpecAt } from '../../core/workload.ts';
import { speaksForWorkload } from '../../inventory/owning-workload.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'container-requests-missing',
  category: 'reliability',
  severity: 'medium',
  lesson: 'resource-limits',
  title: 'Containers must request the CPU and memory they use',
  appliesTo: 'workloads',
  messages: {
    cpu: 'container {container} has no CPU request: the scheduler places it as if it needed no CPU, it gets the smallest share when the node is busy, and an HPA on CPU utilization cannot compute it',
    memory:
      'container {container} has no memory request: the scheduler places it as if it needed no memory, so nodes are overcommitted, and under memory pressure the kubelet evicts pods that use more than they request first',
    both: 'container {container} has neither a CPU nor a memory request: it is scheduled as if it needed nothing{bestEffort}',
  },
  check(entry, ctx) {
    if (!speaksForWorkload(ctx.inventory, entry)) return;
    const spec = podSpecAt(entry.object);
    const defaults = limitRangeDefaults(
      ctx.inventory.ofKind('LimitRange').map((e) => e.object),
      entry.ref.namespace,
    );
    const containers = longRunningContainers(entry.object);
    const missing = containers.map(({ container }) => ({
      cpu: requestSource(container, 'cpu', spec, defaults) === undefined,
      memory: requestSource(container, 'memory', spec, defaults) === undefined,
    }));
    // BestEffort: no container has a request (or a limit, which defaults it) for either resource.
    const bestEffort = missing.length > 0 && missing.every((m) => m.cpu && m.memory);
    containers.forEach(({ container, path }, i) => {
      const m = missing[i];
      if (!m || (!m.cpu && !m.memory)) return;
      const name = String(container.name ?? '');
      const messageId = m.cpu && m.memory ? 'both' : m.cpu ? 'cpu' : 'memory';
      ctx.report({
        messageId,
        data: {
          container: name,
          bestEffort: bestEffort
            ? ', and with no requests or limits in the pod at all it is BestEffort: the first pod evicted under node pressure'
            : '',
        },
        container: name,
        path: [...path, 'resources'],
        ...(messageId === 'both' && bestEffort ? { severity: 'high' as const } : {}),
      });
    });
  },
});
