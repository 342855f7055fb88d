/**
 * Where a workload's pods can land, by capacity type: its nodeSelector, required node affinity
 * and tolerations, matched against the capacity the inventory knows — Karpenter NodePools
 * (the labels their nodes get and the requirements that narrow them), Nodes that no NodePool in
 * the inventory accounts for (managed node groups, pools left out of the scan), and for Pods the
 * node they run on now.
 *
 * Matching follows the scheduler and Karpenter: all nodeSelector entries and at least one
 * required node selector term must hold; a taint with effect NoSchedule or NoExecute must be
 * tolerated; a NodePool offers well-known labels (zone, instance type…) with any value its
 * requirements allow, its template labels with their value, and no other label. Preferred
 * affinity does not bind: Karpenter relaxes it when the preferred capacity is short.
 *
 * With no NodePool and no Node in the inventory, only the workload's own constraints are known:
 * it can land on spot only if it asks for spot itself.
 */
import type { PodSpec } from '../core/pod-spec.ts';
import { asRecord, pushTo } from '../core/records.ts';
import type { KubeObject } from '../core/resource.ts';
import { getAt, podSpecAt } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from '../inventory/inventory.ts';
import {
  CAPACITY_TYPE_LABEL,
  type CapacityType,
  formatCapacityTypes,
  NODEPOOL_LABEL,
  type NodePoolView,
  nodePoolsOf,
  readTaints,
  type Taint,
} from './node-pool.ts';

/** EKS managed node groups label their nodes `SPOT`, `ON_DEMAND` or `CAPACITY_BLOCK`. */
export const EKS_CAPACITY_TYPE_LABEL = 'eks.amazonaws.com/capacityType';

export interface Constraint {
  key: string;
  operator: string;
  values: string[];
}

/** What a node from some capacity can carry under one label key. */
export type LabelDomain =
  | { kind: 'fixed'; value: string }
  | { kind: 'absent' }
  /** Any value (Karpenter picks one the requirements allow); maybe no label at all. */
  | { kind: 'free'; mayBeAbsent: boolean };

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** A workload's scheduling constraints that decide which nodes it may use. */
export interface NodeConstraints {
  nodeSelector: Record<string, string>;
  /** Required node selector terms (any one must hold); undefined when there are none. */
  requiredTerms?: Constraint[][];
  /** Preferred terms' expressions, for the description only. */
  preferred: Constraint[];
  tolerations: Toleration[];
}

export interface CapacityTarget {
  kind: 'NodePool' | 'Node' | 'Virtual';
  name: string;
  capacityTypes: CapacityType[];
  taints: Taint[];
  domain(key: string, capacityType: CapacityType): LabelDomain;
  /** The target's own requirements on a key (NodePool requirements; none for Nodes). */
  constraints(key: string): Constraint[];
  /** True for Nodes whose capacity type no label states (taken as on-demand). */
  unlabelled?: boolean;
}

export interface LandingOption {
  target: CapacityTarget;
  capacityType: CapacityType;
}

export interface RunningPod {
  pod: string;
  node: string;
  capacityType: CapacityType | 'unknown';
}

/** What the workload's own nodeSelector and required affinity say about the capacity type. */
export type OwnCapacityConstraint = 'none' | 'spot-only' | 'on-demand-only' | 'unsatisfiable';

export interface Placement {
  /** Some capacity in the inventory can run it on spot (or a pod of it runs on spot now). */
  canLandOnSpot: boolean;
  /** Some capacity in the inventory can run it on on-demand (or reserved) capacity. */
  canLandOnOnDemand: boolean;
  /** One sentence a platform engineer can check: where it can land and why. */
  how: string;
  /** What the answer rests on: NodePools, Nodes, or only the workload's own spec. */
  basis: 'node-pools' | 'nodes' | 'workload';
  ownConstraint: OwnCapacityConstraint;
  /** The nodeSelector entry or affinity expression that constrains the capacity type, if any. */
  ownConstraintSource?: string;
  /** Its label key, and whether it is a nodeSelector entry (which a fix can simply edit). */
  ownConstraintKey?: { key: string; inNodeSelector: boolean };
  /** The workload asks for spot itself: capacity-type selector or preference, or a spot toleration. */
  asksForSpot: boolean;
  /** Only a preferred node affinity asks for on-demand: Karpenter relaxes it when on-demand is short. */
  prefersOnDemand: boolean;
  options: LandingOption[];
  running: RunningPod[];
}

