/**
 * What a namespace needs from outside itself: other namespaces (Services it calls by DNS name,
 * ExternalName Services, NetworkPolicies that name other namespaces, admission webhooks served
 * from another namespace) and cluster-scoped objects (custom resource definitions, StorageClasses,
 * IngressClasses, PriorityClasses, ClusterRoles and their bindings, ClusterIssuers).
 */
import { asRecord, pushTo } from '../../core/records.ts';
import { groupOf } from '../../core/resource.ts';
import { getAt, POD_CARRYING_KINDS, podSpecAt } from '../../core/workload.ts';
import { configuredTexts } from '../../inventory/configured-hosts.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { selectorMatches } from '../../inventory/selectors.ts';
import { classRequestOf } from '../../inventory/volume-claims.ts';
import { movedWorkloads } from './holdings.ts';

export interface NamespaceDependency {
  /** The namespace that needs `on` to be there first. */
  from: string;
  on: string;
  why: string;
}

export interface ClusterDependency {
  kind: string;
  name: string;
  /** Who needs it: `PersistentVolumeClaim/data (storage class)`. */
  neededBy: string;
}

const WEBHOOK_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
/** Built-in ClusterRoles every cluster has. */
const BUILT_IN_ROLES = new Set(['admin', 'edit', 'view', 'cluster-admin']);
const BUILT_IN_PRIORITIES = new Set(['system-cluster-critical', 'system-node-critical']);

const label = (e: InventoryEntry) => `${e.object.kind}/${e.ref.name}`;

/**
 * A Service named by a host in configuration text: `svc.ns`, `svc.ns.svc`, `svc.ns.svc.<domain>`
 * whose Service exists in the inventory. Tokens are whole host names, so `api.payments.example.com`
 * is not `api.payments`.
 */
export function servicesNamedIn(
  inventory: Inventory,
  text: string,
): { service: string; namespace: string }[] {
  const out: { service: string; namespace: string }[] = [];
  for (const match of text.toLowerCase().matchAll(/[a-z0-9][-a-z0-9.]*[a-z0-9]/g)) {
    const labels = match[0].split('.');
    const [service, namespace, svc] = labels;
    if (!service || !namespace || (labels.length > 2 && svc !== 'svc')) continue;
    if (labels.length > 3 && !/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(labels.slice(3).join('.'))) continue;
    if (inventory.get({ apiVersion: 'v1', kind: 'Service', namespace, name: service }))
      out.push({ service, namespace });
  }
  return out;
}

function serviceCalls(inventory: Inventory, namespace: string): NamespaceDependency[] {
  const out: NamespaceDependency[] = [];
  for (const workload of movedWorkloads(inventory, namespace))
    for (const { text, source } of configuredTexts(inventory, workload))
      for (const hit of servicesNamedIn(inventory, text))
        if (hit.namespace !== namespace)
          out.push({
            from: namespace,
            on: hit.namespace,
            why: `${label(workload)} calls Service ${hit.service}.${hit.namespace} (${source})`,
          });
  for (const service of inventory.inNamespace('Service', namespace)) {
    const external = getAt(service.object, ['spec', 'externalName']);
    if (typeof external !== 'string') continue;
    for (const hit of servicesNamedIn(inventory, external))
      if (hit.namespace !== namespace)
        out.push({
          from: namespace,
          on: hit.namespace,
          why: `ExternalName Service ${service.ref.name} points at ${hit.service}.${hit.namespace}`,
        });
  }
  return out;
}

function namespaceLabels(inventory: Inventory, namespace: string): Record<string, string> {
  const ns = inventory.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  return { 'kubernetes.io/metadata.name': namespace, ...(ns?.object.metadata.labels ?? {}) };
}

/** Namespaces a NetworkPolicy's peers select by a non-empty namespaceSelector. */
function peerNamespaces(inventory: Inventory, peers: unknown, candidates: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of Array.isArray(peers) ? peers : []) {
    const selector = asRecord(asRecord(raw)?.namespaceSelector);
    if (!selector || Object.keys(selector).length === 0) continue;
    for (const ns of candidates)
      if (selectorMatches(selector, namespaceLabels(inventory, ns)) && !out.includes(ns)) out.push(ns);
  }
  return out;
}

function policyDependencies(inventory: Inventory, namespace: string, candidates: readonly string[]) {
  const out: NamespaceDependency[] = [];
  for (const policy of inventory.inNamespace('NetworkPolicy', namespace)) {
    const spec = asRecord(policy.object.spec);
    const name = `NetworkPolicy ${namespace}/${policy.ref.name}`;
    for (const rule of Array.isArray(spec?.egress) ? spec.egress : [])
      for (const other of peerNamespaces(inventory, asRecord(rule)?.to, candidates))
        if (other !== namespace)
          out.push({ from: namespace, on: other, why: `${name} allows egress to ${other}` });
    for (const rule of Array.isArray(spec?.ingress) ? spec.ingress : [])
      for (const other of peerNamespaces(inventory, asRecord(rule)?.from, candidates))
        if (other !== namespace)
          out.push({
            from: other,
            on: namespace,
            why: `${name} admits traffic from ${other}: ${other} calls ${namespace}`,
          });
  }
  return out;
}

