/**
 * Default deny, as each policy engine means it: what a Kubernetes NetworkPolicy, a Cilium
 * (Clusterwide)NetworkPolicy or a Calico (Global)NetworkPolicy does to *every* pod of a
 * namespace, per direction. Only policies that select every pod of the namespace count: a deny
 * that covers some pods leaves the others open.
 *
 * Per direction a policy can:
 * - `isolates`: the pods accept only what some policy allows (Kubernetes semantics of a policy
 *   type; Cilium "default deny"; Calico's end-of-tier deny);
 * - `denies-all`: an explicit rule denies everything (Cilium `ingressDeny`/`egressDeny` from
 *   all, Calico `action: Deny` without match criteria), whatever else allows;
 * - `allows-all`: a rule allows everything (Kubernetes `- {}`, Cilium `fromEntities: [all]`,
 *   Calico `action: Allow` without criteria), which undoes any isolation of those pods.
 */
import {
  type CalicoSelector,
  evaluateCalicoSelector,
  parseCalicoSelector,
  type Tristate,
} from './calico-selector.ts';
import { inputText, inputTexts } from './input-text.ts';
import { asRecord } from './records.ts';
import { groupOf, type KubeObject } from './resource.ts';

export type Direction = 'ingress' | 'egress';
export type DirectionEffect = 'isolates' | 'denies-all' | 'allows-all';

export interface PolicyEffect {
  /** How a user names the policy: `NetworkPolicy payments/default-deny-all`. */
  policy: string;
  ingress?: DirectionEffect;
  egress?: DirectionEffect;
}

export interface NamespaceFacts {
  name: string;
  /** The namespace's labels; `kubernetes.io/metadata.name` is added by the API server. */
  labels: Record<string, string>;
  /** False when the Namespace object is not in the inventory: only its name is known. */
  labelsKnown: boolean;
}

export type DirectionState =
  | { state: 'denied'; by: string }
  | { state: 'undone'; by: string; allowedBy: string }
  | { state: 'open' };

export interface Isolation {
  ingress: DirectionState;
  egress: DirectionState;
}

/** Kinds that can carry a default deny, with the API groups that serve them. */
export const NETWORK_POLICY_KINDS: readonly { kind: string; groups: readonly string[] }[] = [
  { kind: 'NetworkPolicy', groups: ['networking.k8s.io', 'projectcalico.org', 'crd.projectcalico.org'] },
  { kind: 'CiliumNetworkPolicy', groups: ['cilium.io'] },
  { kind: 'CiliumClusterwideNetworkPolicy', groups: ['cilium.io'] },
  { kind: 'GlobalNetworkPolicy', groups: ['projectcalico.org', 'crd.projectcalico.org'] },
];

/** True for objects of a policy kind this module understands (by kind and API group). */
export function isNetworkPolicyObject(object: KubeObject): boolean {
  const group = groupOf(inputText(object.apiVersion) ?? '');
  return NETWORK_POLICY_KINDS.some((k) => k.kind === object.kind && k.groups.includes(group));
}

/** True for policy kinds that apply across namespaces. */
export function isClusterWidePolicy(object: KubeObject): boolean {
  return object.kind === 'CiliumClusterwideNetworkPolicy' || object.kind === 'GlobalNetworkPolicy';
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  const record = asRecord(value);
  return record !== undefined && Object.keys(record).length === 0;
}

function and(a: Tristate, b: Tristate): Tristate {
  if (a === false || b === false) return false;
  if (a === true && b === true) return true;
  return undefined;
}

/**
 * A Kubernetes label selector (matchLabels, matchExpressions) in three-valued logic; `known`
 * gives a label's value, null for "known absent", undefined for "unknown" (a pod's own labels).
 */
export function evaluateLabelSelector(
  selector: unknown,
  known: (key: string) => string | null | undefined,
): Tristate {
  const s = asRecord(selector);
  if (!s) return false;
  let result: Tristate = true;
  for (const [key, value] of Object.entries(asRecord(s.matchLabels) ?? {})) {
    const v = known(key);
    result = and(result, v === undefined ? undefined : v === inputText(value));
  }
  for (const raw of asArray(s.matchExpressions)) {
    const e = asRecord(raw);
    if (!e || typeof e.key !== 'string') return false;
    const v = known(e.key);
    if (v === undefined) {
      result = and(result, undefined);
      continue;
    }
    const values = inputTexts(e.values);
    const has = v !== null;
    let holds: boolean;
    switch (e.operator) {
      case 'In':
        holds = has && values.includes(v);
        break;
      case 'NotIn':
        holds = !has || !values.includes(v);
        break;
      case 'Exists':
        holds = has;
        break;
      case 'DoesNotExist':
        holds = !has;
        break;
      default:
        return false;
    }
    result = and(result, holds);
  }
  return result;
}

function namespaceLabel(ns: NamespaceFacts, key: string): string | null | undefined {
  if (key === 'kubernetes.io/metadata.name') return ns.name;
  const value = ns.labels[key];
  if (value !== undefined) return value;
  return ns.labelsKnown ? null : undefined;
}