// --- label algebra -------------------------------------------------------------------------

function holds(c: Constraint, value: string): boolean {
  switch (c.operator) {
    case 'In':
      return c.values.includes(value);
    case 'NotIn':
      return !c.values.includes(value);
    case 'Exists':
      return true;
    case 'DoesNotExist':
      return false;
    case 'Gt':
    case 'Lt': {
      const v = Number(value);
      const bound = Number(c.values[0]);
      if (!Number.isFinite(v) || !Number.isFinite(bound)) return false;
      return c.operator === 'Gt' ? v > bound : v < bound;
    }
    default:
      // An operator the API server rejects cannot be in a stored object: do not conclude on it.
      return true;
  }
}

function acceptsAbsence(c: Constraint): boolean {
  return c.operator === 'NotIn' || c.operator === 'DoesNotExist' || !KNOWN_OPERATORS.has(c.operator);
}

const KNOWN_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']);

/** Whether some value of the domain (or the label's absence) satisfies every constraint. */
export function satisfiable(domain: LabelDomain, constraints: readonly Constraint[]): boolean {
  if (domain.kind === 'absent') return constraints.every(acceptsAbsence);
  if (domain.kind === 'fixed') return constraints.every((c) => holds(c, domain.value));
  if (domain.mayBeAbsent && constraints.every(acceptsAbsence)) return true;
  if (constraints.some((c) => c.operator === 'DoesNotExist')) return false;
  const ins = constraints.filter((c) => c.operator === 'In');
  const first = ins[0];
  if (first) return first.values.some((v) => constraints.every((c) => holds(c, v)));
  // No list to pick from: a fresh value satisfies NotIn and Exists; numeric bounds need room.
  const gts = constraints.filter((c) => c.operator === 'Gt').map((c) => Number(c.values[0]));
  const lts = constraints.filter((c) => c.operator === 'Lt').map((c) => Number(c.values[0]));
  if (gts.some((n) => !Number.isFinite(n)) || lts.some((n) => !Number.isFinite(n))) return false;
  const low = gts.length > 0 ? Math.max(...gts) : Number.NEGATIVE_INFINITY;
  const high = lts.length > 0 ? Math.min(...lts) : Number.POSITIVE_INFINITY;
  return high - low > 1;
}

// --- the workload's side -------------------------------------------------------------------

function readExpressions(value: unknown): Constraint[] {
  if (!Array.isArray(value)) return [];
  const out: Constraint[] = [];
  for (const item of value) {
    const e = asRecord(item);
    if (!e || typeof e.key !== 'string' || typeof e.operator !== 'string') continue;
    out.push({
      key: e.key,
      operator: e.operator,
      values: Array.isArray(e.values) ? e.values.map(String) : [],
    });
  }
  return out;
}

/** The scheduling constraints of a pod spec, read defensively. */
export function nodeConstraintsOf(spec: PodSpec | undefined): NodeConstraints {
  const nodeSelector: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(spec?.nodeSelector) ?? {})) nodeSelector[k] = String(v);
  const nodeAffinity = asRecord(asRecord(spec?.affinity)?.nodeAffinity);
  const required = asRecord(nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
  const rawTerms = required?.nodeSelectorTerms;
  let requiredTerms: Constraint[][] | undefined;
  if (Array.isArray(rawTerms) && rawTerms.length > 0) {
    requiredTerms = [];
    for (const raw of rawTerms) {
      const term = asRecord(raw);
      const expressions = readExpressions(term?.matchExpressions);
      const hasFields = Array.isArray(term?.matchFields) && term.matchFields.length > 0;
      // An empty term matches no node; a term with only matchFields (node names) is not judged here.
      if (expressions.length === 0 && !hasFields) continue;
      requiredTerms.push(expressions);
    }
  }
  const preferred: Constraint[] = [];
  const rawPreferred = nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  if (Array.isArray(rawPreferred))
    for (const p of rawPreferred)
      preferred.push(...readExpressions(asRecord(asRecord(p)?.preference)?.matchExpressions));
  const tolerations: Toleration[] = [];
  if (Array.isArray(spec?.tolerations))
    for (const raw of spec.tolerations) {
      const t = asRecord(raw);
      if (!t) continue;
      const toleration: Toleration = {};
      if (typeof t.key === 'string') toleration.key = t.key;
      if (typeof t.operator === 'string') toleration.operator = t.operator;
      if (typeof t.value === 'string') toleration.value = t.value;
      if (typeof t.effect === 'string') toleration.effect = t.effect;
      tolerations.push(toleration);
    }
  const out: NodeConstraints = { nodeSelector, preferred, tolerations };
  if (requiredTerms !== undefined) out.requiredTerms = requiredTerms;
  return out;
}

