import type { Edit } from '../../core/finding.ts';
import { imageFacts } from '../../core/image-knowledge.ts';
import { isWindowsPod } from '../../core/pod-os.ts';
import type { Container } from '../../core/pod-spec.ts';
import { asRecord } from '../../core/records.ts';
import { containerContext } from '../../core/security-context.ts';
import { containersAt, podSpecAt, podSpecPath } from '../../core/workload.ts';
import { defineRule } from '../define-rule.ts';

function mountsTmp(container: Container): boolean {
  const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
  return mounts.some((m) => {
    const path = asRecord(m)?.mountPath;
    return typeof path === 'string' && path.replace(/\/+$/, '') === '/tmp';
  });
}

export default defineRule({
  id: 'container-root-filesystem-writable',
  category: 'security',
  severity: 'medium',
  lesson: 'security-baseline',
  title: 'Containers should run with a read-only root filesystem',
  appliesTo: 'workloads',
  messages: {
    notSet:
      'container {container} can write to its root filesystem: readOnlyRootFilesystem is not set, so an attacker can drop tools and change binaries',
    setFalse:
      'container {container} sets readOnlyRootFilesystem: false, so an attacker can drop tools and change binaries',
  },
  check(entry, ctx) {
    const spec = podSpecAt(entry.object);
    const specPath = podSpecPath(entry.object.kind);
    if (!spec || !specPath || isWindowsPod(spec)) return;
    const volumes = Array.isArray(spec.volumes) ? spec.volumes.map(asRecord) : [];
    const tmpVolume = volumes.find((v) => v?.name === 'tmp');

    for (const { container, path } of containersAt(entry.object, { init: true })) {
      const value = containerContext(container).readOnlyRootFilesystem;
      if (value === true) continue;
      const name = String(container.name ?? '');
      const edits: Edit[] = [
        { op: 'set', path: [...path, 'securityContext', 'readOnlyRootFilesystem'], value: true },
      ];
      let description = 'make the root filesystem read-only';
      // Most programs write temporary files; give them a writable /tmp so the fix does not break them.
      if (!mountsTmp(container) && (tmpVolume === undefined || tmpVolume.emptyDir !== undefined)) {
        if (tmpVolume === undefined)
          edits.push({
            op: 'add-to-list',
            path: [...specPath, 'volumes'],
            value: { name: 'tmp', emptyDir: {} },
          });
        edits.push({
          op: 'add-to-list',
          path: [...path, 'volumeMounts'],
          value: { name: 'tmp', mountPath: '/tmp' },
        });
        description += ' and mount an emptyDir at /tmp for temporary files';
      }
      const writer = imageFacts(container.image).writesOutsideTmp === true;
      ctx.report({
        messageId: value === false ? 'setFalse' : 'notSet',
        data: { container: name },
        container: name,
        path: [...path, 'securityContext', ...(value === false ? ['readOnlyRootFilesystem'] : [])],
        ...(value === false
          ? {
              manual:
                'readOnlyRootFilesystem: false is set explicitly: a decision to review (where does the process write?), not to flip',
            }
          : writer
            ? {
                manual: `${String(container.image)} writes outside /tmp at run time (data, cache or pid files): mount emptyDir or PVC volumes on those paths, then set readOnlyRootFilesystem: true`,
              }
            : { fix: { description, edits } }),
      });
    }
  },
});
