import { compareText } from '../../core/compare-text.ts';
import type { ObjectPath } from '../../core/finding.ts';
import { parseQuantity } from '../../core/quantity.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { getAt, podSpecAt } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { hasFinished } from '../../inventory/owning-workload.ts';
import { pdbsFor, podLabels, podsOf, scalersFor } from '../../inventory/selectors.ts';
import { defineInventoryRule, type Report } from '../define-rule.ts';

/**
 * The upstream dns-horizontal-autoscaler defaults (cluster-proportional-autoscaler, linear mode):
 * replicas = max(ceil(cores / 256), ceil(nodes / 16)), and at least 2 when there is more than one
 * node (preventSinglePointFailure).
 */
const CORES_PER_REPLICA = 256;
const NODES_PER_REPLICA = 16;

const HOSTNAME_KEYS = new Set(['kubernetes.io/hostname']);
const ZONE_KEYS = new Set(['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone']);

function isCoreDnsLabels(labels: Record<string, string> | undefined): boolean {
  return labels?.['k8s-app'] === 'kube-dns' || labels?.['app.kubernetes.io/name'] === 'coredns';
}

function isCoreDnsDeployment(entry: InventoryEntry): boolean {
  if (entry.ref.namespace !== 'kube-system') return false;
  return (
    entry.ref.name === 'coredns' ||
    isCoreDnsLabels(entry.object.metadata.labels) ||
    isCoreDnsLabels(podLabels(entry))
  );
}

interface ClusterSize {
  nodes: number;
  cores: number;
}

/** Nodes and cores of the scanned cluster, computed once per inventory. */
function clusterSize(inventory: Inventory): ClusterSize {
  return inventory.derived('coredns-capacity/cluster-size', () => measureCluster(inventory));
}

function measureCluster(inventory: Inventory): ClusterSize {
  let cores = 0;
  for (const node of inventory.ofKind('Node')) {
    const cpu = getAt(node.object, ['status', 'capacity', 'cpu']);
    const parsed = typeof cpu === 'string' || typeof cpu === 'number' ? parseQuantity(cpu) : undefined;
    if (parsed !== undefined) cores += parsed;
  }
  return { nodes: inventory.ofKind('Node').length, cores: Math.round(cores) };
}

/** Replicas the dns-autoscaler defaults would run; 2 when the cluster's nodes are unknown. */
export function recommendedReplicas(size: ClusterSize): number {
  if (size.nodes === 0) return 2;
  const linear = Math.max(
    Math.ceil(size.cores / CORES_PER_REPLICA),
    Math.ceil(size.nodes / NODES_PER_REPLICA),
  );
  return size.nodes > 1 ? Math.max(linear, 2) : linear;
}

/** A podAntiAffinity term or a topology spread constraint over hosts or zones. */
function spreadsReplicas(podSpec: Record<string, unknown> | undefined): boolean {
  if (!podSpec) return false;
  const keys = new Set<string>();
  const anti = asRecord(asRecord(podSpec.affinity)?.podAntiAffinity);
  const required = anti?.requiredDuringSchedulingIgnoredDuringExecution;
  if (Array.isArray(required)) for (const t of required) keys.add(String(asRecord(t)?.topologyKey ?? ''));
  const preferred = anti?.preferredDuringSchedulingIgnoredDuringExecution;
  if (Array.isArray(preferred))
    for (const t of preferred) keys.add(String(asRecord(asRecord(t)?.podAffinityTerm)?.topologyKey ?? ''));
  const spread = podSpec.topologySpreadConstraints;
  if (Array.isArray(spread)) for (const c of spread) keys.add(String(asRecord(c)?.topologyKey ?? ''));
  return [...keys].some((k) => HOSTNAME_KEYS.has(k) || ZONE_KEYS.has(k));
}

