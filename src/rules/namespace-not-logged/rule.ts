import { inputText } from '../../core/input-text.ts';
import { asRecord } from '../../core/records.ts';
import { logCollectorOf } from '../../core/telemetry-images.ts';
import { containersAt, podSpecAt } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { readTaints, type Taint } from '../../scheduling/node-pool.ts';
import { nodeConstraintsOf, untoleratedTaint } from '../../scheduling/placement.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

const FARGATE_LABEL = 'eks.amazonaws.com/compute-type';

interface Collector {
  /** `logging/promtail (Promtail)`, for messages. */
  name: string;
  nodeSelector: Record<string, string>;
  tolerations: ReturnType<typeof nodeConstraintsOf>['tolerations'];
}

interface NodeCoverage {
  collectors: Collector[];
  /** Nodes no collector runs on, with why (nodes not listed are covered, or unknown). */
  uncovered: Map<string, string>;
}

function describeTaint(t: Taint): string {
  return `${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`;
}

function collectorsOf(inventory: Inventory): Collector[] {
  const out: Collector[] = [];
  for (const ds of inventory.ofKind('DaemonSet')) {
    const product = containersAt(ds.object)
      .map(({ container }) => logCollectorOf(container.image))
      .find((p) => p !== undefined);
    if (!product) continue;
    const constraints = nodeConstraintsOf(podSpecAt(ds.object));
    out.push({
      name: `${ds.ref.namespace ?? ''}/${ds.ref.name} (${product})`,
      nodeSelector: constraints.nodeSelector,
      tolerations: constraints.tolerations,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Why no collector runs on the node, or undefined when one does. */
function whyNotCovered(
  inventory: Inventory,
  node: InventoryEntry,
  collectors: Collector[],
): string | undefined {
  const labels = asRecord(node.object.metadata.labels) ?? {};
  if (labels[FARGATE_LABEL] === 'fargate') {
    // Fargate runs no DaemonSets; its built-in Fluent Bit ships logs when this ConfigMap exists.
    const config = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'aws-observability',
      name: 'aws-logging',
    };
    return inventory.get(config)
      ? undefined
      : 'a Fargate node runs no DaemonSet, and no aws-observability/aws-logging ConfigMap turns on its built-in Fluent Bit';
  }
  const taints = readTaints(asRecord(node.object.spec)?.taints);
  const reasons: string[] = [];
  for (const c of collectors) {
    const selector = Object.entries(c.nodeSelector).find(([k, v]) => inputText(labels[k]) !== v);
    const taint = untoleratedTaint(taints, c.tolerations);
    if (!selector && !taint) return undefined;
    reasons.push(
      taint
        ? `${c.name} does not tolerate its taint ${describeTaint(taint)}`
        : `${c.name} selects nodes with ${selector?.[0]}=${selector?.[1]}`,
    );
  }
  return reasons.join('; ');
}

/** Which nodes the log collectors cover, built once from every DaemonSet and Node. */
function coverageOf(inventory: Inventory): NodeCoverage {
  return inventory.derived('namespace-not-logged/nodes', () => {
    const collectors = collectorsOf(inventory);
    const uncovered = new Map<string, string>();
    if (collectors.length === 0) return { collectors, uncovered };
    for (const node of inventory.ofKind('Node')) {
      const why = whyNotCovered(inventory, node, collectors);
      if (why !== undefined) uncovered.set(node.ref.name, why);
    }
    return { collectors, uncovered };
  });
}

function runningPods(inventory: Inventory, namespace: string): { pod: InventoryEntry; node: string }[] {
  return inventory.inNamespace('Pod', namespace).flatMap((pod) => {
    const node = inputText(asRecord(pod.object.spec)?.nodeName);
    const phase = asRecord(pod.object.status)?.phase;
    return phase === 'Running' && node ? [{ pod, node }] : [];
  });
}

export default defineRule({
  id: 'namespace-not-logged',
  category: 'observability',
  severity: 'medium',
  lesson: 'observability',
  title: "Every namespace's pod logs are collected off the node",
  appliesTo: ['Namespace'],
  messages: {
    noCollector:
      'namespace {namespace} has {pods} running pods and no log-collector DaemonSet (Promtail, Grafana Alloy, Fluent Bit, Fluentd, Vector, an OpenTelemetry Collector…) runs in the cluster: their logs stay on the nodes until the kubelet rotates them, and go with the node',
    nodesNotCovered:
      'namespace {namespace} has {pods} running pods on nodes no log collector runs on, so their logs are never shipped: on {node}, {why}',
  },
  check(entry, ctx) {
    // Only a live cluster or a snapshot (it lists Nodes) shows where pods run and what runs there.
    if (!ctx.inventory.hasKind('Node')) return NOT_APPLICABLE;
    const namespace = entry.ref.name;
    const pods = runningPods(ctx.inventory, namespace);
    if (pods.length === 0) return NOT_APPLICABLE;
    const coverage = coverageOf(ctx.inventory);
    if (coverage.collectors.length === 0) {
      ctx.report({ messageId: 'noCollector', data: { namespace, pods: pods.length } });
      return;
    }
    const stranded = pods.filter((p) => coverage.uncovered.has(p.node));
    if (stranded.length === 0) return;
    const nodes = [...new Set(stranded.map((p) => p.node))].sort();
    const [node = ''] = nodes;
    ctx.report({
      messageId: 'nodesNotCovered',
      data: {
        namespace,
        pods: stranded.length,
        node: nodes.length > 1 ? `${node} (and ${nodes.length - 1} more nodes)` : node,
        why: coverage.uncovered.get(node) ?? '',
      },
    });
  },
});
