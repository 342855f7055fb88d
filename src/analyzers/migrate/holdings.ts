/**
 * What one namespace holds that a move must carry: its workloads, Services, the DNS names
 * external-dns keeps for it, certificates, claims with the EBS volumes and zones behind them,
 * the Secrets and ConfigMaps its pods name (names only), and ServiceAccounts with the IAM roles
 * their pods assume (kube2iam/kiam pod annotations, IRSA, EKS Pod Identity).
 */
import { isEbsVolume, volumeZones } from '../../core/ebs-volumes.ts';
import { podReferences } from '../../core/pod-references.ts';
import { asRecord } from '../../core/records.ts';
import { containersAt, getAt, podAnnotations, podSpecAt } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { replicaBounds } from '../../inventory/replica-bounds.ts';
import { podsUsing, volumeOf } from '../../inventory/volume-claims.ts';

/** Namespaces every cluster has and no migration moves. */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** Workload kinds a namespace is moved by (their pods, ReplicaSets and Jobs follow them). */
export const MOVED_WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'] as const;

export const EXTERNAL_DNS_HOSTNAME = 'external-dns.alpha.kubernetes.io/hostname';
export const EXTERNAL_DNS_TTL = 'external-dns.alpha.kubernetes.io/ttl';
/** kube2iam's and kiam's pod annotation: the IAM role the pod's credentials come from. */
export const KUBE2IAM_ROLE = 'iam.amazonaws.com/role';
export const IRSA_ROLE = 'eks.amazonaws.com/role-arn';

export interface WorkloadHolding {
  kind: string;
  name: string;
  /** `3`, `2–10` (an autoscaler's range); absent for DaemonSets and CronJobs. */
  replicas?: string;
  images: string[];
}

export interface DnsName {
  name: string;
  /** `Ingress/web` or `Service/api`. */
  from: string;
  /** external-dns' TTL annotation, when set. */
  ttl?: string;
}

export interface VolumeHolding {
  claim: string;
  storageClass?: string;
  size?: string;
  volume?: string;
  /** `vol-…`, for an EBS-backed volume. */
  ebsVolumeId?: string;
  zones: string[];
  usedBy: string[];
}

export interface AccountHolding {
  name: string;
  /** The role the pods assume, and how: `kube2iam/kiam` (pod annotation), `irsa` (SA annotation). */
  roles: { role: string; via: 'kube2iam/kiam' | 'irsa'; workloads: string[] }[];
}

export interface Holdings {
  workloads: WorkloadHolding[];
  services: { name: string; type: string; ports: string[] }[];
  ingresses: string[];
  dnsNames: DnsName[];
  certificates: { name: string; dnsNames: string[]; issuer?: string }[];
  volumes: VolumeHolding[];
  secrets: string[];
  configMaps: string[];
  serviceAccounts: AccountHolding[];
  networkPolicies: string[];
  /** Cluster-scoped objects backed by this namespace's Services (webhooks, APIServices): they move with it. */
  serves: string[];
}

const label = (e: InventoryEntry) => `${e.object.kind}/${e.ref.name}`;
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

function workloadHolding(inventory: Inventory, entry: InventoryEntry): WorkloadHolding {
  const images = new Set<string>();
  for (const { container } of containersAt(entry.object, { init: true }))
    if (typeof container.image === 'string') images.add(container.image);
  const bounds = replicaBounds(inventory, entry);
  const replicas = bounds
    ? bounds.min === bounds.max
      ? `${bounds.min}`
      : `${bounds.min}–${bounds.max}`
    : undefined;
  return {
    kind: entry.object.kind,
    name: entry.ref.name,
    ...(replicas ? { replicas } : {}),
    images: [...images],
  };
}

/** Host names from external-dns' hostname annotation (comma-separated). */
function annotatedHosts(entry: InventoryEntry): string[] {
  const value = entry.object.metadata.annotations?.[EXTERNAL_DNS_HOSTNAME];
  return typeof value === 'string'
    ? value
        .split(',')
        .map((h) => h.trim().replace(/\.$/, ''))
        .filter(Boolean)
    : [];
}

function ingressHosts(ingress: InventoryEntry): string[] {
  const spec = asRecord(ingress.object.spec);
  const hosts: string[] = [];
  for (const rule of Array.isArray(spec?.rules) ? spec.rules : []) {
    const host = asRecord(rule)?.host;
    if (typeof host === 'string' && host !== '' && !host.startsWith('*')) hosts.push(host);
  }
  return hosts;
}