/** A cluster-proportional-autoscaler (the dns-autoscaler add-on) pointed at this Deployment. */
function hasProportionalAutoscaler(inventory: Inventory, name: string): boolean {
  const target = new RegExp(`--target=deployment/${name}\\b`, 'i');
  return inventory.ofKind('Deployment').some((d) => {
    const containers = podSpecAt(d.object)?.containers;
    if (!Array.isArray(containers)) return false;
    return containers.some((raw) => {
      const c = asRecord(raw);
      if (!c) return false;
      const args = [...(Array.isArray(c.args) ? c.args : []), ...(Array.isArray(c.command) ? c.command : [])];
      return args.some((a) => typeof a === 'string' && target.test(a));
    });
  });
}

function isSpotNode(node: KubeObject | undefined): boolean {
  const labels = node?.metadata.labels ?? {};
  return (
    labels['karpenter.sh/capacity-type'] === 'spot' || labels['eks.amazonaws.com/capacityType'] === 'SPOT'
  );
}

function nodeName(pod: KubeObject): string | undefined {
  const name = asRecord(pod.spec)?.nodeName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The node all running pods share, when there are at least two and they share one. */
function sharedNode(pods: readonly InventoryEntry[]): string | undefined {
  const running = pods.filter((p) => !hasFinished(p.object) && nodeName(p.object) !== undefined);
  if (running.length < 2) return undefined;
  const nodes = new Set(running.map((p) => nodeName(p.object)));
  return nodes.size === 1 ? [...nodes][0] : undefined;
}

type CoreDnsMessage = 'tooFewReplicas' | 'noPdb' | 'noSpread' | 'allOnOneNode';
type ReportOn = (report: Report<CoreDnsMessage>) => void;

/**
 * Judges CoreDNS from its Deployment (`pods` undefined), or in a snapshot without it, from its
 * running `pods` (`entry` is the first of them by name, which the findings name).
 */
function judgeCoreDns(
  entry: InventoryEntry,
  pods: readonly InventoryEntry[] | undefined,
  inventory: Inventory,
  report: ReportOn,
): void {
  // Only CoreDNS reads the cluster's size (so a node change re-checks only CoreDNS).
  const sized = () => {
    const size = clusterSize(inventory);
    const text = size.nodes > 0 ? `${size.nodes} nodes and ${size.cores} cores` : 'a cluster of unknown size';
    return { size, sizeText: text, recommended: recommendedReplicas(size) };
  };
  const reportShared = (pods: readonly InventoryEntry[], spread: boolean, path: ObjectPath): boolean => {
    const node = sharedNode(pods);
    if (!node) return false;
    const nodeEntry = inventory.get({ apiVersion: 'v1', kind: 'Node', name: node });
    report({
      messageId: 'allOnOneNode',
      severity: 'high',
      data: {
        count: pods.filter((p) => !hasFinished(p.object)).length,
        node,
        spot: isSpotNode(nodeEntry?.object) ? ' (a spot node)' : '',
        cause: spread ? '' : '; no podAntiAffinity or topology spread keeps them apart',
      },
      path,
    });
    return true;
  };

  if (pods === undefined) {
    const { sizeText, recommended } = sized();
    const spec = asRecord(entry.object.spec);
    const replicas = typeof spec?.replicas === 'number' ? spec.replicas : 1;
    const hpas = scalersFor(inventory, entry, 'HorizontalPodAutoscaler');
    const hpaMin = hpas
      .map((h) => asRecord(h.object.spec)?.minReplicas)
      .filter((m): m is number => typeof m === 'number');
    const scaledByCpa = hasProportionalAutoscaler(inventory, entry.ref.name);
    const floor = hpas.length > 0 ? Math.max(1, ...hpaMin) : replicas;
    if (!scaledByCpa && floor < recommended)
      report({
        messageId: 'tooFewReplicas',
        ...(floor <= 1 ? { severity: 'high' as const } : {}),
        data: { replicas: floor, size: sizeText, recommended },
        path: ['spec', 'replicas'],
        ...(hpas.length === 0
          ? {
              fix: {
                description: `run ${recommended} replicas (or deploy the dns-autoscaler to follow cluster size)`,
                edits: [{ op: 'set' as const, path: ['spec', 'replicas'], value: recommended }],
              },
            }
          : {}),
      });
    if (pdbsFor(inventory, entry).length === 0) report({ messageId: 'noPdb', path: ['metadata'] });
    const podSpec = asRecord(getAt(entry.object, ['spec', 'template', 'spec']));
    const spread = spreadsReplicas(podSpec);
    const onOneNode = reportShared(podsOf(inventory, entry), spread, ['spec', 'template', 'spec']);
    if (!spread && !onOneNode && Math.max(floor, recommended) >= 2) {
      const selector = asRecord(spec?.selector) ?? { matchLabels: { 'k8s-app': 'kube-dns' } };
      const constraint = (topologyKey: string) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: selector,
      });
      report({
        messageId: 'noSpread',
        path: ['spec', 'template', 'spec'],
        fix: {
          description:
            'spread CoreDNS replicas across nodes and zones (ScheduleAnyway, as the EKS add-on does)',
          edits: [
            {
              op: 'add-to-list',
              path: ['spec', 'template', 'spec', 'topologySpreadConstraints'],
              value: constraint('kubernetes.io/hostname'),
            },
            {
              op: 'add-to-list',
              path: ['spec', 'template', 'spec', 'topologySpreadConstraints'],
              value: constraint('topology.kubernetes.io/zone'),
            },
          ],
        },
      });
    }
    return;
  }

  // A snapshot without the Deployment: its running pods, named by the first.
  const { size, sizeText, recommended } = sized();
  if (size.nodes > 0 && pods.length < recommended)
    report({
      messageId: 'tooFewReplicas',
      ...(pods.length <= 1 ? { severity: 'high' as const } : {}),
      data: { replicas: pods.length, size: sizeText, recommended },
    });
  // Only say "no PDB" when the snapshot holds PDBs at all: a pods-only dump proves nothing.
  if (inventory.hasKind('PodDisruptionBudget') && pdbsFor(inventory, entry).length === 0)
    report({ messageId: 'noPdb', path: ['metadata'] });
  const spread = spreadsReplicas(asRecord(entry.object.spec));
  if (!reportShared(pods, spread, ['spec', 'nodeName']) && !spread && pods.length >= 2)
    report({ messageId: 'noSpread', path: ['spec'] });
}

