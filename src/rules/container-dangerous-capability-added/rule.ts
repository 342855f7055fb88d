import { capabilityRisk, normalizeCapability } from '../../core/linux-capabilities.ts';
import { isWindowsPod } from '../../core/pod-os.ts';
import { containerContext } from '../../core/security-context.ts';
import { containersAt, podSpecAt } from '../../core/workload.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'container-dangerous-capability-added',
  category: 'security',
  severity: 'high',
  lesson: 'security-baseline',
  title: 'Containers must not add capabilities that break out of the container',
  appliesTo: 'workloads',
  messages: {
    addsAll: 'container {container} adds ALL capabilities: {why}',
    adds: 'container {container} adds {capability}: it can {why}',
  },
  check(entry, ctx) {
    const spec = podSpecAt(entry.object);
    if (isWindowsPod(spec)) return;
    for (const { container, path } of containersAt(entry.object, { init: true })) {
      const sc = containerContext(container);
      // Privileged already means every capability: container-privileged reports it once, as critical.
      if (sc.privileged === true) continue;
      const capabilities = sc.capabilities;
      const add =
        capabilities !== null && typeof capabilities === 'object' && Array.isArray(capabilities.add)
          ? capabilities.add
          : [];
      const name = String(container.name ?? '');
      const seen = new Set<string>();
      add.forEach((raw, index) => {
        const capability = normalizeCapability(raw);
        if (capability === undefined || seen.has(capability)) return;
        seen.add(capability);
        const risk = capabilityRisk(capability);
        if (!risk) return;
        ctx.report({
          messageId: capability === 'ALL' ? 'addsAll' : 'adds',
          data: { container: name, capability, why: risk.why },
          container: name,
          path: [...path, 'securityContext', 'capabilities', 'add', index],
          severity: risk.severity,
        });
      });
    }
  },
});
