import type { KubeObject } from '../../core/resource.ts';
import { POD_CARRYING_KINDS } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import {
  containerPortNames,
  describeSelector,
  MONITOR_KINDS,
  type MonitorView,
  readMonitor,
  servicePortNames,
} from '../../inventory/monitors.ts';
import { podLabels, selectorMatches } from '../../inventory/selectors.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/**
 * What a monitor can select in a namespace (every namespace when undefined): Services, or the
 * workloads whose pods it selects (top-level ones: a live scan's Pods speak for no one else).
 */
function candidatesIn(inventory: Inventory, monitor: MonitorView, namespace?: string): InventoryEntry[] {
  const read = (kind: string) =>
    namespace === undefined ? inventory.ofKind(kind) : inventory.inNamespace(kind, namespace);
  if (monitor.kind === 'ServiceMonitor') return [...read('Service')];
  return POD_CARRYING_KINDS.flatMap(read).filter((e) => !inventory.controllerOf(e));
}

function describeNamespaces(namespaces: 'any' | string[]): string {
  if (namespaces === 'any') return 'any namespace';
  return namespaces.length === 1 ? `namespace ${namespaces[0]}` : `namespaces ${namespaces.join(', ')}`;
}

function labelsOf(monitor: MonitorView, entry: InventoryEntry): Record<string, string> {
  if (monitor.kind === 'ServiceMonitor')
    return (entry.object.metadata.labels ?? {}) as Record<string, string>;
  return podLabels(entry) ?? {};
}

function portNamesOf(monitor: MonitorView, object: KubeObject): Set<string> {
  return monitor.kind === 'ServiceMonitor' ? servicePortNames(object) : containerPortNames(object);
}

function nameList(entries: readonly InventoryEntry[], max = 3): string {
  const names = entries.map((e) => `${e.object.kind} ${e.ref.name}`);
  return names.length > max
    ? `${names.slice(0, max).join(', ')} and ${names.length - max} more`
    : names.join(', ');
}

export default defineRule({
  id: 'servicemonitor-selects-nothing',
  category: 'observability',
  severity: 'medium',
  lesson: 'observability',
  title: 'A ServiceMonitor or PodMonitor selects something to scrape',
  appliesTo: MONITOR_KINDS,
  messages: {
    selectsNoService:
      'ServiceMonitor selects none of the {count} Services this scan holds in {namespaces} ({selector}): Prometheus discovers no target from it, and alerts on the targets it meant to find have nothing to fire on',
    selectsNoPods:
      'PodMonitor selects none of the {count} workloads this scan holds in {namespaces} ({selector}): Prometheus discovers no target from it, and alerts on the targets it meant to find have nothing to fire on',
    portNotFound:
      '{kind} endpoint port {port} names no port of what it selects ({targets}): the endpoint yields no target',
  },
  check(entry, ctx) {
    const monitor = readMonitor(entry);
    if (!monitor?.selector) return NOT_APPLICABLE;
    // A live scan (it lists Nodes) holds every namespace's Services. A file scan knows a
    // namespace's only when it holds some: the monitor may live in the platform repository and
    // its targets in the apps', and `any` ranges over namespaces no file scan holds whole.
    const live = ctx.inventory.hasKind('Node');
    if (monitor.namespaces === 'any' && !live) return NOT_APPLICABLE;
    const namespaces = monitor.namespaces === 'any' ? undefined : [...new Set(monitor.namespaces)].sort();
    const candidates = namespaces
      ? namespaces.map((ns) => candidatesIn(ctx.inventory, monitor, ns))
      : [candidatesIn(ctx.inventory, monitor)];
    if (!live && candidates.some((c) => c.length === 0)) return NOT_APPLICABLE;
    const all = candidates.flat();
    if (all.length === 0) return NOT_APPLICABLE;
    const selected = all.filter((e) => selectorMatches(monitor.selector, labelsOf(monitor, e)));
    if (selected.length === 0) {
      ctx.report({
        messageId: monitor.kind === 'ServiceMonitor' ? 'selectsNoService' : 'selectsNoPods',
        data: {
          count: all.length,
          namespaces: describeNamespaces(namespaces ?? 'any'),
          selector: describeSelector(monitor.selector),
        },
        path: ['spec', 'selector'],
      });
      return;
    }
    const names = new Set(selected.flatMap((e) => [...portNamesOf(monitor, e.object)]));
    for (const endpoint of monitor.endpoints) {
      if (endpoint.port === undefined || names.has(endpoint.port)) continue;
      ctx.report({
        messageId: 'portNotFound',
        data: {
          kind: monitor.kind,
          port: endpoint.port,
          targets: `${nameList(selected)}: ${names.size > 0 ? [...names].sort().join(', ') : 'no named ports'}`,
        },
        path: [...endpoint.path, 'port'],
      });
    }
  },
});
