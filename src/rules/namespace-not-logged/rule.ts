import { compareText } from '../../core/compare-text.ts';
import { inputText } from '../../core/input-text.ts';
import { asRecord } from '../../core/records.ts';
import { logCollectorOf } from '../../core/telemetry-images.ts';
import { containersAt, isPerNodePod, podSpecAt } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { readTaints, type Taint } from '../../scheduling/node-pool.ts';
import { nodeConstraintsOf, untoleratedTaint } from '../../scheduling/placement.ts';
import { defineInventoryRule } from '../define-rule.ts';

const FARGATE_LABEL = 'eks.amazonaws.com/compute-type';

interface Collector {
  /** `logging/promtail (Promtail)`, for messages. */
  name: string;
  nodeSelector: Record<string, string>;
  tolerations: ReturnType<typeof nodeConstraintsOf>['tolerations'];
}

interface NodeCoverage {
  /** Collectors seen: DaemonSets, or running pods of DaemonSets the scan does not hold. */
  products: string[];
  /** Whether the scan holds node agents at all (DaemonSets or their pods): else it cannot tell. */
  agentsVisible: boolean;
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
  return out.sort((a, b) => compareText(a.name, b.name));
}

/** Why no collector runs on the node, or undefined when one does. */
function whyNotCovered(
  inventory: Inventory,
  node: InventoryEntry,
  collectors: Collector[],
  podProducts: string[],
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
  if (collectors.length === 0) return `no pod of ${podProducts.join(', ')} runs on it`;
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

/** Running pods of log-collector DaemonSets, by node, with the product each is. */
function collectorPods(inventory: Inventory): Map<string, string> {
  const byNode = new Map<string, string>();
  for (const pod of inventory.ofKind('Pod')) {
    if (!isPerNodePod(pod.object) || asRecord(pod.object.status)?.phase !== 'Running') continue;
    const node = inputText(asRecord(pod.object.spec)?.nodeName);
    const product = containersAt(pod.object)
      .map(({ container }) => logCollectorOf(container.image))
      .find((p) => p !== undefined);
    if (node && product) byNode.set(node, product);
  }
  return byNode;
}

/** Which nodes the log collectors cover, built once from every DaemonSet, node agent pod and Node. */
function coverageOf(inventory: Inventory): NodeCoverage {
  return inventory.derived('namespace-not-logged/nodes', () => {
    const collectors = collectorsOf(inventory);
    const pods = collectorPods(inventory);
    const podProducts = [...new Set(pods.values())].sort();
    const products = collectors.length > 0 ? collectors.map((c) => c.name) : podProducts;
    const agentsVisible =
      inventory.ofKind('DaemonSet').length > 0 || inventory.ofKind('Pod').some((p) => isPerNodePod(p.object));
    const uncovered = new Map<string, string>();
    if (products.length === 0) return { products, agentsVisible, uncovered };
    for (const node of inventory.ofKind('Node')) {
      if (pods.has(node.ref.name)) continue;
      const why = whyNotCovered(inventory, node, collectors, podProducts);
      if (why !== undefined) uncovered.set(node.ref.name, why);
    }
    return { products, agentsVisible, uncovered };
  });
}

interface RunningPod {
  pod: InventoryEntry;
  node: string;
}

/** Namespaces that hold pods, sorted (one cheap pass: any pod change asks again). */
function podNamespaces(inventory: Inventory): string[] {
  return inventory.derived('namespace-not-logged/namespaces', () =>
    [...new Set(inventory.ofKind('Pod').map((p) => p.ref.namespace ?? ''))].sort(compareText),
  );
}

/**
 * A namespace's running pods and their nodes, sorted by name; a pod with a log shipper of its own
 * (a Fluent Bit sidecar) is logged wherever it runs, so it is left out. Kept per namespace, so a
 * pod change under `serve` recomputes only its own namespace's list.
 */
function runningPods(inventory: Inventory, namespace: string): RunningPod[] {
  return inventory.derived(`namespace-not-logged/running/${namespace}`, () =>
    inventory
      .inNamespace('Pod', namespace)
      .flatMap((pod) => {
        const node = inputText(asRecord(pod.object.spec)?.nodeName);
        if (asRecord(pod.object.status)?.phase !== 'Running' || !node) return [];
        if (containersAt(pod.object).some(({ container }) => logCollectorOf(container.image))) return [];
        return [{ pod, node }];
      })
      .sort((a, b) => compareText(a.pod.ref.name, b.pod.ref.name)),
  );
}

function runningCount(n: number): string {
  return n === 1 ? '1 running pod' : `${n} running pods`;
}

export default defineInventoryRule({
  id: 'namespace-not-logged',
  category: 'observability',
  severity: 'medium',
  lesson: 'observability',
  title: "Every namespace's pod logs are collected off the node",
  messages: {
    noCollector:
      'namespace {namespace} has {pods} and no log-collector DaemonSet (Promtail, Grafana Alloy, Fluent Bit, Fluentd, Vector, an OpenTelemetry Collector…) runs in the cluster: their logs stay on the nodes until the kubelet rotates them, and go with the node',
    nodesNotCovered:
      'namespace {namespace} has {pods} on nodes no log collector runs on, so their logs are never shipped: on {node}, {why}',
  },
  checkInventory(ctx) {
    const { inventory } = ctx;
    // Only a live cluster or a snapshot (it lists Nodes) shows where pods run and what runs there.
    if (!inventory.hasKind('Node')) return;
    const coverage = coverageOf(inventory);
    // No DaemonSet and no node agent's pod in the scan: they were not collected, not absent.
    if (coverage.products.length === 0 && !coverage.agentsVisible) return;
    for (const namespace of podNamespaces(inventory)) {
      const pods = runningPods(inventory, namespace);
      if (pods.length === 0) continue;
      // The Namespace object, or in a snapshot without it, the namespace's first running pod.
      const subject = inventory.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace }) ?? pods[0]?.pod;
      if (!subject) continue;
      ctx.judged(subject);
      if (coverage.products.length === 0) {
        ctx.report(subject, {
          messageId: 'noCollector',
          data: { namespace, pods: runningCount(pods.length) },
        });
        continue;
      }
      const stranded = pods.filter((p) => coverage.uncovered.has(p.node));
      if (stranded.length === 0) continue;
      const nodes = [...new Set(stranded.map((p) => p.node))].sort();
      const [node = ''] = nodes;
      ctx.report(subject, {
        messageId: 'nodesNotCovered',
        data: {
          namespace,
          pods: runningCount(stranded.length),
          node: nodes.length > 1 ? `${node} (and ${nodes.length - 1} more nodes)` : node,
          why: coverage.uncovered.get(node) ?? '',
        },
      });
    }
  },
});
