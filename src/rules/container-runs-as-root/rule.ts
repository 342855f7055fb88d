import { imageFacts } from '../../core/image-knowledge.ts';
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
          // An explicit 0 is a decision (a port below 1024, root-owned paths): not flipped.
          manual:
            'runAsUser: 0 is set explicitly: find out why the process needs root (a port below 1024, root-owned paths), change that, then set a non-zero runAsUser and runAsNonRoot: true',
        });
      } else if (sc.runAsNonRoot !== true && !(typeof sc.runAsUser === 'number' && sc.runAsUser > 0)) {
        // runAsNonRoot alone makes the kubelet refuse an image whose user is root (mongo, mysql):
        // it is set only with a UID the image is known to run as.
        const uid = typeof sc.runAsUser === 'number' ? undefined : imageFacts(container.image).nonRootUid;
        ctx.report({
          messageId: 'mayRunAsRoot',
          data: { container: name },
          container: name,
          path: [...path, 'securityContext'],
          ...(uid !== undefined
            ? {
                fix: {
                  description: `run as the image's own non-root user (UID ${uid}) and make the kubelet refuse root`,
                  edits: [
                    { op: 'set', path: [...path, 'securityContext', 'runAsUser'], value: uid },
                    { op: 'set', path: [...path, 'securityContext', 'runAsNonRoot'], value: true },
                  ],
                },
              }
            : {
                manual:
                  "the image's user is not known to hindsight: runAsNonRoot: true alone makes the kubelet refuse to start an image that runs as root (mongo, mysql, postgres…); set runAsUser to a UID the image supports, then runAsNonRoot: true",
              }),
        });
      }
    }
  },
});
