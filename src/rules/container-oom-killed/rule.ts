import { type ContainerStatusAt, containerStatuses } from '../../core/container-status.ts';
import { formatBytes, parseQuantity } from '../../core/quantity.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { formatAge } from '../../inventory/object-events.ts';
import { owningWorkload, type WorkloadIdentity } from '../../inventory/owning-workload.ts';
import { groupsLedBy, isGroupMember, podGroups } from '../../inventory/pod-groups.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

const STALE_AFTER_MS = 7 * 24 * 3600 * 1000;

interface OomHit {
  workload: WorkloadIdentity;
  status: ContainerStatusAt;
  /** Whether the container is terminated by OOM right now, rather than restarted since. */
  current: boolean;
}

function killsOf(inventory: Inventory, pod: InventoryEntry): [string, OomHit][] {
  const killed = containerStatuses(pod.object).filter(
    (status) => status.terminated?.reason === 'OOMKilled' || status.lastTerminated?.reason === 'OOMKilled',
  );
  if (killed.length === 0) return [];
  const workload = owningWorkload(inventory, pod);
  return killed.map((status) => [
    `${workload.key}/${status.name}`,
    { workload, status, current: status.terminated?.reason === 'OOMKilled' },
  ]);
}

function oomHits(inventory: Inventory) {
  return podGroups<OomHit>(inventory, 'container-oom-killed', (pod) => killsOf(inventory, pod));
}

function podsPerWorkload(inventory: Inventory) {
  return podGroups<true>(inventory, 'pods-per-workload', (pod) => [
    [owningWorkload(inventory, pod).key, true],
  ]);
}

function memoryLimit(status: ContainerStatusAt): number | undefined {
  const limit = status.spec?.resources?.limits?.memory;
  return typeof limit === 'string' || typeof limit === 'number' ? parseQuantity(limit) : undefined;
}

export default defineRule({
  id: 'container-oom-killed',
  category: 'operations',
  severity: 'high',
  lesson: 'resource-limits',
  title: 'Containers are being OOMKilled',
  appliesTo: ['Pod'],
  messages: {
    oomKilled:
      'container {container} of {workload} was OOMKilled{last}: {restarts} restart(s) in {affected} of {total} pod(s), against its {limit} memory limit',
    oomKilledNoLimit:
      "container {container} of {workload} was OOMKilled{last}: {restarts} restart(s) in {affected} of {total} pod(s); it has no memory limit, so the node ran out of memory and the kernel's OOM killer chose it",
  },
  check(entry, ctx) {
    // No status (a manifest): nothing to judge. Pods another replica speaks for: counted there.
    if (containerStatuses(entry.object).length === 0) return NOT_APPLICABLE;
    // A pod with no kill of its own neither leads nor joins a group: judged without the
    // every-pod index, so another pod's change does not check it again.
    if (killsOf(ctx.inventory, entry).length === 0) return undefined;
    const all = oomHits(ctx.inventory);
    const groups = groupsLedBy(all, entry);
    if (groups.length === 0) return isGroupMember(all, entry) ? NOT_APPLICABLE : undefined;
    for (const group of groups) {
      const first = group.hits[0];
      if (!first) continue;
      const { workload, status } = first.hit;
      const restarts = group.hits.reduce((sum, h) => sum + h.hit.status.restartCount, 0);
      const finished = group.hits
        .map((h) => (h.hit.current ? h.hit.status.terminated : h.hit.status.lastTerminated)?.finishedAt)
        .filter((d): d is Date => d !== undefined)
        .sort((a, b) => b.getTime() - a.getTime())[0];
      const limit = memoryLimit(status);
      const data = {
        container: status.name,
        workload: workload.label,
        last: finished ? ` (last ${formatAge(finished, ctx.now)} ago)` : '',
        restarts,
        affected: group.hits.length,
        total: podsPerWorkload(ctx.inventory).get(workload.key)?.hits.length ?? group.hits.length,
      };
      // A kill more than a week ago with none since is history worth knowing, not an emergency.
      const stale = finished !== undefined && ctx.now.getTime() - finished.getTime() > STALE_AFTER_MS;
      const severity = stale ? { severity: 'medium' as const } : {};
      const reasonPath = [...status.path, first.hit.current ? 'state' : 'lastState', 'terminated', 'reason'];
      if (limit !== undefined && limit > 0)
        ctx.report({
          messageId: 'oomKilled',
          ...severity,
          data: { ...data, limit: formatBytes(limit) },
          container: status.name,
          path: reasonPath,
        });
      else
        ctx.report({
          messageId: 'oomKilledNoLimit',
          ...severity,
          data,
          container: status.name,
          path: reasonPath,
        });
    }
  },
});
