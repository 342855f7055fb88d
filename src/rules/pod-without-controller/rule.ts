import { hasFinished } from '../../inventory/owning-workload.ts';
import { defineRule } from '../define-rule.ts';

/** Static pods' API mirrors, written by the kubelet from files on the node. */
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

function annotation(object: { metadata: { annotations?: unknown } }, key: string): string | undefined {
  const annotations = object.metadata.annotations;
  if (annotations === null || typeof annotations !== 'object') return undefined;
  const value = (annotations as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

export default defineRule({
  id: 'pod-without-controller',
  category: 'reliability',
  severity: 'medium',
  lesson: 'graceful-disruption',
  title: 'Pods must be managed by a controller',
  appliesTo: ['Pod'],
  messages: {
    naked:
      'Pod has no controller: when its node is drained, upgraded, consolidated by Karpenter or reclaimed as spot, the pod is deleted and nothing recreates it',
  },
  check(entry, ctx) {
    const owners = entry.object.metadata.ownerReferences;
    if (Array.isArray(owners) && owners.length > 0) return;
    if (annotation(entry.object, MIRROR_ANNOTATION) !== undefined) return;
    // Helm test pods are one-shot by design.
    if (/\btest(-success|-failure)?\b/.test(annotation(entry.object, 'helm.sh/hook') ?? '')) return;
    if (hasFinished(entry.object)) return;
    ctx.report({ messageId: 'naked', path: ['metadata'] });
  },
});
