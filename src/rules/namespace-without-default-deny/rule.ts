import { compareText } from '../../core/compare-text.ts';
import {
  type DirectionState,
  isNetworkPolicyObject,
  type NamespaceFacts,
  NETWORK_POLICY_KINDS,
  namespaceIsolation,
  policyEffectsOn,
} from '../../core/network-isolation.ts';
import { type KubeObject, refKey } from '../../core/resource.ts';
import { POD_CARRYING_KINDS } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { defineRule, ignoreNamespacesOption, NOT_APPLICABLE } from '../define-rule.ts';

const options = ignoreNamespacesOption(
  "Namespaces not judged (the control plane's and add-ons' own, which CNIs exempt anyway)",
);

interface InventoryFacts {
  policies: KubeObject[];
  namespaceObjects: Set<string>;
  /** For namespaces without a Namespace object: the workload the finding is reported on. */
  firstWorkload: Map<string, InventoryEntry>;
}

/**
 * The facts, for a check in one namespace: what it reads is every policy (cluster-wide ones
 * apply too), whether its Namespace object exists, and the workloads of its own namespace.
 */
function factsOf(inventory: Inventory, namespace: string): InventoryFacts {
  const policyKinds = [...new Set(NETWORK_POLICY_KINDS.map((k) => k.kind))];
  return inventory.derived('namespace-without-default-deny/facts', () => readFacts(inventory), [
    ...policyKinds,
    `obj:${refKey({ apiVersion: 'v1', kind: 'Namespace', name: namespace })}`,
    `ns:${namespace}`,
  ]);
}

function readFacts(inventory: Inventory): InventoryFacts {
  const policies = [...new Set(NETWORK_POLICY_KINDS.map((k) => k.kind))]
    .flatMap((kind) => inventory.ofKind(kind))
    .map((e) => e.object)
    .filter(isNetworkPolicyObject);
  const namespaceObjects = new Set(inventory.ofKind('Namespace').map((e) => e.ref.name));
  const firstWorkload = new Map<string, InventoryEntry>();
  for (const kind of [...POD_CARRYING_KINDS].sort()) {
    const entries = [...inventory.ofKind(kind)].sort((a, b) => compareText(a.ref.name, b.ref.name));
    for (const e of entries) {
      const ns = e.ref.namespace;
      if (ns && !firstWorkload.has(ns) && !inventory.controllerOf(e)) firstWorkload.set(ns, e);
    }
  }
  return { policies, namespaceObjects, firstWorkload };
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

function policyOf(state: DirectionState): string {
  return state.state === 'open' ? '' : state.by;
}

export default defineRule({
  id: 'namespace-without-default-deny',
  category: 'security',
  severity: 'medium',
  lesson: 'network-default-deny',
  title: 'Every namespace needs a default-deny network policy for ingress and egress',
  appliesTo: ['Namespace', ...POD_CARRYING_KINDS],
  options,
  messages: {
    noDefaultDeny:
      'namespace {namespace} has no default-deny network policy: every pod in it accepts connections from anywhere and can connect anywhere, so one compromised pod reaches every service',
    ingressOnly:
      "namespace {namespace} denies only ingress by default ({policy}): nothing denies egress, so a compromised pod can still reach every service, the node's metadata endpoint and the internet",
    egressOnly:
      'namespace {namespace} denies only egress by default ({policy}): nothing denies ingress, so every pod accepts connections from any pod of the cluster and from anything that can route to it',
    allowAll:
      'namespace {namespace}: {allowedBy} allows all {direction} traffic for every pod, which undoes the default deny of {policy}',
  },
  check(entry, ctx) {
    let ns: NamespaceFacts;
    let policies: KubeObject[];
    if (entry.object.kind === 'Namespace') {
      const status = entry.object.status as { phase?: unknown } | undefined;
      if (status?.phase === 'Terminating') return NOT_APPLICABLE;
      ns = { name: entry.ref.name, labels: stringRecord(entry.object.metadata.labels), labelsKnown: true };
      policies = factsOf(ctx.inventory, entry.ref.name).policies;
    } else {
      // A namespace the scan has no Namespace object for is judged only when the scan holds
      // network policies (so they were collected, not left in another repo), once, on its first workload.
      const name = entry.ref.namespace;
      if (!name || ctx.inventory.get({ apiVersion: 'v1', kind: 'Namespace', name })) return NOT_APPLICABLE;
      const facts = factsOf(ctx.inventory, name);
      if (facts.namespaceObjects.has(name) || facts.policies.length === 0) return NOT_APPLICABLE;
      if (facts.firstWorkload.get(name) !== entry) return NOT_APPLICABLE;
      ns = { name, labels: {}, labelsKnown: false };
      policies = facts.policies;
    }
    if (ctx.options.ignoreNamespaces.includes(ns.name)) return NOT_APPLICABLE;

    const isolation = namespaceIsolation(policies.flatMap((p) => policyEffectsOn(p, ns)));
    const { ingress, egress } = isolation;
    if (ingress.state === 'open' && egress.state === 'open') {
      ctx.report({ messageId: 'noDefaultDeny', data: { namespace: ns.name } });
      return;
    }
    for (const [direction, state] of [
      ['ingress', ingress],
      ['egress', egress],
    ] as const) {
      if (state.state === 'undone')
        ctx.report({
          messageId: 'allowAll',
          data: { namespace: ns.name, direction, policy: state.by, allowedBy: state.allowedBy },
        });
    }
    if (egress.state === 'open')
      ctx.report({ messageId: 'ingressOnly', data: { namespace: ns.name, policy: policyOf(ingress) } });
    if (ingress.state === 'open')
      ctx.report({ messageId: 'egressOnly', data: { namespace: ns.name, policy: policyOf(egress) } });
  },
});