/** Plural resource names a namespace's objects are created as (for matching webhook rules). */
function resourcesIn(inventory: Inventory, namespace: string): Set<string> {
  const plural = (kind: string) => {
    const k = kind.toLowerCase();
    return k.endsWith('s') ? `${k}es` : k.endsWith('y') ? `${k.slice(0, -1)}ies` : `${k}s`;
  };
  const out = new Set<string>();
  for (const kind of inventory.kinds())
    if (inventory.inNamespace(kind, namespace).length > 0) {
      out.add(plural(kind));
      if (POD_CARRYING_KINDS.includes(kind)) out.add('pods');
    }
  return out;
}

function webhookApplies(
  webhook: Record<string, unknown>,
  nsLabels: Record<string, string>,
  resources: Set<string>,
) {
  const selector = webhook.namespaceSelector;
  if (selector !== undefined && !selectorMatches(selector, nsLabels)) return false;
  for (const raw of Array.isArray(webhook.rules) ? webhook.rules : []) {
    const names = asRecord(raw)?.resources;
    if (
      Array.isArray(names) &&
      names.some((r) => r === '*' || r === '*/*' || resources.has(String(r).split('/')[0] ?? ''))
    )
      return true;
  }
  return false;
}

/** Namespaces whose admission webhooks (failurePolicy Fail) admit this namespace's objects. */
function webhookDependencies(inventory: Inventory, namespace: string): NamespaceDependency[] {
  const out: NamespaceDependency[] = [];
  const labels = namespaceLabels(inventory, namespace);
  const resources = resourcesIn(inventory, namespace);
  for (const kind of WEBHOOK_KINDS)
    for (const config of inventory.ofKind(kind)) {
      const hooks = asRecord(config.object)?.webhooks;
      for (const raw of Array.isArray(hooks) ? hooks : []) {
        const hook = asRecord(raw) ?? {};
        const served = asRecord(asRecord(hook.clientConfig)?.service)?.namespace;
        if (typeof served !== 'string' || served === namespace || hook.failurePolicy === 'Ignore') continue;
        if (!webhookApplies(hook, labels, resources)) continue;
        out.push({
          from: namespace,
          on: served,
          why: `${kind} ${config.ref.name} (webhook ${String(hook.name ?? '?')}, failurePolicy Fail) is served from ${served}: this namespace's objects are refused until it runs`,
        });
      }
    }
  return out;
}

/** The metrics API an HPA metric type is read from. */
const METRICS_GROUP: Record<string, string> = {
  Resource: 'metrics.k8s.io',
  ContainerResource: 'metrics.k8s.io',
  Pods: 'custom.metrics.k8s.io',
  Object: 'custom.metrics.k8s.io',
  External: 'external.metrics.k8s.io',
};

/** The namespace serving each aggregated API group (an APIService backed by a Service). */
export function servedGroups(inventory: Inventory): Map<string, { namespace: string; apiService: string }> {
  const out = new Map<string, { namespace: string; apiService: string }>();
  for (const api of inventory.ofKind('APIService')) {
    const spec = asRecord(api.object.spec);
    const namespace = asRecord(spec?.service)?.namespace;
    if (typeof spec?.group === 'string' && typeof namespace === 'string')
      out.set(spec.group, { namespace, apiService: api.ref.name });
  }
  return out;
}

/** Namespaces whose autoscalers read metrics an APIService serves from another namespace. */
function metricsDependencies(inventory: Inventory, namespace: string): NamespaceDependency[] {
  const served = servedGroups(inventory);
  const out: NamespaceDependency[] = [];
  for (const hpa of inventory.inNamespace('HorizontalPodAutoscaler', namespace)) {
    const metrics = getAt(hpa.object, ['spec', 'metrics']);
    const types = Array.isArray(metrics) ? metrics.map((m) => String(asRecord(m)?.type)) : ['Resource'];
    for (const group of new Set(types.map((t) => METRICS_GROUP[t]).filter((g) => g !== undefined))) {
      const by = served.get(group);
      if (by && by.namespace !== namespace)
        out.push({
          from: namespace,
          on: by.namespace,
          why: `${label(hpa)} reads ${group}, which APIService ${by.apiService} serves from ${by.namespace}`,
        });
    }
  }
  return out;
}

/** Every cross-namespace dependency among `namespaces` (each pair and reason once). */
export function namespaceDependencies(
  inventory: Inventory,
  namespaces: readonly string[],
): NamespaceDependency[] {
  const all = namespaces.flatMap((ns) => [
    ...serviceCalls(inventory, ns),
    ...policyDependencies(inventory, ns, namespaces),
    ...webhookDependencies(inventory, ns),
    ...metricsDependencies(inventory, ns),
  ]);
  const seen = new Set<string>();
  return all.filter((d) => {
    const key = `${d.from}\u0000${d.on}\u0000${d.why}`;
    if (seen.has(key) || !namespaces.includes(d.on) || !namespaces.includes(d.from)) return false;
    seen.add(key);
    return true;
  });
}

