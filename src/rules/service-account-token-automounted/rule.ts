import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { containersAt, podSpecAt, podSpecPath } from '../../core/workload.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import { defineRule, ignoreNamespacesOption } from '../define-rule.ts';

/** Where the ServiceAccount admission plugin mounts the token. */
const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

// Cluster add-ons there (CoreDNS, VPC CNI, kube-proxy, EBS CSI driver) use the API server by design.
const options = ignoreNamespacesOption('Namespaces whose workloads are not checked');

/** `namespace/name` of every ServiceAccount a RoleBinding or ClusterRoleBinding in the inventory grants a role. */
function boundServiceAccounts(inventory: Inventory): Set<string> {
  return inventory.derived('service-account-token-automounted/bound', () => readBindings(inventory));
}

function readBindings(inventory: Inventory): Set<string> {
  const bound = new Set<string>();
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    for (const binding of inventory.ofKind(kind)) {
      const subjects = Array.isArray(binding.object.subjects) ? binding.object.subjects : [];
      for (const raw of subjects) {
        const s = asRecord(raw);
        if (s?.kind !== 'ServiceAccount' || typeof s.name !== 'string') continue;
        const namespace = typeof s.namespace === 'string' ? s.namespace : binding.ref.namespace;
        if (namespace) bound.add(`${namespace}/${s.name}`);
      }
    }
  }
  return bound;
}

/** A pod read from a cluster (it has been scheduled or has a status), not a manifest. */
function isLivePod(object: KubeObject): boolean {
  if (object.kind !== 'Pod') return false;
  const status = asRecord(object.status);
  return (
    (status !== undefined && Object.keys(status).length > 0) ||
    typeof asRecord(object.spec)?.nodeName === 'string'
  );
}

export default defineRule({
  id: 'service-account-token-automounted',
  category: 'security',
  severity: 'medium',
  lesson: 'security-baseline',
  title: 'Pods that do not call the Kubernetes API should not get its token',
  appliesTo: 'workloads',
  options,
  messages: {
    podEnables:
      'the pod sets automountServiceAccountToken: true{override}, so every container gets a Kubernetes API token of ServiceAccount {serviceAccount} that a compromised process can use against the API server',
    serviceAccountAllows:
      'every container gets a Kubernetes API token of ServiceAccount {serviceAccount}: neither the pod nor the ServiceAccount sets automountServiceAccountToken: false, and a compromised process can use the token against the API server',
    serviceAccountUnknown:
      'the pod does not set automountServiceAccountToken: false, so every container gets a Kubernetes API token of ServiceAccount {serviceAccount} unless that ServiceAccount disables it, and it is not in the scanned objects (judged on the pod alone)',
    mounted:
      'the running pod has the Kubernetes API token of ServiceAccount {serviceAccount} mounted at ' +
      TOKEN_MOUNT_PATH +
      ': a compromised process can use it against the API server',
  },
  check(entry, ctx) {
    const namespace = entry.ref.namespace ?? 'default';
    if (ctx.options.ignoreNamespaces.includes(namespace)) return;
    const spec = podSpecAt(entry.object);
    const specPath = podSpecPath(entry.object.kind);
    if (!spec || !specPath) return;

    const named = [spec.serviceAccountName, spec.serviceAccount].find(
      (n) => typeof n === 'string' && n !== '',
    );
    const serviceAccount = typeof named === 'string' ? named : 'default';
    // A ServiceAccount with RBAC bindings is there to call the API: the pod needs its token.
    if (boundServiceAccounts(ctx.inventory).has(`${namespace}/${serviceAccount}`)) return;

    const podSetting = spec.automountServiceAccountToken;
    if (podSetting === false) return;

    const fieldPath = [...specPath, 'automountServiceAccountToken'];
    const fix = {
      description:
        'set automountServiceAccountToken: false on the pod (IRSA and EKS Pod Identity inject their own token and keep working)',
      edits: [{ op: 'set' as const, path: fieldPath, value: false }],
    };
    const data = { serviceAccount, override: '' };

    if (isLivePod(entry.object)) {
      // A running pod says what happened: the admission plugin mounted the token or it did not.
      const mounted = containersAt(entry.object, { init: true }).some(({ container }) =>
        (Array.isArray(container.volumeMounts) ? container.volumeMounts : []).some(
          (m) => asRecord(m)?.mountPath === TOKEN_MOUNT_PATH,
        ),
      );
      if (!mounted) return;
      ctx.report({ messageId: podSetting === true ? 'podEnables' : 'mounted', data, path: fieldPath, fix });
      return;
    }

    // A manifest without a namespace goes wherever it is applied, with its ServiceAccount: look
    // the account up the same way (no namespace), not in `default`.
    const sa = ctx.inventory.get(
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        ...(entry.ref.namespace !== undefined ? { namespace: entry.ref.namespace } : {}),
        name: serviceAccount,
      },
      entry,
    );
    const saSetting = sa?.object.automountServiceAccountToken;
    if (podSetting === true) {
      if (saSetting === false) data.override = " (overriding the ServiceAccount's false)";
      ctx.report({ messageId: 'podEnables', data, path: fieldPath, fix });
      return;
    }
    if (sa) {
      if (saSetting === false) return;
      ctx.report({ messageId: 'serviceAccountAllows', data, path: fieldPath, fix });
      return;
    }
    ctx.report({ messageId: 'serviceAccountUnknown', data, path: fieldPath, fix });
  },
});