function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Taints that come and go with a node's state, not with the kind of capacity it is. */
function isTransientTaint(taint: Taint): boolean {
  return (
    taint.key.startsWith('node.kubernetes.io/') ||
    taint.key.startsWith('node.cloudprovider.kubernetes.io/') ||
    ['karpenter.sh/disrupted', 'karpenter.sh/disruption', 'karpenter.sh/unregistered'].includes(taint.key) ||
    taint.key === 'ToBeDeletedByClusterAutoscaler' ||
    taint.key === 'DeletionCandidateOfClusterAutoscaler'
  );
}

/** The first taint (of a node's kind, not its state) the tolerations do not let a pod past. */
export function untoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): Taint | undefined {
  return taints.find(
    (t) =>
      (t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
      !isTransientTaint(t) &&
      !tolerates(tolerations, t),
  );
}

function toleratesAll(taints: readonly Taint[], tolerations: readonly Toleration[]): boolean {
  return untoleratedTaint(taints, tolerations) === undefined;
}

/** Whether the constraints let a pod land on the target with this capacity type. */
export function admits(target: CapacityTarget, capacityType: CapacityType, c: NodeConstraints): boolean {
  if (!target.capacityTypes.includes(capacityType)) return false;
  if (!toleratesAll(target.taints, c.tolerations)) return false;
  const selector: Constraint[] = Object.entries(c.nodeSelector).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
  }));
  const terms = c.requiredTerms ?? [[]];
  return terms.some((term) => {
    const byKey = new Map<string, Constraint[]>();
    for (const e of [...selector, ...term]) pushTo(byKey, e.key, e);
    for (const [key, cs] of byKey)
      if (!satisfiable(target.domain(key, capacityType), [...target.constraints(key), ...cs])) return false;
    return true;
  });
}

// --- capacity the inventory knows ----------------------------------------------------------

/** Labels Karpenter (and EKS) set on every node it launches, with the value it picks. */
function isWellKnownLabel(key: string): boolean {
  return (
    key.startsWith('karpenter.k8s.aws/') ||
    key.startsWith('eks.amazonaws.com/instance-') ||
    [
      'kubernetes.io/arch',
      'kubernetes.io/os',
      'kubernetes.io/hostname',
      'node.kubernetes.io/instance-type',
      'node.kubernetes.io/windows-build',
      'topology.kubernetes.io/zone',
      'topology.kubernetes.io/region',
      'topology.k8s.aws/zone-id',
      'beta.kubernetes.io/arch',
      'beta.kubernetes.io/os',
      'beta.kubernetes.io/instance-type',
      'failure-domain.beta.kubernetes.io/zone',
      'failure-domain.beta.kubernetes.io/region',
    ].includes(key)
  );
}

function poolTarget(pool: NodePoolView): CapacityTarget {
  return {
    kind: 'NodePool',
    name: pool.name,
    capacityTypes: pool.capacityTypes,
    taints: pool.taints,
    domain(key, capacityType) {
      if (key === CAPACITY_TYPE_LABEL) return { kind: 'fixed', value: capacityType };
      const label = pool.labels[key];
      if (label !== undefined) return { kind: 'fixed', value: label };
      const own = pool.requirements.filter((r) => r.key === key);
      if (isWellKnownLabel(key)) return { kind: 'free', mayBeAbsent: false };
      if (own.length === 0) return { kind: 'absent' };
      // A custom label a requirement names: Karpenter sets it unless the requirement allows its absence.
      return { kind: 'free', mayBeAbsent: own.every((r) => acceptsAbsence(r)) };
    },
    constraints(key) {
      if (key === CAPACITY_TYPE_LABEL) return [];
      return pool.requirements.filter((r) => r.key === key);
    },
  };
}