/** Each custom kind's definition, by `group/Kind`. */
function definitionsByKind(inventory: Inventory): Map<string, InventoryEntry> {
  const out = new Map<string, InventoryEntry>();
  for (const crd of inventory.ofKind('CustomResourceDefinition')) {
    const spec = asRecord(crd.object.spec);
    const kind = asRecord(spec?.names)?.kind;
    if (typeof spec?.group === 'string' && typeof kind === 'string') out.set(`${spec.group}/${kind}`, crd);
  }
  return out;
}

function customResourceDependencies(inventory: Inventory, namespace: string): ClusterDependency[] {
  const definitions = definitionsByKind(inventory);
  const users = new Map<InventoryEntry, InventoryEntry[]>();
  for (const kind of inventory.kinds())
    for (const entry of inventory.inNamespace(kind, namespace)) {
      // One kind name can be two APIs (networking.k8s.io and Calico NetworkPolicies): by group.
      const crd = definitions.get(`${groupOf(entry.object.apiVersion)}/${kind}`);
      if (crd) pushTo(users, crd, entry);
    }
  return [...users].map(([crd, objects]) => {
    const shown = objects.slice(0, 3).map(label).join(', ');
    const more = objects.length > 3 ? ` and ${objects.length - 3} more` : '';
    return { kind: 'CustomResourceDefinition', name: crd.ref.name, neededBy: `${shown}${more}` };
  });
}

function storageAndNetworkClasses(inventory: Inventory, namespace: string): ClusterDependency[] {
  const out: ClusterDependency[] = [];
  for (const claim of inventory.inNamespace('PersistentVolumeClaim', namespace)) {
    const request = classRequestOf(inventory, claim);
    if (request.name) out.push({ kind: 'StorageClass', name: request.name, neededBy: label(claim) });
  }
  for (const ingress of inventory.inNamespace('Ingress', namespace)) {
    const named = getAt(ingress.object, ['spec', 'ingressClassName']);
    const legacy = ingress.object.metadata.annotations?.['kubernetes.io/ingress.class'];
    const name = typeof named === 'string' ? named : legacy;
    if (typeof name === 'string' && name !== '')
      out.push({ kind: 'IngressClass', name, neededBy: label(ingress) });
    const issuer = ingress.object.metadata.annotations?.['cert-manager.io/cluster-issuer'];
    if (typeof issuer === 'string')
      out.push({ kind: 'ClusterIssuer', name: issuer, neededBy: label(ingress) });
  }
  for (const cert of inventory.inNamespace('Certificate', namespace)) {
    const issuer = asRecord(getAt(cert.object, ['spec', 'issuerRef']));
    if (issuer?.kind === 'ClusterIssuer' && typeof issuer.name === 'string')
      out.push({ kind: 'ClusterIssuer', name: issuer.name, neededBy: label(cert) });
  }
  for (const workload of movedWorkloads(inventory, namespace)) {
    const priority = podSpecAt(workload.object)?.priorityClassName;
    if (typeof priority === 'string' && !BUILT_IN_PRIORITIES.has(priority))
      out.push({ kind: 'PriorityClass', name: priority, neededBy: label(workload) });
  }
  return out;
}

function rbacDependencies(inventory: Inventory, namespace: string): ClusterDependency[] {
  const out: ClusterDependency[] = [];
  for (const binding of inventory.inNamespace('RoleBinding', namespace)) {
    const role = asRecord(binding.object.roleRef);
    if (role?.kind === 'ClusterRole' && typeof role.name === 'string' && !isBuiltInRole(role.name))
      out.push({ kind: 'ClusterRole', name: role.name, neededBy: label(binding) });
  }
  for (const binding of inventory.ofKind('ClusterRoleBinding')) {
    const subjects = asRecord(binding.object)?.subjects;
    const mine = (Array.isArray(subjects) ? subjects : []).filter((s) => {
      const subject = asRecord(s);
      return subject?.kind === 'ServiceAccount' && subject.namespace === namespace;
    });
    if (mine.length === 0 || binding.ref.name.startsWith('system:')) continue;
    const names = mine.map((s) => `ServiceAccount/${String(asRecord(s)?.name)}`).join(', ');
    out.push({ kind: 'ClusterRoleBinding', name: binding.ref.name, neededBy: names });
    const role = asRecord(binding.object.roleRef);
    if (typeof role?.name === 'string' && !isBuiltInRole(role.name))
      out.push({ kind: 'ClusterRole', name: role.name, neededBy: `ClusterRoleBinding/${binding.ref.name}` });
  }
  return out;
}

function isBuiltInRole(name: string): boolean {
  return BUILT_IN_ROLES.has(name) || name.startsWith('system:');
}

/** The cluster-scoped objects a namespace needs on the target before its own objects go there. */
export function clusterDependencies(inventory: Inventory, namespace: string): ClusterDependency[] {
  return [
    ...customResourceDependencies(inventory, namespace),
    ...storageAndNetworkClasses(inventory, namespace),
    ...rbacDependencies(inventory, namespace),
  ];
}
