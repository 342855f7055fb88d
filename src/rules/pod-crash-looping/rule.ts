import { type ContainerStatusAt, containerStatuses } from '../../core/container-status.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { eventsAbout, formatAge } from '../../inventory/object-events.ts';
import { owningWorkload, type WorkloadIdentity } from '../../inventory/owning-workload.ts';
import { groupsLedBy, isGroupMember, podGroups } from '../../inventory/pod-groups.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

interface LoopHit {
  workload: WorkloadIdentity;
  status: ContainerStatusAt;
}

function loopsOf(inventory: Inventory, pod: InventoryEntry): [string, LoopHit][] {
  const looping = containerStatuses(pod.object).filter(
    // An OOM kill loop is container-oom-killed's finding, with the memory limit in it.
    (status) => status.waitingReason === 'CrashLoopBackOff' && status.lastTerminated?.reason !== 'OOMKilled',
  );
  if (looping.length === 0) return [];
  const workload = owningWorkload(inventory, pod);
  return looping.map((status) => [`${workload.key}/${status.name}`, { workload, status }]);
}

function crashLoops(inventory: Inventory) {
  return podGroups<LoopHit>(inventory, 'pod-crash-looping', (pod) => loopsOf(inventory, pod));
}

export default defineRule({
  id: 'pod-crash-looping',
  category: 'operations',
  severity: 'high',
  lesson: 'resource-limits',
  title: 'Containers are crash-looping',
  appliesTo: ['Pod'],
  messages: {
    crashLooping:
      'container {container} of {workload} is in CrashLoopBackOff in {affected} pod(s): {restarts} restart(s), last exit {exit}',
    crashLoopingWithEvents:
      'container {container} of {workload} is in CrashLoopBackOff in {affected} pod(s): {restarts} restart(s), last exit {exit}; the kubelet reported BackOff ×{backoffs} since {since} ago',
  },
  check(entry, ctx) {
    if (containerStatuses(entry.object).length === 0) return NOT_APPLICABLE;
    // A pod with no loop of its own neither leads nor joins a group: judged without the
    // every-pod index, so another pod's change does not check it again.
    if (loopsOf(ctx.inventory, entry).length === 0) return undefined;
    const all = crashLoops(ctx.inventory);
    const groups = groupsLedBy(all, entry);
    if (groups.length === 0) return isGroupMember(all, entry) ? NOT_APPLICABLE : undefined;
    for (const group of groups) {
      const first = group.hits[0];
      if (!first) continue;
      const { workload, status } = first.hit;
      const last = status.lastTerminated;
      const exit = last
        ? [
            last.exitCode !== undefined ? `code ${last.exitCode}` : 'code unknown',
            last.reason ? `(${last.reason})` : '',
            last.finishedAt ? `${formatAge(last.finishedAt, ctx.now)} ago` : '',
          ]
            .filter(Boolean)
            .join(' ')
        : 'unknown (no lastState)';
      let backoffs = 0;
      let since: Date | undefined;
      for (const { pod, hit } of group.hits) {
        for (const event of eventsAbout(ctx.inventory, {
          kind: 'Pod',
          name: pod.ref.name,
          namespace: pod.ref.namespace,
        })) {
          if (event.reason !== 'BackOff') continue;
          if (event.container !== undefined && event.container !== hit.status.name) continue;
          backoffs += event.count;
          const start = event.first ?? event.last;
          if (start && (!since || start < since)) since = start;
        }
      }
      const data = {
        container: status.name,
        workload: workload.label,
        affected: group.hits.length,
        restarts: group.hits.reduce((sum, h) => sum + h.hit.status.restartCount, 0),
        exit,
      };
      const path = [...status.path, 'state', 'waiting', 'reason'];
      if (backoffs > 0 && since)
        ctx.report({
          messageId: 'crashLoopingWithEvents',
          data: { ...data, backoffs, since: formatAge(since, ctx.now) },
          container: status.name,
          path,
        });
      else ctx.report({ messageId: 'crashLooping', data, container: status.name, path });
    }
  },
});