/** The capacity type a Node's labels state (Karpenter, EKS node groups, a few common conventions). */
export function nodeCapacityType(labels: Record<string, unknown>): CapacityType | undefined {
  const karpenter = labels[CAPACITY_TYPE_LABEL];
  if (karpenter === 'spot' || karpenter === 'on-demand' || karpenter === 'reserved') return karpenter;
  const eks = labels[EKS_CAPACITY_TYPE_LABEL];
  if (eks === 'SPOT') return 'spot';
  if (eks === 'ON_DEMAND') return 'on-demand';
  if (eks === 'CAPACITY_BLOCK') return 'reserved';
  const lifecycle = labels['node.kubernetes.io/lifecycle'];
  if (lifecycle === 'spot') return 'spot';
  if (lifecycle === 'normal' || lifecycle === 'on-demand') return 'on-demand';
  if (labels['cloud.google.com/gke-spot'] === 'true' || labels['cloud.google.com/gke-preemptible'] === 'true')
    return 'spot';
  if (labels['kubernetes.azure.com/scalesetpriority'] === 'spot') return 'spot';
  return undefined;
}

function nodeLabels(node: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(node.metadata.labels) ?? {})) out[k] = String(v);
  return out;
}

/** Fargate and virtual-kubelet nodes only run the pods sent to them: not capacity to land on. */
function isVirtualNode(labels: Record<string, string>): boolean {
  return labels['eks.amazonaws.com/compute-type'] === 'fargate' || labels.type === 'virtual-kubelet';
}

function nodeTarget(node: InventoryEntry): CapacityTarget | undefined {
  const labels = nodeLabels(node.object);
  if (isVirtualNode(labels)) return undefined;
  const stated = nodeCapacityType(labels);
  return {
    kind: 'Node',
    name: node.ref.name,
    capacityTypes: [stated ?? 'on-demand'],
    taints: readTaints(getAt(node.object, ['spec', 'taints'])),
    domain(key) {
      const value = labels[key];
      return value === undefined ? { kind: 'absent' } : { kind: 'fixed', value };
    },
    constraints: () => [],
    ...(stated === undefined ? { unlabelled: true } : {}),
  };
}

export interface KnownCapacity {
  targets: CapacityTarget[];
  basis: Placement['basis'];
}

/**
 * The capacity the inventory knows: every Karpenter NodePool, plus the Nodes that none of those
 * pools launched (a node group, or a pool the scan does not include).
 */
export function knownCapacity(inventory: Inventory): KnownCapacity {
  return inventory.derived('known-capacity', () => readCapacity(inventory));
}

function readCapacity(inventory: Inventory): KnownCapacity {
  const pools = nodePoolsOf(inventory);
  const poolNames = new Set(pools.map((p) => p.name));
  const targets: CapacityTarget[] = pools.map(poolTarget);
  for (const node of inventory.ofKind('Node')) {
    const pool = node.object.metadata.labels?.[NODEPOOL_LABEL];
    if (typeof pool === 'string' && poolNames.has(pool)) continue;
    const target = nodeTarget(node);
    if (target) targets.push(target);
  }
  const basis: Placement['basis'] =
    pools.length > 0 ? 'node-pools' : targets.length > 0 ? 'nodes' : 'workload';
  return { targets, basis };
}

/** Node labels that state a capacity type, with the value each uses for spot and on-demand. */
const CAPACITY_LABEL_VALUES: Record<string, Record<CapacityType, string>> = {
  [CAPACITY_TYPE_LABEL]: { spot: 'spot', 'on-demand': 'on-demand', reserved: 'reserved' },
  [EKS_CAPACITY_TYPE_LABEL]: { spot: 'SPOT', 'on-demand': 'ON_DEMAND', reserved: 'CAPACITY_BLOCK' },
  'node.kubernetes.io/lifecycle': { spot: 'spot', 'on-demand': 'normal', reserved: 'normal' },
};