/** DNS names of a namespace's Ingresses and Services; external-dns reads every Ingress host by default. */
export function dnsNamesOf(inventory: Inventory, namespace: string): DnsName[] {
  const out = new Map<string, DnsName>();
  const add = (entry: InventoryEntry, name: string) => {
    const ttl = entry.object.metadata.annotations?.[EXTERNAL_DNS_TTL];
    if (!out.has(name))
      out.set(name, { name, from: label(entry), ...(typeof ttl === 'string' ? { ttl } : {}) });
  };
  for (const ingress of inventory.inNamespace('Ingress', namespace)) {
    for (const host of annotatedHosts(ingress)) add(ingress, host);
    for (const host of ingressHosts(ingress)) add(ingress, host);
  }
  for (const service of inventory.inNamespace('Service', namespace))
    for (const host of annotatedHosts(service)) add(service, host);
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function volumeHolding(inventory: Inventory, claim: InventoryEntry): VolumeHolding {
  const spec = asRecord(claim.object.spec);
  const size = getAt(spec, ['resources', 'requests', 'storage']);
  const pv = volumeOf(inventory, claim);
  const handle = pv ? ebsVolumeId(pv.object) : undefined;
  return {
    claim: claim.ref.name,
    ...(typeof spec?.storageClassName === 'string' ? { storageClass: spec.storageClassName } : {}),
    ...(typeof size === 'string' || typeof size === 'number' ? { size: String(size) } : {}),
    ...(pv ? { volume: pv.ref.name } : {}),
    ...(handle ? { ebsVolumeId: handle } : {}),
    zones: pv ? volumeZones(pv.object) : [],
    usedBy: sorted(podsUsing(inventory, claim).map((p) => label(inventory.topController(p)))),
  };
}

/** The EBS volume ID behind a PV: the CSI volume handle, or the in-tree `aws://zone/vol-…`. */
export function ebsVolumeId(pv: InventoryEntry['object']): string | undefined {
  if (!isEbsVolume(pv)) return undefined;
  const handle =
    getAt(pv, ['spec', 'csi', 'volumeHandle']) ?? getAt(pv, ['spec', 'awsElasticBlockStore', 'volumeID']);
  return typeof handle === 'string' ? (/vol-[0-9a-f]+/.exec(handle)?.[0] ?? handle) : undefined;
}

function accountHoldings(
  inventory: Inventory,
  namespace: string,
  workloads: InventoryEntry[],
): AccountHolding[] {
  const accounts = new Map<string, AccountHolding>();
  const roleOf = (name: string, role: string, via: 'kube2iam/kiam' | 'irsa', workload?: string) => {
    const account = accounts.get(name) ?? { name, roles: [] };
    accounts.set(name, account);
    let entry = account.roles.find((r) => r.role === role && r.via === via);
    if (!entry) {
      entry = { role, via, workloads: [] };
      account.roles.push(entry);
    }
    if (workload && !entry.workloads.includes(workload)) entry.workloads.push(workload);
  };
  for (const sa of inventory.inNamespace('ServiceAccount', namespace)) {
    const arn = sa.object.metadata.annotations?.[IRSA_ROLE];
    if (typeof arn === 'string' && arn !== '') roleOf(sa.ref.name, arn, 'irsa');
  }
  for (const w of workloads) {
    const role = podAnnotations(w.object)?.[KUBE2IAM_ROLE];
    const spec = podSpecAt(w.object);
    const account = String(spec?.serviceAccountName ?? spec?.serviceAccount ?? 'default');
    if (typeof role === 'string' && role !== '') roleOf(account, role, 'kube2iam/kiam', label(w));
  }
  return [...accounts.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Webhook configurations and APIServices whose Service lives in the namespace. */
function servedFrom(inventory: Inventory, namespace: string): string[] {
  const out: string[] = [];
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'])
    for (const config of inventory.ofKind(kind)) {
      const hooks = asRecord(config.object)?.webhooks;
      const mine = (Array.isArray(hooks) ? hooks : []).some(
        (h) => asRecord(asRecord(asRecord(h)?.clientConfig)?.service)?.namespace === namespace,
      );
      if (mine) out.push(label(config));
    }
  for (const api of inventory.ofKind('APIService'))
    if (getAt(api.object, ['spec', 'service', 'namespace']) === namespace) out.push(label(api));
  return sorted(out);
}

/** The workloads a namespace is moved by, in a stable order. */
export function movedWorkloads(inventory: Inventory, namespace: string): InventoryEntry[] {
  return MOVED_WORKLOAD_KINDS.flatMap((kind) =>
    inventory.inNamespace(kind, namespace).filter((e) => !e.object.metadata.ownerReferences?.length),
  );
}

export function holdingsOf(inventory: Inventory, namespace: string): Holdings {
  const workloads = movedWorkloads(inventory, namespace);
  const refs = workloads.flatMap((w) => podReferences(w.object));
  const services = inventory.inNamespace('Service', namespace).map((s) => {
    const spec = asRecord(s.object.spec);
    const ports = (Array.isArray(spec?.ports) ? spec.ports : []).map((p) => {
      const port = asRecord(p);
      return `${String(port?.port ?? '?')}/${String(port?.protocol ?? 'TCP')}`;
    });
    return { name: s.ref.name, type: String(spec?.type ?? 'ClusterIP'), ports };
  });
  const certificates = inventory.inNamespace('Certificate', namespace).map((c) => {
    const spec = asRecord(c.object.spec);
    const issuer = asRecord(spec?.issuerRef);
    return {
      name: c.ref.name,
      dnsNames: (Array.isArray(spec?.dnsNames) ? spec.dnsNames : []).filter(
        (d): d is string => typeof d === 'string',
      ),
      ...(issuer?.name ? { issuer: `${String(issuer.kind ?? 'Issuer')}/${String(issuer.name)}` } : {}),
    };
  });
  return {
    workloads: workloads.map((w) => workloadHolding(inventory, w)),
    services,
    ingresses: sorted(inventory.inNamespace('Ingress', namespace).map((i) => i.ref.name)),
    dnsNames: dnsNamesOf(inventory, namespace),
    certificates,
    volumes: inventory
      .inNamespace('PersistentVolumeClaim', namespace)
      .map((c) => volumeHolding(inventory, c)),
    secrets: sorted(refs.filter((r) => r.kind === 'Secret').map((r) => r.name)),
    configMaps: sorted(refs.filter((r) => r.kind === 'ConfigMap').map((r) => r.name)),
    serviceAccounts: accountHoldings(inventory, namespace, workloads),
    networkPolicies: sorted(inventory.inNamespace('NetworkPolicy', namespace).map((n) => n.ref.name)),
    serves: servedFrom(inventory, namespace),
  };
}
