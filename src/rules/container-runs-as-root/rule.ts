import { effectiveContext } from '../../core/security-context.ts';
import { containersAt, podSpecAt } from '../../core/workload.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'container-runs-as-root',
  category: 'security',
  severity: 'high',
  lesson: 'security-baseline',
  title: 'Containers must not run as root',
  appliesTo: 'workloads',
  messages: {
    uidZero: 'container {container} runs as root: runAsUser is 0',
    mayRunAsRoot:
      'container {container} may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set, so the image decides',
  },
  check(entry, ctx) {
    const spec = podSpecAt(entry.object);
    for (const { container, path } of containersAt(entry.object, { init: true })) {
      const sc = effectiveContext(container, spec);
      const name = String(container.name ?? '');
      if (sc.runAsUser === 0) {
        ctx.report({
          messageId: 'uidZero',
          data: { container: name },
          container: name,
          path: [...path, 'securityContext', 'runAsUser'],
          fix: {
            description: 'run as an unprivileged user (UID 1000) and make the kubelet refuse root',
            edits: [
              { op: 'set', path: [...path, 'securityContext', 'runAsUser'], value: 1000 },
              { op: 'set', path: [...path, 'securityContext', 'runAsNonRoot'], value: true },
            ],
          },
        });
      } else if (sc.runAsNonRoot !== true && !(typeof sc.runAsUser === 'number' && sc.runAsUser > 0)) {
        ctx.report({
          messageId: 'mayRunAsRoot',
          data: { container: name },
          container: name,
          path: [...path, 'securityContext'],
          fix: {
            description: 'set runAsNonRoot: true so the kubelet refuses to start the container as root',
            edits: [{ op: 'set', path: [...path, 'securityContext', 'runAsNonRoot'], value: true }],
          },
        });
      }
    }
  },
});