/** Node labels that state a capacity type. */
export const CAPACITY_KEYS: readonly string[] = Object.keys(CAPACITY_LABEL_VALUES);

/**
 * A stand-in node of a cluster the inventory does not describe, whose capacity type is stated
 * by one label (`karpenter.sh/capacity-type`, the EKS node-group label…); every other label free.
 */
function virtualTarget(key: string): CapacityTarget {
  const values = CAPACITY_LABEL_VALUES[key] ?? CAPACITY_LABEL_VALUES[CAPACITY_TYPE_LABEL];
  return {
    kind: 'Virtual',
    name: key,
    capacityTypes: ['spot', 'on-demand'],
    taints: [],
    domain(label, capacityType) {
      if (label === key && values) return { kind: 'fixed', value: values[capacityType] };
      if (CAPACITY_KEYS.includes(label)) return { kind: 'absent' };
      return { kind: 'free', mayBeAbsent: true };
    },
    constraints: () => [],
  };
}

/**
 * What the workload's own nodeSelector and required affinity say about the capacity type, read
 * as intent: each capacity label it names is judged on nodes that use that label, so
 * `NotIn [spot]` on Karpenter's label means "not spot" even though a node-group node without
 * that label would also match it.
 */
function ownConstraintOf(c: NodeConstraints): { own: OwnCapacityConstraint; source?: string; key?: string } {
  const named = new Set<string>([
    ...Object.keys(c.nodeSelector).filter((k) => CAPACITY_KEYS.includes(k)),
    ...(c.requiredTerms ?? [])
      .flat()
      .filter((e) => CAPACITY_KEYS.includes(e.key))
      .map((e) => e.key),
  ]);
  if (named.size === 0) return { own: 'none' };
  const virtual = [...named].map(virtualTarget);
  const spot = virtual.some((t) => admits(t, 'spot', c));
  const onDemand = virtual.some((t) => admits(t, 'on-demand', c));
  const own: OwnCapacityConstraint =
    spot && onDemand ? 'none' : spot ? 'spot-only' : onDemand ? 'on-demand-only' : 'unsatisfiable';
  if (own === 'none') return { own };
  for (const key of CAPACITY_KEYS) {
    const value = c.nodeSelector[key];
    if (value !== undefined) return { own, source: `nodeSelector ${key}=${value}`, key };
  }
  for (const term of c.requiredTerms ?? [])
    for (const e of term)
      if (CAPACITY_KEYS.includes(e.key))
        return {
          own,
          source: `required node affinity ${e.key} ${e.operator} [${e.values.join(', ')}]`,
          key: e.key,
        };
  return { own };
}

const SPOT_VALUES = new Set(['spot', 'SPOT']);

function asksForSpot(c: NodeConstraints, own: OwnCapacityConstraint): boolean {
  if (own === 'spot-only') return true;
  if (
    c.preferred.some(
      (e) => CAPACITY_KEYS.includes(e.key) && e.operator === 'In' && e.values.some((v) => SPOT_VALUES.has(v)),
    )
  )
    return true;
  return c.tolerations.some((t) => {
    if (!t.key) return false;
    if (CAPACITY_KEYS.includes(t.key)) return t.operator === 'Exists' || SPOT_VALUES.has(t.value ?? '');
    return /spot/i.test(t.key) || /spot/i.test(t.value ?? '');
  });
}

function prefersOnDemand(c: NodeConstraints): boolean {
  return c.preferred.some(
    (e) =>
      CAPACITY_KEYS.includes(e.key) &&
      ((e.operator === 'In' && e.values.every((v) => !SPOT_VALUES.has(v))) ||
        (e.operator === 'NotIn' && e.values.some((v) => SPOT_VALUES.has(v)))),
  );
}

