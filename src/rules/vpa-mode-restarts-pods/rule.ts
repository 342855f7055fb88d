import type { Severity } from '../../core/severity.ts';
import { vpaUpdateMode } from '../../core/vpa-policy.ts';
import { containersAt, getAt } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { replicaBounds, targetName, targetOf } from '../../inventory/replica-bounds.ts';
import { defineRule } from '../define-rule.ts';

/** The VPA updater's global `--min-replicas` (default 2), read from its Deployment when the inventory has it. */
function updaterMinReplicas(inventory: Inventory): number {
  for (const d of inventory.ofKind('Deployment')) {
    for (const { container } of containersAt(d.object)) {
      if (!/vpa-updater|vertical-pod-autoscaler\/updater/.test(String(container.image ?? ''))) continue;
      const args = [
        ...(Array.isArray(container.command) ? container.command : []),
        ...(Array.isArray(container.args) ? container.args : []),
      ].map(String);
      for (const [i, arg] of args.entries()) {
        const inline = /^--min-replicas=(\d+)$/.exec(arg);
        if (inline) return Number(inline[1]);
        if (arg === '--min-replicas' && /^\d+$/.test(args[i + 1] ?? '')) return Number(args[i + 1]);
      }
    }
  }
  return 2;
}

function evictionImpact(
  inventory: Inventory,
  vpa: InventoryEntry,
  target: InventoryEntry | undefined,
): { impact: string; severity: Severity } {
  if (!target)
    return {
      impact: 'its pods restart whenever the recommendation drifts far enough from their requests',
      severity: 'medium',
    };
  const name = `${target.object.kind} ${target.ref.name}`;
  if (target.object.kind === 'StatefulSet')
    return {
      impact: `${name} is stateful: every eviction restarts a member, and the replacement waits for its volume to detach and attach again`,
      severity: 'high',
    };
  const bounds = replicaBounds(inventory, target);
  if (bounds && bounds.min < 2) {
    const own = getAt(vpa.object, ['spec', 'updatePolicy', 'minReplicas']);
    const minReplicas = typeof own === 'number' ? own : updaterMinReplicas(inventory);
    if (minReplicas <= 1)
      return {
        impact: `${name} can run a single replica and the updater evicts down to ${minReplicas}, so a resize there is an outage`,
        severity: 'high',
      };
    return {
      impact: `${name} can run a single replica; the updater leaves it alone below ${minReplicas} live replicas, but every restart or rollout still picks up VPA's numbers, and above that it evicts`,
      severity: 'medium',
    };
  }
  return {
    impact: `pods of ${name} are evicted one by one (within PodDisruptionBudgets) whenever the recommendation drifts far enough from their requests`,
    severity: 'medium',
  };
}

export default defineRule({
  id: 'vpa-mode-restarts-pods',
  category: 'autoscaling',
  severity: 'medium',
  lesson: 'autoscaling',
  title: 'VPA belongs in recommend mode (updateMode Off)',
  appliesTo: ['VerticalPodAutoscaler'],
  messages: {
    evicts: 'updateMode {mode} lets VPA evict running pods to apply requests nobody reviewed: {impact}',
    defaultMode:
      'updatePolicy.updateMode is not set and defaults to Recreate, so VPA evicts running pods to apply requests nobody reviewed: {impact}',
    inPlaceOrRecreate:
      'updateMode InPlaceOrRecreate resizes running pods in place and evicts them when it cannot, applying requests nobody reviewed: {impact}',
    initial:
      'updateMode Initial writes VPA requests into every new pod of {target}: nothing is evicted, but each rollout or reschedule ships numbers nobody reviewed, and git no longer says what runs',
    inPlace:
      'updateMode InPlace resizes running pods of {target} without review: nothing is evicted, but a memory resize can restart containers (resizePolicy) and git no longer says what runs',
  },
  check(entry, ctx) {
    const { mode, defaulted } = vpaUpdateMode(entry.object);
    if (mode === 'Off') return;
    const target = targetOf(ctx.inventory, entry, 'targetRef');
    const targetLabel = target
      ? `${target.object.kind} ${target.ref.name}`
      : (targetName(entry, 'targetRef') ?? 'its target');
    const fix = {
      description:
        'switch to recommend-only (updateMode "Off"): VPA keeps publishing recommendations in its status, humans review them and change requests in git',
      edits: [{ op: 'set' as const, path: ['spec', 'updatePolicy', 'updateMode'], value: 'Off' }],
    };
    const path = defaulted ? ['spec'] : ['spec', 'updatePolicy', 'updateMode'];

    if (mode === 'Initial' || mode === 'InPlace') {
      ctx.report({
        messageId: mode === 'Initial' ? 'initial' : 'inPlace',
        data: { target: targetLabel },
        path,
        severity: 'low',
        fix,
      });
      return;
    }
    if (!['Auto', 'Recreate', 'InPlaceOrRecreate'].includes(mode)) return;
    const { impact, severity } = evictionImpact(ctx.inventory, entry, target);
    ctx.report({
      messageId: defaulted ? 'defaultMode' : mode === 'InPlaceOrRecreate' ? 'inPlaceOrRecreate' : 'evicts',
      data: { mode, impact },
      path,
      severity,
      fix,
    });
  },
});
