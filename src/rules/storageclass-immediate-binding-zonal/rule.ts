import { isEbsProvisioner, nodeZone } from '../../core/ebs-volumes.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

export default defineRule({
  id: 'storageclass-immediate-binding-zonal',
  category: 'operations',
  severity: 'medium',
  lesson: 'storage',
  title: 'Zonal EBS StorageClasses must bind on WaitForFirstConsumer',
  appliesTo: ['StorageClass'],
  messages: {
    immediate:
      'volumeBindingMode: Immediate on an EBS class without allowedTopologies: each volume is created in an arbitrary availability zone before the pod is scheduled, and a pod that cannot run in that zone stays Pending with "volume node affinity conflict"',
    immediateByDefault:
      'no volumeBindingMode, so Immediate (the API default): each EBS volume is created in an arbitrary availability zone before the pod is scheduled, and a pod that cannot run in that zone stays Pending with "volume node affinity conflict"',
  },
  check(entry, ctx) {
    const object = entry.object as Record<string, unknown>;
    if (!isEbsProvisioner(object.provisioner)) return NOT_APPLICABLE;
    const mode = object.volumeBindingMode;
    if (mode === 'WaitForFirstConsumer') return;
    if (Array.isArray(object.allowedTopologies) && object.allowedTopologies.length > 0) return;
    // A single-zone cluster (as far as the scan's Nodes show) cannot mismatch zones.
    const zones = new Set(
      ctx.inventory
        .ofKind('Node')
        .map((n) => nodeZone(n.object))
        .filter(Boolean),
    );
    if (zones.size === 1) return NOT_APPLICABLE;
    ctx.report({
      messageId: mode === undefined ? 'immediateByDefault' : 'immediate',
      path: mode === undefined ? [] : ['volumeBindingMode'],
      fix: {
        description:
          'bind when the first pod is scheduled, so the volume is created in its zone. volumeBindingMode is immutable: delete and re-create the class (bound volumes are not touched)',
        edits: [{ op: 'set', path: ['volumeBindingMode'], value: 'WaitForFirstConsumer' }],
      },
    });
  },
});
