import { compareText } from '../../core/compare-text.ts';
import {
  type DirectionState,
  isNetworkPolicyObject,
  type NamespaceFacts,
  NETWORK_POLICY_KINDS,
  namespaceIsolation,
  policyEffectsOn,
} from '../../core/network-isolation.ts';

import type { KubeObject } from '../../core/resource.ts';
import { POD_CARRYING_KINDS } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { defineInventoryRule, ignoreNamespacesOption } from '../define-rule.ts';

const options = ignoreNamespacesOption(
  "Namespaces not judged (the control plane's and add-ons' own, which CNIs exempt anyway)",
);

/**
 * The namespaces without a Namespace object in the input, each with the workload its findings are
 * reported on: its first top-level workload by kind, then name.
 */
function workloadOnlyNamespaces(inventory: Inventory): Map<string, InventoryEntry> {
  const first = new Map<string, InventoryEntry>();
  const declared = new Map<string, boolean>();
  for (const kind of [...POD_CARRYING_KINDS].sort()) {
    const found = new Set<string>();
    for (const e of inventory.ofKind(kind)) {
      const ns = e.ref.namespace;
      if (!ns) continue;
      let has = declared.get(ns);
      if (has === undefined) {
        has = inventory.get({ apiVersion: 'v1', kind: 'Namespace', name: ns }) !== undefined;
        declared.set(ns, has);
      }
      if (has || (first.has(ns) && !found.has(ns)) || inventory.controllerOf(e)) continue;
      const best = first.get(ns);
      if (!best || compareText(e.ref.name, best.ref.name) < 0) first.set(ns, e);
      found.add(ns);
    }
  }
  return first;
}

/** Every network policy of the input, of every policy API hindsight reads. */
function policiesOf(inventory: Inventory): KubeObject[] {
  return inventory.derived('namespace-without-default-deny/policies', () =>
    [...new Set(NETWORK_POLICY_KINDS.map((k) => k.kind))]
      .flatMap((kind) => inventory.ofKind(kind))
      .map((e) => e.object)
      .filter(isNetworkPolicyObject),
  );
}

/**
 * How the cluster's policies isolate one namespace, kept per namespace: it reads every policy
 * and the namespace's own labels, so a pod or workload change under `serve` reuses it.
 */
function isolationOf(inventory: Inventory, name: string, declared: boolean) {
  const key = `namespace-without-default-deny/${declared ? 'declared' : 'undeclared'}/${name}`;
  return inventory.derived(key, () => {
    const object = declared
      ? inventory.get({ apiVersion: 'v1', kind: 'Namespace', name })?.object
      : undefined;
    const ns: NamespaceFacts = object
      ? { name, labels: stringRecord(object.metadata.labels), labelsKnown: true }
      : { name, labels: {}, labelsKnown: false };
    return namespaceIsolation(policiesOf(inventory).flatMap((p) => policyEffectsOn(p, ns)));
  });
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

export default defineInventoryRule({
  id: 'namespace-without-default-deny',
  category: 'security',
  severity: 'medium',
  lesson: 'network-default-deny',
  title: 'Every namespace needs a default-deny network policy for ingress and egress',
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
  checkInventory(ctx) {
    const { inventory } = ctx;
    const policies = policiesOf(inventory);
    const subjects: { subject: InventoryEntry; name: string; declared: boolean }[] = [];
    for (const entry of inventory.ofKind('Namespace')) {
      const status = entry.object.status as { phase?: unknown } | undefined;
      if (status?.phase !== 'Terminating')
        subjects.push({ subject: entry, name: entry.ref.name, declared: true });
    }
    // A namespace the input has no Namespace object for is judged only when the input holds
    // network policies (so they were collected, not left in another repository), on its first workload.
    if (policies.length > 0)
      for (const [name, subject] of workloadOnlyNamespaces(inventory))
        subjects.push({ subject, name, declared: false });
    for (const { subject, name, declared } of subjects) {
      if (ctx.options.ignoreNamespaces.includes(name)) continue;
      ctx.judged(subject);
      const report = (r: Parameters<typeof ctx.report>[1]) => ctx.report(subject, r);
      const { ingress, egress } = isolationOf(inventory, name, declared);
      if (ingress.state === 'open' && egress.state === 'open') {
        report({ messageId: 'noDefaultDeny', data: { namespace: name } });
        continue;
      }
      for (const [direction, state] of [
        ['ingress', ingress],
        ['egress', egress],
      ] as const) {
        if (state.state === 'undone')
          report({
            messageId: 'allowAll',
            data: { namespace: name, direction, policy: state.by, allowedBy: state.allowedBy },
          });
      }
      if (egress.state === 'open')
        report({ messageId: 'ingressOnly', data: { namespace: name, policy: policyOf(ingress) } });
      if (ingress.state === 'open')
        report({ messageId: 'egressOnly', data: { namespace: name, policy: policyOf(egress) } });
    }
  },
});
