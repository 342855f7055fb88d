import { normalizeCapability } from '../../core/linux-capabilities.ts';
import { isWindowsPod } from '../../core/pod-os.ts';
import { containerContext } from '../../core/security-context.ts';
import { containersAt, podSpecAt } from '../../core/workload.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'container-privilege-escalation-allowed',
  category: 'security',
  severity: 'medium',
  lesson: 'security-baseline',
  title: 'Containers should set allowPrivilegeEscalation: false',
  appliesTo: 'workloads',
  messages: {
    notSet:
      'container {container} allows privilege escalation: allowPrivilegeEscalation is not set and defaults to true, so a setuid binary or file capability can gain privileges the process did not start with',
    setTrue:
      'container {container} sets allowPrivilegeEscalation: true, so a setuid binary or file capability can gain privileges the process did not start with',
  },
  check(entry, ctx) {
    const spec = podSpecAt(entry.object);
    if (isWindowsPod(spec)) return;
    for (const { container, path } of containersAt(entry.object, { init: true })) {
      const sc = containerContext(container);
      const value = sc.allowPrivilegeEscalation;
      if (value === false) continue;
      // Privileged or CAP_SYS_ADMIN containers can always escalate, and the API server refuses
      // allowPrivilegeEscalation: false next to them; the privileged and capability rules report those.
      if (sc.privileged === true) continue;
      const add = Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : [];
      if (add.some((c) => normalizeCapability(c) === 'SYS_ADMIN')) continue;
      const name = String(container.name ?? '');
      const fieldPath = [...path, 'securityContext', 'allowPrivilegeEscalation'];
      ctx.report({
        messageId: value === true ? 'setTrue' : 'notSet',
        data: { container: name },
        container: name,
        path: value === true ? fieldPath : [...path, 'securityContext'],
        ...(value === true
          ? {
              manual:
                'allowPrivilegeEscalation: true is set explicitly: find out which setuid binary or file capability the process relies on before setting it to false',
            }
          : {
              fix: {
                description:
                  'set allowPrivilegeEscalation: false (no_new_privs: setuid binaries no longer gain privileges)',
                edits: [{ op: 'set', path: fieldPath, value: false }],
              },
            }),
      });
    }
  },
});
