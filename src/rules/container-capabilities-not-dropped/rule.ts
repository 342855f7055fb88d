import { normalizeCapability } from '../../core/linux-capabilities.ts';
import { isWindowsPod } from '../../core/pod-os.ts';
import { containerContext } from '../../core/security-context.ts';
import { containersAt, podSpecAt } from '../../core/workload.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'container-capabilities-not-dropped',
  category: 'security',
  severity: 'medium',
  lesson: 'security-baseline',
  title: 'Containers should drop ALL capabilities and add back only what they need',
  appliesTo: 'workloads',
  messages: {
    noDrop:
      "container {container} does not drop capabilities: it keeps the runtime's default set (CHOWN, DAC_OVERRIDE, FOWNER, NET_RAW, SETUID, SETGID, …)",
    partialDrop:
      "container {container} drops {dropped} but not ALL: it keeps the rest of the runtime's default set",
  },
  check(entry, ctx) {
    const spec = podSpecAt(entry.object);
    if (isWindowsPod(spec)) return;
    for (const { container, path } of containersAt(entry.object, { init: true })) {
      const sc = containerContext(container);
      // A privileged container has every capability whatever it drops: container-privileged says so.
      if (sc.privileged === true) continue;
      const capabilities = sc.capabilities;
      const rawDrop =
        capabilities !== null && typeof capabilities === 'object' && Array.isArray(capabilities.drop)
          ? capabilities.drop
          : [];
      // Runtimes match ALL case-insensitively but take it only bare: `CAP_ALL` drops nothing.
      if (rawDrop.some((c) => typeof c === 'string' && c.trim().toUpperCase() === 'ALL')) continue;
      const dropped = rawDrop
        .filter((c): c is string => normalizeCapability(c) !== undefined)
        .map((c) => c.trim());
      const name = String(container.name ?? '');
      const dropPath = [...path, 'securityContext', 'capabilities', 'drop'];
      ctx.report({
        messageId: dropped.length === 0 ? 'noDrop' : 'partialDrop',
        data: { container: name, dropped: dropped.join(', ') },
        container: name,
        path: dropped.length === 0 ? [...path, 'securityContext'] : dropPath,
        fix: {
          description:
            'drop ALL capabilities (capabilities the process needs go back under capabilities.add)',
          edits: [{ op: 'add-to-list', path: dropPath, value: 'ALL' }],
        },
      });
    }
  },
});
