import { EBS_CSI_DRIVER, IN_TREE_EBS } from '../../core/ebs-volumes.ts';
import type { Edit } from '../../core/finding.ts';
import { asRecord } from '../../core/records.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

const RECREATE =
  'StorageClass provisioner and parameters are immutable: delete and re-create the class (existing volumes are not touched)';

/** In-tree parameters the CSI driver spells differently, or does not take at all. */
const IN_TREE_ONLY = ['zone', 'zones'];

export default defineRule({
  id: 'storageclass-legacy-ebs',
  category: 'operations',
  severity: 'medium',
  lesson: 'storage',
  title: 'EBS StorageClasses should use the CSI driver and gp3',
  appliesTo: ['StorageClass'],
  messages: {
    inTreeProvisioner:
      'provisioner kubernetes.io/aws-ebs is the in-tree EBS plugin: on EKS 1.23+ every call is migrated to the EBS CSI driver anyway (and fails without it), and new features (gp3 throughput, snapshots, modifying volumes) live only in ebs.csi.aws.com',
    gp2Volumes:
      'volume type {type}: gp3 costs about 20% less per GiB and gives 3,000 IOPS and 125 MiB/s at any size, where gp2 gives 3 IOPS per GiB (100 below 34 GiB) and bursts on credits that run out',
  },
  check(entry, ctx) {
    const object = entry.object as Record<string, unknown>;
    const provisioner = object.provisioner;
    if (provisioner !== IN_TREE_EBS && provisioner !== EBS_CSI_DRIVER) return NOT_APPLICABLE;
    const parameters = asRecord(object.parameters) ?? {};
    const type = typeof parameters.type === 'string' ? parameters.type.toLowerCase() : undefined;
    // The in-tree plugin defaults to gp2; the CSI driver to gp3.
    const effectiveType = type ?? (provisioner === IN_TREE_EBS ? 'gp2' : 'gp3');

    if (provisioner === IN_TREE_EBS) {
      const convertible = !IN_TREE_ONLY.some((k) => k in parameters);
      const edits: Edit[] = [{ op: 'set', path: ['provisioner'], value: EBS_CSI_DRIVER }];
      if (typeof parameters.fsType === 'string') {
        edits.push({ op: 'remove', path: ['parameters', 'fsType'] });
        edits.push({
          op: 'set',
          path: ['parameters', 'csi.storage.k8s.io/fstype'],
          value: parameters.fsType,
        });
      }
      ctx.report({
        messageId: 'inTreeProvisioner',
        path: ['provisioner'],
        ...(convertible ? { fix: { description: `use the EBS CSI driver. ${RECREATE}`, edits } } : {}),
      });
    }
    if (effectiveType === 'gp2') {
      const edits: Edit[] = [{ op: 'set', path: ['parameters', 'type'], value: 'gp3' }];
      ctx.report({
        messageId: 'gp2Volumes',
        severity: 'low',
        data: { type: type ? 'gp2' : 'gp2 (the in-tree default)' },
        path: type ? ['parameters', 'type'] : ['parameters'],
        // Only on the CSI driver: the in-tree fix above changes the provisioner first.
        ...(provisioner === EBS_CSI_DRIVER
          ? {
              fix: {
                description: `create new volumes as gp3. ${RECREATE}; convert existing gp2 volumes in place with aws ec2 modify-volume --volume-type gp3`,
                edits,
              },
            }
          : {}),
      });
    }
  },
});
