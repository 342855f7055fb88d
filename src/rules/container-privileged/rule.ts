import { containerContext, podContext } from '../../core/security-context.ts';
import { containersAt, podSpecAt, podSpecPath } from '../../core/workload.ts';
import { defineRule } from '../define-rule.ts';

function isHostProcess(context: Record<string, unknown>): boolean | undefined {
  const options = context.windowsOptions;
  if (options === null || typeof options !== 'object') return undefined;
  const value = (options as { hostProcess?: unknown }).hostProcess;
  return typeof value === 'boolean' ? value : undefined;
}

export default defineRule({
  id: 'container-privileged',
  category: 'security',
  severity: 'critical',
  lesson: 'security-baseline',
  title: 'Containers must not run privileged',
  appliesTo: 'workloads',
  messages: {
    privileged:
      'container {container} is privileged: it has every capability and every device of the node, and no seccomp or AppArmor confinement, so a compromise is root on the node',
    hostProcess:
      'container {container} is a Windows HostProcess container: it runs directly on the node as a host process, with no container boundary',
  },
  check(entry, ctx) {
    const spec = podSpecAt(entry.object);
    const specPath = podSpecPath(entry.object.kind) ?? [];
    const podHostProcess = isHostProcess(podContext(spec));
    for (const { container, path } of containersAt(entry.object, { init: true })) {
      const sc = containerContext(container);
      const name = String(container.name ?? '');
      if (sc.privileged === true) {
        ctx.report({
          messageId: 'privileged',
          data: { container: name },
          container: name,
          path: [...path, 'securityContext', 'privileged'],
        });
        continue;
      }
      // The container's windowsOptions win over the pod's.
      const own = isHostProcess(sc);
      if (own ?? podHostProcess) {
        ctx.report({
          messageId: 'hostProcess',
          data: { container: name },
          container: name,
          path:
            own === true
              ? [...path, 'securityContext', 'windowsOptions', 'hostProcess']
              : [...specPath, 'securityContext', 'windowsOptions', 'hostProcess'],
        });
      }
    }
  },
});