export default defineInventoryRule({
  id: 'coredns-capacity',
  category: 'operations',
  severity: 'medium',
  lesson: 'dns',
  title: 'CoreDNS must scale with the cluster and survive losing a node',
  messages: {
    tooFewReplicas:
      'CoreDNS runs {replicas} replica(s) for {size}: the dns-autoscaler defaults (1 per 16 nodes or 256 cores, never fewer than 2) give {recommended}',
    noPdb:
      'no PodDisruptionBudget covers CoreDNS: a node drain or Karpenter consolidation may evict every replica at once, and every lookup in the cluster fails until they are back',
    noSpread:
      'nothing keeps CoreDNS replicas apart: no podAntiAffinity or topologySpreadConstraints on kubernetes.io/hostname or topology.kubernetes.io/zone, so all of them can land on one node',
    allOnOneNode:
      'all {count} CoreDNS pods run on one node, {node}{spot}: losing that node takes cluster DNS down{cause}',
  },
  checkInventory(ctx) {
    const { inventory } = ctx;
    for (const entry of inventory.inNamespace('Deployment', 'kube-system')) {
      if (!isCoreDnsDeployment(entry)) continue;
      ctx.judged(entry);
      judgeCoreDns(entry, undefined, inventory, (r) => ctx.report(entry, r));
    }
    const pods = inventory
      .inNamespace('Pod', 'kube-system')
      .filter(
        (p) =>
          isCoreDnsLabels(p.object.metadata.labels) &&
          !hasFinished(p.object) &&
          inventory.topController(p).object.kind !== 'Deployment',
      )
      .sort((a, b) => compareText(a.ref.name, b.ref.name));
    const [first] = pods;
    if (first) {
      ctx.judged(first);
      judgeCoreDns(first, pods, inventory, (r) => ctx.report(first, r));
    }
  },
});