function isFinishedPod(object: KubeObject): boolean {
  const phase = asRecord(object.status)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function runningPods(inventory: Inventory, pods: readonly InventoryEntry[]): RunningPod[] {
  const out: RunningPod[] = [];
  for (const pod of pods) {
    if (pod.object.kind !== 'Pod' || isFinishedPod(pod.object)) continue;
    const nodeName = getAt(pod.object, ['spec', 'nodeName']);
    if (typeof nodeName !== 'string' || nodeName === '') continue;
    const node = inventory.get({ apiVersion: 'v1', kind: 'Node', name: nodeName });
    if (!node) continue;
    out.push({
      pod: pod.ref.name,
      node: nodeName,
      capacityType: nodeCapacityType(nodeLabels(node.object)) ?? 'unknown',
    });
  }
  return out;
}

// --- describing it -------------------------------------------------------------------------

function list(names: readonly string[], max = 3): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function describeTargets(options: readonly LandingOption[], capacity: 'spot' | 'non-spot'): string {
  const chosen = options.filter((o) => (capacity === 'spot') === (o.capacityType === 'spot'));
  const pools = [...new Set(chosen.filter((o) => o.target.kind === 'NodePool').map((o) => o.target))];
  const nodes = [...new Set(chosen.filter((o) => o.target.kind === 'Node').map((o) => o.target.name))];
  const parts: string[] = [];
  if (pools.length > 0)
    parts.push(
      `${pools.length === 1 ? 'NodePool' : 'NodePools'} ${list(pools.map((p) => `${p.name} (${formatCapacityTypes(p.capacityTypes)})`))}`,
    );
  if (nodes.length > 0)
    parts.push(
      `${capacity === 'spot' ? 'spot' : 'on-demand'} ${nodes.length === 1 ? 'node' : 'nodes'} ${list(nodes)}`,
    );
  return parts.join(' and ');
}

function describe(p: Omit<Placement, 'how'>): string {
  const sentences: string[] = [];
  const onSpot = p.running.filter((r) => r.capacityType === 'spot');
  if (onSpot.length > 0) {
    const nodes = [...new Set(onSpot.map((r) => r.node))];
    sentences.push(
      onSpot.length === 1
        ? `pod ${onSpot[0]?.pod} runs on spot node ${onSpot[0]?.node} now`
        : `${onSpot.length} of its pods run on spot ${nodes.length === 1 ? 'node' : 'nodes'} ${list(nodes)} now`,
    );
  }
  const constraint = p.ownConstraintSource ? `its ${p.ownConstraintSource}` : undefined;
  if (p.basis === 'workload') {
    if (p.ownConstraint === 'spot-only')
      sentences.push(`${constraint ?? 'its node affinity'} asks for spot only`);
    else if (p.ownConstraint === 'on-demand-only')
      sentences.push(`${constraint ?? 'its node affinity'} keeps it on on-demand`);
    else if (p.asksForSpot) sentences.push('it asks for spot capacity (a spot toleration or preference)');
    else sentences.push('the scan holds no NodePool or Node, so only its own spec is known');
    return sentences.join('; ');
  }
  const spotWhere = describeTargets(p.options, 'spot');
  const onDemandWhere = describeTargets(p.options, 'non-spot');
  if (p.canLandOnSpot && p.canLandOnOnDemand) {
    // A pod on spot now says it all; otherwise name the capacity that would take it.
    if (spotWhere && onSpot.length === 0)
      sentences.push(
        p.prefersOnDemand
          ? `${spotWhere} can give it spot: only a preferred node affinity asks for on-demand, and Karpenter drops a preference it cannot meet`
          : `${spotWhere} can give it spot, and nothing in its spec asks for on-demand`,
      );
  } else if (p.canLandOnSpot) {
    sentences.push(
      `${constraint ? `${constraint} asks for spot; ` : ''}only spot capacity accepts it${spotWhere ? `: ${spotWhere}` : ''}`,
    );
  } else if (p.canLandOnOnDemand) {
    sentences.push(
      constraint
        ? `${constraint} keeps it on on-demand`
        : `only on-demand capacity accepts it: ${onDemandWhere}`,
    );
  } else {
    sentences.push(
      'no NodePool or Node in the scan accepts it (its nodeSelector, affinity or tolerations match none)',
    );
  }
  return sentences.join('; ');
}

// --- the answer ----------------------------------------------------------------------------

export interface PlacementOptions {
  /** Extra nodeSelector entries to try, e.g. the fix `karpenter.sh/capacity-type: on-demand`. */
  extraNodeSelector?: Record<string, string>;
  /** nodeSelector keys to try without, e.g. to see where the workload would land unpinned. */
  dropNodeSelector?: readonly string[];
  /** The workload's live pods (snapshots): the nodes they run on are evidence too. */
  pods?: readonly InventoryEntry[];
}

/** Where the workload's pods can land, on which capacity types, and why. */
export function placementOf(
  inventory: Inventory,
  workload: InventoryEntry,
  options: PlacementOptions = {},
): Placement {
  const c = nodeConstraintsOf(podSpecAt(workload.object));
  if (options.extraNodeSelector) c.nodeSelector = { ...c.nodeSelector, ...options.extraNodeSelector };
  for (const key of options.dropNodeSelector ?? []) delete c.nodeSelector[key];
  const { own, source, key: ownKey } = ownConstraintOf(c);
  const asks = asksForSpot(c, own);
  const { targets, basis } = knownCapacity(inventory);
  const pods = options.pods ?? (workload.object.kind === 'Pod' ? [workload] : []);
  const hypothetical = options.extraNodeSelector !== undefined || options.dropNodeSelector !== undefined;
  const running = hypothetical ? [] : runningPods(inventory, pods);

  const landing: LandingOption[] = [];
  for (const target of targets)
    for (const capacityType of target.capacityTypes)
      if (admits(target, capacityType, c)) landing.push({ target, capacityType });

  let canLandOnSpot: boolean;
  let canLandOnOnDemand: boolean;
  if (basis === 'workload') {
    canLandOnSpot = asks && own !== 'on-demand-only' && own !== 'unsatisfiable';
    canLandOnOnDemand = own === 'none' || own === 'on-demand-only';
  } else {
    canLandOnSpot = landing.some((o) => o.capacityType === 'spot');
    canLandOnOnDemand = landing.some((o) => o.capacityType !== 'spot');
  }
  if (running.some((r) => r.capacityType === 'spot')) canLandOnSpot = true;
  if (running.some((r) => r.capacityType === 'on-demand' || r.capacityType === 'reserved'))
    canLandOnOnDemand = true;

  const partial: Omit<Placement, 'how'> = {
    canLandOnSpot,
    canLandOnOnDemand,
    basis,
    ownConstraint: own,
    ...(source ? { ownConstraintSource: source } : {}),
    ...(ownKey
      ? { ownConstraintKey: { key: ownKey, inNodeSelector: c.nodeSelector[ownKey] !== undefined } }
      : {}),
    asksForSpot: asks,
    prefersOnDemand: own === 'none' && prefersOnDemand(c),
    options: landing,
    running,
  };
  return { ...partial, how: describe(partial) };
}

/** Every label key any Node carries, once per inventory. */
function nodeLabelKeys(inventory: Inventory): Set<string> {
  return inventory.derived('node-label-keys', () => {
    const keys = new Set<string>();
    for (const n of inventory.ofKind('Node'))
      for (const k of Object.keys(n.object.metadata.labels ?? {})) keys.add(k);
    return keys;
  });
}

/**
 * The nodeSelector entry that keeps pods on on-demand capacity in this cluster: Karpenter's
 * label where the inventory shows Karpenter, the EKS node-group label where it shows node
 * groups, else the label the workload already uses; undefined when nothing tells.
 */
export function onDemandSelectorFor(
  inventory: Inventory,
  placement: Pick<Placement, 'ownConstraintKey'>,
): { key: string; value: string } | undefined {
  const labels = nodeLabelKeys(inventory);
  if (nodePoolsOf(inventory).length > 0 || labels.has(CAPACITY_TYPE_LABEL))
    return { key: CAPACITY_TYPE_LABEL, value: 'on-demand' };
  if (labels.has(EKS_CAPACITY_TYPE_LABEL)) return { key: EKS_CAPACITY_TYPE_LABEL, value: 'ON_DEMAND' };
  const own = placement.ownConstraintKey?.key;
  if (own === CAPACITY_TYPE_LABEL) return { key: own, value: 'on-demand' };
  if (own === EKS_CAPACITY_TYPE_LABEL) return { key: own, value: 'ON_DEMAND' };
  return undefined;
}

/** Whether any capacity the inventory knows offers spot at all. */
export function inventoryOffersSpot(inventory: Inventory): boolean {
  return knownCapacity(inventory).targets.some((t) => t.capacityTypes.includes('spot'));
}