const ciliumKey = (key: string): string => key.replace(/^(k8s|any):/, '');

/** What Cilium knows of every endpoint of a namespace: its namespace and the namespace's labels. */
function ciliumKnown(ns: NamespaceFacts): (key: string) => string | null | undefined {
  return (raw) => {
    const key = ciliumKey(raw);
    if (key === 'io.kubernetes.pod.namespace') return ns.name;
    const prefix = 'io.cilium.k8s.namespace.labels.';
    if (key.startsWith(prefix)) return namespaceLabel(ns, key.slice(prefix.length));
    return undefined;
  };
}

/** What Calico knows of every workload endpoint of a namespace. */
function calicoKnown(ns: NamespaceFacts): (key: string) => string | null | undefined {
  return (key) => {
    if (key === 'projectcalico.org/namespace') return ns.name;
    if (key === 'projectcalico.org/orchestrator') return 'k8s';
    if (key.startsWith('pcns.')) return namespaceLabel(ns, key.slice('pcns.'.length));
    return undefined;
  };
}

/** Calico's namespaceSelector is evaluated on the namespace's own labels. */
function calicoNamespaceKnown(ns: NamespaceFacts): (key: string) => string | null | undefined {
  return (key) => (key === 'projectcalico.org/name' ? ns.name : namespaceLabel(ns, key));
}

function policyName(object: KubeObject): string {
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace;
  return isClusterWidePolicy(object) || !namespace
    ? `${object.kind} ${name}`
    : `${object.kind} ${namespace}/${name}`;
}

const ALL_CIDRS = new Set(['0.0.0.0/0', '::/0']);

// ---------------------------------------------------------------- Kubernetes NetworkPolicy

function kubernetesAllowsAll(rule: unknown, peersKey: 'from' | 'to'): boolean {
  const r = asRecord(rule);
  if (!r) return false;
  if (!isEmpty(r.ports)) return false;
  const peers = asArray(r[peersKey]);
  if (peers.length === 0) return true;
  return peers.some((p) => {
    const block = asRecord(asRecord(p)?.ipBlock);
    return block !== undefined && ALL_CIDRS.has(inputText(block.cidr) ?? '') && isEmpty(block.except);
  });
}

function kubernetesEffect(object: KubeObject, ns: NamespaceFacts): PolicyEffect | undefined {
  if (object.metadata?.namespace !== ns.name) return undefined;
  const spec = asRecord(object.spec);
  if (!spec) return undefined;
  // A missing podSelector is the zero value `{}` on the server: every pod.
  if (evaluateLabelSelector(spec.podSelector ?? {}, () => undefined) !== true) return undefined;
  let types = inputTexts(spec.policyTypes);
  if (types.length === 0) types = asArray(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  const effect: PolicyEffect = { policy: policyName(object) };
  if (types.includes('Ingress'))
    effect.ingress = asArray(spec.ingress).some((r) => kubernetesAllowsAll(r, 'from'))
      ? 'allows-all'
      : 'isolates';
  if (types.includes('Egress'))
    effect.egress = asArray(spec.egress).some((r) => kubernetesAllowsAll(r, 'to'))
      ? 'allows-all'
      : 'isolates';
  return effect;
}

// ---------------------------------------------------------------- Cilium

/** A Cilium rule that matches every peer on every port, e.g. `fromEntities: [all]`. */
function ciliumMatchesEverything(rule: unknown, direction: Direction): boolean {
  const r = asRecord(rule);
  if (!r || !isEmpty(r.toPorts) || !isEmpty(r.icmps)) return false;
  const prefix = direction === 'ingress' ? 'from' : 'to';
  const entities = inputTexts(r[`${prefix}Entities`]);
  if (entities.includes('all') || (entities.includes('world') && entities.includes('cluster'))) return true;
  if (inputTexts(r[`${prefix}CIDR`]).some((c) => ALL_CIDRS.has(c))) return true;
  return asArray(r[`${prefix}CIDRSet`]).some((c) => {
    const set = asRecord(c);
    return set !== undefined && ALL_CIDRS.has(inputText(set.cidr) ?? '') && isEmpty(set.except);
  });
}

function ciliumRuleEffect(rule: Record<string, unknown>, direction: Direction): DirectionEffect | undefined {
  const allows = asArray(rule[direction]);
  const denies = asArray(rule[`${direction}Deny`]);
  if (denies.some((d) => ciliumMatchesEverything(d, direction))) return 'denies-all';
  if (allows.some((a) => ciliumMatchesEverything(a, direction))) return 'allows-all';
  const explicit = asRecord(rule.enableDefaultDeny)?.[direction];
  const defaultDeny = typeof explicit === 'boolean' ? explicit : allows.length > 0 || denies.length > 0;
  return defaultDeny ? 'isolates' : undefined;
}

function ciliumEffects(object: KubeObject, ns: NamespaceFacts): PolicyEffect[] {
  const clusterWide = object.kind === 'CiliumClusterwideNetworkPolicy';
  if (!clusterWide && object.metadata?.namespace !== ns.name) return [];
  const rules = [asRecord(object.spec), ...asArray(object.specs).map(asRecord)].filter(
    (r): r is Record<string, unknown> => r !== undefined,
  );
  const effects: PolicyEffect[] = [];
  for (const rule of rules) {
    // Host policies (nodeSelector) are about nodes, not pods.
    if (rule.nodeSelector !== undefined || rule.endpointSelector === undefined) continue;
    if (evaluateLabelSelector(rule.endpointSelector, ciliumKnown(ns)) !== true) continue;
    const effect: PolicyEffect = { policy: policyName(object) };
    for (const direction of ['ingress', 'egress'] as const) {
      const e = ciliumRuleEffect(rule, direction);
      if (e) effect[direction] = e;
    }
    if (effect.ingress || effect.egress) effects.push(effect);
  }
  return effects;
}

// ---------------------------------------------------------------- Calico

/** Match-criteria fields of a Calico rule; a rule without any matches all traffic. */
function calicoIsUnconditional(rule: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'action' || key === 'metadata') continue;
    if ((key === 'source' || key === 'destination') && isEmpty(value)) continue;
    return false;
  }
  return true;
}

