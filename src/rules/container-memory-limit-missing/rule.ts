import {
  declared,
  limitRangeDefaults,
  limitSource,
  longRunningContainers,
} from '../../core/resource-defaulting.ts';
import { podSpecAt } from '../../core/workload.ts';
import { speaksForWorkload } from '../../inventory/owning-workload.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'container-memory-limit-missing',
  category: 'reliability',
  severity: 'medium',
  lesson: 'resource-limits',
  title: 'Containers must have a memory limit',
  appliesTo: 'workloads',
  messages: {
    missing:
      'container {container} has no memory limit: a leak or a spike grows until the node runs out of memory, and then the kernel OOM killer and kubelet eviction take neighbouring pods down with it',
    missingAboveRequest:
      'container {container} has no memory limit above its {request} request: whatever it uses beyond {request} is taken from the node, and when the node runs out the kernel OOM killer and kubelet eviction take neighbouring pods down with it',
  },
  check(entry, ctx) {
    if (!speaksForWorkload(ctx.inventory, entry)) return;
    const spec = podSpecAt(entry.object);
    const defaults = limitRangeDefaults(
      ctx.inventory.ofKind('LimitRange').map((e) => e.object),
      entry.ref.namespace,
    );
    for (const { container, path } of longRunningContainers(entry.object)) {
      if (limitSource(container, 'memory', spec, defaults) !== undefined) continue;
      const name = String(container.name ?? '');
      const { request } = declared(container, 'memory');
      ctx.report({
        messageId: request !== undefined ? 'missingAboveRequest' : 'missing',
        data: { container: name, ...(request !== undefined ? { request: String(request) } : {}) },
        container: name,
        path: [...path, 'resources'],
      });
    }
  },
});
