/** The inventory summary as text for a terminal. */

import type { InventorySummary } from '../analyzers/inventory/summarize.ts';
import { formatBytes, formatCpu } from '../core/quantity.ts';
import { renderTable } from './text-table.ts';

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '-';
}

export function renderSummaryText(summary: InventorySummary): string {
  const t = summary.totals;
  const out: string[] = [];
  out.push(
    `Inventory: ${summary.objects} objects in ${summary.namespaces.length} namespaces; ` +
      `${t.workloads} workloads asking for ${t.replicas} replicas and ${t.containers} containers` +
      (t.nodes > 0 ? `; ${t.nodes} nodes` : '') +
      (t.pods > 0 ? `; ${t.pods} pods` : ''),
  );
  out.push('');
  out.push(
    renderTable(
      [{ header: 'KIND' }, { header: 'COUNT', align: 'right' }],
      summary.byKind.map((k) => [k.kind, String(k.count)]),
      '  ',
    ),
  );
  const withWorkloads = summary.namespaces.filter((n) => n.workloads > 0);
  if (withWorkloads.length > 0) {
    out.push('');
    out.push(
      renderTable(
        [
          { header: 'NAMESPACE' },
          { header: 'WORKLOADS', align: 'right' },
          { header: 'REPLICAS', align: 'right' },
          { header: 'CPU REQ', align: 'right' },
          { header: 'MEM REQ', align: 'right' },
          { header: 'NO REQUESTS', align: 'right' },
          { header: 'NO MEM LIMIT', align: 'right' },
        ],
        withWorkloads.map((n) => [
          n.namespace,
          String(n.workloads),
          String(n.replicas),
          formatCpu(n.cpuRequests),
          formatBytes(n.memoryRequests),
          `${n.containersWithoutRequests}/${n.containers}`,
          `${n.containersWithoutMemoryLimit}/${n.containers}`,
        ]),
        '  ',
      ),
    );
  }
  if (summary.nodes.length > 0) {
    out.push('');
    out.push(
      renderTable(
        [
          { header: 'INSTANCE TYPE' },
          { header: 'CAPACITY' },
          { header: 'NODES', align: 'right' },
          { header: 'CPU ALLOC', align: 'right' },
          { header: 'MEM ALLOC', align: 'right' },
        ],
        summary.nodes.map((g) => [
          g.instanceType,
          g.capacityType,
          String(g.nodes),
          formatCpu(g.cpuAllocatable),
          formatBytes(g.memoryAllocatable),
        ]),
        '  ',
      ),
    );
    out.push('');
    out.push(
      `  Requested: CPU ${formatCpu(t.cpuRequests)} of ${formatCpu(t.cpuAllocatable)} allocatable (${percent(t.cpuRequests, t.cpuAllocatable)}), ` +
        `memory ${formatBytes(t.memoryRequests)} of ${formatBytes(t.memoryAllocatable)} (${percent(t.memoryRequests, t.memoryAllocatable)})`,
    );
  } else {
    out.push('');
    out.push(
      `  Requested: CPU ${formatCpu(t.cpuRequests)}, memory ${formatBytes(t.memoryRequests)} (DaemonSets count once per node; no nodes in this input)`,
    );
  }
  return out.join('\n');
}