function calicoDirectionEffect(rules: unknown[]): DirectionEffect {
  for (const raw of rules) {
    const rule = asRecord(raw);
    if (!rule || !calicoIsUnconditional(rule)) continue;
    const action = inputText(rule.action) ?? '';
    if (action === 'Deny') return 'denies-all';
    if (action === 'Allow' || action === 'Pass') return 'allows-all';
    // Log does not decide; keep looking.
  }
  // Traffic no rule decides is dropped at the end of the tier.
  return 'isolates';
}

function selects(
  selector: CalicoSelector | undefined,
  known: (key: string) => string | null | undefined,
): boolean {
  return selector !== undefined && evaluateCalicoSelector(selector, known) === true;
}

function calicoEffect(object: KubeObject, ns: NamespaceFacts): PolicyEffect | undefined {
  const global = object.kind === 'GlobalNetworkPolicy';
  if (!global && object.metadata?.namespace !== ns.name) return undefined;
  const spec = asRecord(object.spec);
  if (!spec) return undefined;
  // Host-endpoint policies: not about pods.
  if (spec.preDNAT === true || spec.doNotTrack === true) return undefined;
  if (!selects(parseCalicoSelector(spec.selector), calicoKnown(ns))) return undefined;
  if (
    spec.serviceAccountSelector !== undefined &&
    !selects(parseCalicoSelector(spec.serviceAccountSelector), () => undefined)
  )
    return undefined;
  if (global && spec.namespaceSelector !== undefined && spec.namespaceSelector !== '') {
    if (!selects(parseCalicoSelector(spec.namespaceSelector), calicoNamespaceKnown(ns))) return undefined;
  }
  const ingress = asArray(spec.ingress);
  const egress = asArray(spec.egress);
  let types = inputTexts(spec.types);
  if (types.length === 0) {
    types = [];
    if (ingress.length > 0 || egress.length === 0) types.push('Ingress');
    if (egress.length > 0) types.push('Egress');
  }
  const effect: PolicyEffect = { policy: policyName(object) };
  if (types.includes('Ingress')) effect.ingress = calicoDirectionEffect(ingress);
  if (types.includes('Egress')) effect.egress = calicoDirectionEffect(egress);
  return effect;
}

// ---------------------------------------------------------------- together

/**
 * What this policy does to every pod of the namespace: nothing (an empty list) when it does not
 * cover them all; one effect per rule for Cilium policies with several `specs`.
 */
export function policyEffectsOn(object: KubeObject, ns: NamespaceFacts): PolicyEffect[] {
  if (!isNetworkPolicyObject(object)) return [];
  const group = groupOf(inputText(object.apiVersion) ?? '');
  if (group === 'cilium.io') return ciliumEffects(object, ns);
  const effect = group === 'networking.k8s.io' ? kubernetesEffect(object, ns) : calicoEffect(object, ns);
  return effect ? [effect] : [];
}

function directionState(effects: readonly PolicyEffect[], direction: Direction): DirectionState {
  const deny = effects.find((e) => e[direction] === 'denies-all');
  if (deny) return { state: 'denied', by: deny.policy };
  const isolating = effects.find((e) => e[direction] === 'isolates');
  const allowing = effects.find((e) => e[direction] === 'allows-all');
  if (isolating && allowing) return { state: 'undone', by: isolating.policy, allowedBy: allowing.policy };
  if (isolating) return { state: 'denied', by: isolating.policy };
  return { state: 'open' };
}

/** Whether the namespace's pods are denied by default in each direction, given the policies that cover them all. */
export function namespaceIsolation(effects: readonly PolicyEffect[]): Isolation {
  return { ingress: directionState(effects, 'ingress'), egress: directionState(effects, 'egress') };
}
