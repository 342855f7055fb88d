import { EBS_CSI_DRIVER, isEbsProvisioner, isEbsVolume } from '../../core/ebs-volumes.ts';
import { asRecord } from '../../core/records.ts';
import { getAt } from '../../core/workload.ts';
import { estimateEbsAttachLimit } from '../../data/ebs-attach-limits.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { hasFinished } from '../../inventory/owning-workload.ts';
import { claimNamed, claimNamesOf, classRequestOf, volumeOf } from '../../inventory/volume-claims.ts';
import { defineRule, NOT_APPLICABLE, ruleOptions } from '../define-rule.ts';

const Options = ruleOptions(
  {
    warnPercent: 80,
  },
  (z) => ({
    warnPercent: z
      .number()
      .min(1)
      .max(100)
      .describe('Report a node once this share (%) of its EBS attachments is in use'),
  }),
);

interface NodeVolumes {
  volumes: Set<string>;
  pods: Set<string>;
}

/**
 * EBS volumes per node, computed once per scan: from running pods' bound claims (PV backed by
 * EBS, or an EBS class when the PV is not in the scan), and from VolumeAttachments when the scan
 * has them (they also count volumes whose pods are gone but are still attached).
 */
function volumesByNode(inventory: Inventory, node: string): NodeVolumes | undefined {
  // One node's answer depends on the pods bound to it and on the storage objects, not on every
  // pod of the cluster: a pod that changes elsewhere does not re-check this node.
  return inventory
    .derived('node-ebs-attach-limit/volumes-by-node', () => countVolumes(inventory), [
      `node:${node}`,
      'PersistentVolumeClaim',
      'PersistentVolume',
      'StorageClass',
      'VolumeAttachment',
    ])
    .get(node);
}

function countVolumes(inventory: Inventory): Map<string, NodeVolumes> {
  const byNode = new Map<string, NodeVolumes>();
  const on = (node: string): NodeVolumes => {
    let v = byNode.get(node);
    if (!v) {
      v = { volumes: new Set(), pods: new Set() };
      byNode.set(node, v);
    }
    return v;
  };
  for (const pod of inventory.ofKind('Pod')) {
    const node = getAt(pod.object, ['spec', 'nodeName']);
    if (typeof node !== 'string' || node === '' || hasFinished(pod.object)) continue;
    for (const name of claimNamesOf(pod)) {
      const claim = claimNamed(inventory, pod.ref.namespace, name);
      if (!claim || getAt(claim.object, ['status', 'phase']) === 'Pending') continue;
      const pv = volumeOf(inventory, claim);
      const ebs = pv
        ? isEbsVolume(pv.object)
        : isEbsProvisioner(getAt(classRequestOf(inventory, claim).storageClass?.object, ['provisioner']));
      if (!ebs) continue;
      const v = on(node);
      v.volumes.add(pv ? pv.ref.name : `${claim.ref.namespace}/${claim.ref.name}`);
      v.pods.add(`${pod.ref.namespace}/${pod.ref.name}`);
    }
  }
  for (const va of inventory.ofKind('VolumeAttachment')) {
    const spec = asRecord(va.object.spec);
    if (typeof spec?.nodeName !== 'string' || spec.attacher !== EBS_CSI_DRIVER) continue;
    if (getAt(va.object, ['status', 'attached']) === false) continue;
    const pv = asRecord(spec.source)?.persistentVolumeName;
    on(spec.nodeName).volumes.add(typeof pv === 'string' ? pv : va.ref.name);
  }
  return byNode;
}

function csiNodeLimit(inventory: Inventory, node: InventoryEntry): number | undefined {
  const csiNode = inventory.get({ apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', name: node.ref.name });
  const drivers = getAt(csiNode?.object, ['spec', 'drivers']);
  if (!Array.isArray(drivers)) return undefined;
  const ebs = drivers.map(asRecord).find((d) => d?.name === EBS_CSI_DRIVER);
  const count = asRecord(ebs?.allocatable)?.count;
  return typeof count === 'number' && count > 0 ? count : undefined;
}

export default defineRule({
  id: 'node-ebs-attach-limit',
  category: 'operations',
  severity: 'medium',
  lesson: 'storage',
  title: 'Nodes must not run out of EBS attachments',
  appliesTo: ['Node'],
  options: Options,
  messages: {
    atLimit:
      '{attached} EBS volumes are attached for {pods} pod(s) on this {type} node, which takes {limit} ({basis}): the next pod with an EBS volume cannot schedule or sits in ContainerCreating with "AttachVolume.Attach failed"',
    nearLimit:
      '{attached} of {limit} EBS attachments are in use on this {type} node ({percent}%; {basis}), by {pods} pod(s): a few more pods with volumes and attaches start failing',
  },
  check(entry, ctx) {
    const found = volumesByNode(ctx.inventory, entry.ref.name);
    if (!found || found.volumes.size === 0) return;
    const { volumes, pods } = found;
    const labels = entry.object.metadata.labels ?? {};
    const type = labels['node.kubernetes.io/instance-type'] ?? labels['beta.kubernetes.io/instance-type'];
    const fromCsiNode = csiNodeLimit(ctx.inventory, entry);
    const estimate = fromCsiNode === undefined && type ? estimateEbsAttachLimit(type) : undefined;
    const limit = fromCsiNode ?? estimate?.limit;
    if (limit === undefined) return NOT_APPLICABLE;
    const basis =
      fromCsiNode !== undefined
        ? 'the CSINode allocatable count for ebs.csi.aws.com'
        : `estimated: ${estimate?.basis}`;
    const percent = Math.round((100 * volumes.size) / limit);
    const data = {
      attached: volumes.size,
      pods: pods.size,
      type: type ?? 'unknown type',
      limit,
      basis,
      percent,
    };
    if (volumes.size >= limit) ctx.report({ messageId: 'atLimit', severity: 'high', data, path: ['status'] });
    else if (percent >= ctx.options.warnPercent)
      ctx.report({ messageId: 'nearLimit', data, path: ['status'] });
  },
});
