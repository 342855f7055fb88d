/**
 * What in a namespace will not work on the target cluster as it is: node labels only kops sets,
 * in-tree storage provisioners, APIs the target's Kubernetes no longer serves, data on host paths
 * and local volumes, pinned node names, kube2iam/kiam roles (EKS has neither), IRSA roles trusted
 * by the old cluster only, and cluster-scoped objects the target lacks.
 */
import { appliedApi } from '../../core/applied-api.ts';
import { IN_TREE_EBS } from '../../core/ebs-volumes.ts';
import { normalizeHostPath } from '../../core/host-paths.ts';
import { asRecord } from '../../core/records.ts';
import { groupOf } from '../../core/resource.ts';
import { getAt, podAnnotations, podSpecAt } from '../../core/workload.ts';
import { compareMinor, deprecatedApi } from '../../data/deprecated-apis.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { classRequestOf, volumeOf } from '../../inventory/volume-claims.ts';
import { type ClusterDependency, servedGroups } from './dependencies.ts';
import type { ExternalDnsInstance } from './external-dns.ts';
import { IRSA_ROLE, KUBE2IAM_ROLE, movedWorkloads } from './holdings.ts';

export interface Incompatibility {
  /** `Deployment/api`, `PersistentVolumeClaim/data`. */
  subject: string;
  /** blocker: it will not run (or not be accepted) on the target; action: it runs once someone acts. */
  level: 'blocker' | 'action';
  problem: string;
  fix: string;
}

/** Node label keys kops sets and EKS nodes do not have. */
export function isKopsNodeLabel(key: string): boolean {
  return (
    key.startsWith('kops.k8s.io/') ||
    key === 'kubernetes.io/role' ||
    key === 'node-role.kubernetes.io/master' ||
    key === 'node-role.kubernetes.io/node'
  );
}

const label = (e: InventoryEntry) => `${e.object.kind}/${e.ref.name}`;
/** kiam's namespace annotation: a regular expression of the roles its pods may assume. */
const KIAM_PERMITTED = 'iam.amazonaws.com/permitted';
const NODE_LABEL_FIX =
  'select EKS nodes by a label they carry (eks.amazonaws.com/nodegroup, karpenter.sh/nodepool, or one your NodePool or node group sets)';

/** Node label keys a pod spec requires or prefers: nodeSelector and node affinity terms. */
function nodeLabelKeys(spec: Record<string, unknown>): { key: string; required: boolean }[] {
  const out: { key: string; required: boolean }[] = [];
  for (const key of Object.keys(asRecord(spec.nodeSelector) ?? {})) out.push({ key, required: true });
  const affinity = asRecord(asRecord(spec.affinity)?.nodeAffinity);
  const required = asRecord(affinity?.requiredDuringSchedulingIgnoredDuringExecution)?.nodeSelectorTerms;
  const terms = [
    ...(Array.isArray(required) ? required.map((t) => ({ t, required: true })) : []),
    ...(Array.isArray(affinity?.preferredDuringSchedulingIgnoredDuringExecution)
      ? affinity.preferredDuringSchedulingIgnoredDuringExecution.map((p) => ({
          t: asRecord(p)?.preference,
          required: false,
        }))
      : []),
  ];
  for (const { t, required: r } of terms) {
    const expressions = asRecord(t)?.matchExpressions;
    for (const e of Array.isArray(expressions) ? expressions : []) {
      const key = asRecord(e)?.key;
      if (typeof key === 'string') out.push({ key, required: r });
    }
  }
  return out;
}

const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];
/** Node paths every Linux node has, read for the node's own facts (agents, exporters): they move as they are. */
const NODE_PATHS = [
  '/',
  '/sys',
  '/proc',
  '/dev',
  '/etc',
  '/usr',
  '/lib',
  '/lib64',
  '/boot',
  '/run',
  '/var/run',
  '/var/log',
  '/var/lib/kubelet',
  '/opt/cni',
  '/var/lib/cni',
];

const within = (path: string, parent: string) => path === parent || path.startsWith(`${parent}/`);

/**
 * A host path on the target: Docker's socket and data do not exist on EKS nodes (containerd
 * since 1.24); a node's own system paths are there as on any node; anything else a Deployment
 * or StatefulSet keeps on a node stays on the old one (a DaemonSet's node-local state is made
 * again on each new node).
 */
function hostPathIncompatibilities(subject: string, kind: string, raw: string): Incompatibility[] {
  const path = normalizeHostPath(raw);
  if (DOCKER_SOCKETS.some((s) => within(path, s)))
    return [
      {
        subject,
        level: 'blocker',
        problem: `mounts the Docker socket ${path}: EKS nodes run containerd, with no Docker daemon`,
        fix: 'talk to containerd (/run/containerd/containerd.sock) or the Kubernetes API instead, or drop the mount',
      },
    ];
  if (within(path, '/var/lib/docker'))
    return [
      {
        subject,
        level: 'action',
        problem: `mounts ${path}, Docker's data directory: EKS nodes run containerd and keep container logs in /var/log/pods and /var/log/containers`,
        fix: 'read container logs from /var/log/pods (or /var/log/containers) on the target',
      },
    ];
  if (kind === 'DaemonSet' || NODE_PATHS.some((p) => p === path || (p !== '/' && within(path, p)))) return [];
  return [
    {
      subject,
      level: 'blocker',
      problem: `mounts host path ${path}: whatever it keeps there stays on the old nodes`,
      fix: 'move the data to a PersistentVolumeClaim before the move, or accept that it starts empty',
    },
  ];
}

function workloadIncompatibilities(workload: InventoryEntry): Incompatibility[] {
  const spec = podSpecAt(workload.object);
  if (!spec) return [];
  const subject = label(workload);
  const out: Incompatibility[] = [];
  const seen = new Set<string>();
  for (const { key, required } of nodeLabelKeys(spec)) {
    if (!isKopsNodeLabel(key) || seen.has(key)) continue;
    seen.add(key);
    out.push({
      subject,
      level: required ? 'blocker' : 'action',
      problem: `${required ? 'requires' : 'prefers'} node label ${key}, which only kops sets: ${required ? 'its pods stay Pending on the target' : 'the preference is void on the target'}`,
      fix: NODE_LABEL_FIX,
    });
  }
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '')
    out.push({
      subject,
      level: 'blocker',
      problem: `pins its pods to node ${spec.nodeName}, which the target does not have`,
      fix: 'remove spec.nodeName; select nodes by label or affinity',
    });
  for (const raw of Array.isArray(spec.volumes) ? spec.volumes : []) {
    const path = asRecord(asRecord(raw)?.hostPath)?.path;
    if (typeof path === 'string') out.push(...hostPathIncompatibilities(subject, workload.object.kind, path));
  }
  const role = podAnnotations(workload.object)?.[KUBE2IAM_ROLE];
  if (typeof role === 'string' && role !== '')
    out.push({
      subject,
      level: 'blocker',
      problem: `assumes IAM role ${role} through kube2iam/kiam (${KUBE2IAM_ROLE}), which EKS does not run: its AWS calls fail`,
      fix: `give its ServiceAccount the role through IRSA (${IRSA_ROLE}, a trust policy for the target's OIDC provider) or an EKS Pod Identity association`,
    });
  return out;
}

function storageIncompatibilities(inventory: Inventory, namespace: string): Incompatibility[] {
  const out: Incompatibility[] = [];
  for (const claim of inventory.inNamespace('PersistentVolumeClaim', namespace)) {
    const subject = label(claim);
    const request = classRequestOf(inventory, claim);
    const provisioner = request.storageClass?.object.provisioner;
    const pv = volumeOf(inventory, claim);
    if (provisioner === IN_TREE_EBS || getAt(pv?.object, ['spec', 'awsElasticBlockStore']) !== undefined)
      out.push({
        subject,
        level: 'action',
        problem: `its volume comes from the in-tree EBS provisioner (${IN_TREE_EBS}${request.name ? `, StorageClass ${request.name}` : ''}); EKS provisions EBS through the CSI driver`,
        fix: 'install the EBS CSI driver add-on, create a StorageClass with provisioner ebs.csi.aws.com (gp3) on the target, and restore the data from an EBS snapshot into a volume of that class in the same zone',
      });
    else if (
      typeof provisioner === 'string' &&
      provisioner.startsWith('kubernetes.io/') &&
      provisioner !== 'kubernetes.io/no-provisioner'
    )
      out.push({
        subject,
        level: 'action',
        problem: `its StorageClass ${request.name} uses the in-tree provisioner ${provisioner}, removed from current Kubernetes`,
        fix: 'use the matching CSI driver’s provisioner on the target',
      });
    if (
      pv &&
      (getAt(pv.object, ['spec', 'local']) !== undefined ||
        getAt(pv.object, ['spec', 'hostPath']) !== undefined)
    )
      out.push({
        subject,
        level: 'blocker',
        problem: `is bound to ${pv.ref.name}, a local/hostPath volume: its data lives on one old node`,
        fix: 'copy the data out (application backup, or a pod that reads the volume) and restore it into an EBS-backed claim on the target',
      });
  }
  return out;
}

function removedApis(inventory: Inventory, namespace: string, targetVersion: string): Incompatibility[] {
  const out: Incompatibility[] = [];
  for (const kind of inventory.kinds())
    for (const entry of inventory.inNamespace(kind, namespace)) {
      const api = appliedApi(entry.object);
      const known = api ? deprecatedApi(api.apiVersion, api.kind) : undefined;
      if (!api || known?.component !== 'kubernetes' || !known.removedIn) continue;
      if (compareMinor(known.removedIn, targetVersion) > 0) continue;
      out.push({
        subject: label(entry),
        level: 'blocker',
        problem: `was applied as ${api.apiVersion}, which Kubernetes ${known.removedIn} removed (the target runs ${targetVersion}): applying it there fails`,
        fix: known.replacement
          ? `rewrite it as ${known.replacement.apiVersion}${known.note ? ` (${known.note})` : ''}`
          : 'it has no replacement API: drop it',
      });
    }
  return out;
}

function accountIncompatibilities(inventory: Inventory, namespace: string): Incompatibility[] {
  const out: Incompatibility[] = [];
  for (const sa of inventory.inNamespace('ServiceAccount', namespace)) {
    const arn = sa.object.metadata.annotations?.[IRSA_ROLE];
    if (typeof arn !== 'string' || arn === '') continue;
    out.push({
      subject: label(sa),
      level: 'action',
      problem: `uses IAM role ${arn} through IRSA: the role trusts the old cluster's OIDC provider only`,
      fix: "add the target cluster's OIDC provider to the role's trust policy (or create an EKS Pod Identity association) before the workloads move",
    });
  }
  const permitted = inventory.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace })?.object.metadata
    .annotations?.[KIAM_PERMITTED];
  if (typeof permitted === 'string' && permitted !== '')
    out.push({
      subject: `Namespace/${namespace}`,
      level: 'action',
      problem: `limits its pods' roles through kiam (${KIAM_PERMITTED}: ${permitted}), which EKS does not run: nothing enforces it there`,
      fix: "carry the limit into IAM: each role's trust policy names the ServiceAccounts (system:serviceaccount:<namespace>:<name>) that may assume it",
    });
  return out;
}

/** Whether a cluster-scoped dependency exists on the target (by kind and name). */
export function presentOn(target: Inventory, dependency: ClusterDependency): boolean {
  return target.ofKind(dependency.kind).some((e) => e.ref.name === dependency.name);
}

/** Custom resources whose version the target's definition does not serve. */
function unservedVersions(source: Inventory, target: Inventory, namespace: string): Incompatibility[] {
  const out: Incompatibility[] = [];
  for (const crd of target.ofKind('CustomResourceDefinition')) {
    const spec = asRecord(crd.object.spec);
    const kind = asRecord(spec?.names)?.kind;
    if (typeof kind !== 'string') continue;
    const served = (Array.isArray(spec?.versions) ? spec.versions : [])
      .map((v) => asRecord(v))
      .filter((v) => v?.served !== false)
      .map((v) => `${String(spec?.group)}/${String(v?.name)}`);
    const used = new Set(
      source
        .inNamespace(kind, namespace)
        .filter((e) => groupOf(e.object.apiVersion) === spec?.group)
        .map((e) => e.object.apiVersion),
    );
    for (const version of used)
      if (!served.includes(version))
        out.push({
          subject: `CustomResourceDefinition/${crd.ref.name}`,
          level: 'blocker',
          problem: `the namespace's ${kind} objects are ${version}; the target serves ${served.join(', ') || 'no version'}`,
          fix: 'install the same (or a converting) version of the operator and its CRDs on the target first',
        });
  }
  return out;
}

/** An external-dns copied as it is would claim the source's records under the source's owner ID. */
function externalDnsCopies(instances: readonly ExternalDnsInstance[], namespace: string): Incompatibility[] {
  return instances
    .filter((i) => i.deployment.startsWith(`${namespace}/`))
    .map((i) => ({
      subject: `Deployment/${i.deployment.slice(namespace.length + 1)}`,
      level: 'action' as const,
      problem: `runs external-dns with --txt-owner-id=${i.ownerId}: copied as it is, the target's instance would claim the source's records and the two would overwrite each other`,
      fix: 'give the target its own --txt-owner-id (and keep the rest of its flags); the cutover moves names by rewriting their TXT owner',
    }));
}

/** An aggregated API this namespace serves that the target already gets from somewhere else. */
function apiTakeovers(source: Inventory, target: Inventory, namespace: string): Incompatibility[] {
  const theirs = servedGroups(target);
  const out: Incompatibility[] = [];
  for (const [group, mine] of servedGroups(source)) {
    const other = theirs.get(group);
    if (mine.namespace !== namespace || !other || other.namespace === namespace) continue;
    out.push({
      subject: `APIService/${mine.apiService}`,
      level: 'action',
      problem: `serves ${group} from ${namespace}, which the target already serves from ${other.namespace} (APIService ${other.apiService}): applying it takes the API over`,
      fix: `keep one: leave the target's ${other.namespace} in charge (and drop this APIService from what you apply), or remove it there first`,
    });
  }
  return out;
}

export interface IncompatibilityInputs {
  source: Inventory;
  target?: Inventory;
  /** The target's Kubernetes version, for removed APIs. */
  targetVersion?: string;
  namespace: string;
  dependencies: readonly ClusterDependency[];
  /** The source's external-dns instances (found once for the plan). */
  externalDns: readonly ExternalDnsInstance[];
}

export function incompatibilitiesOf(inputs: IncompatibilityInputs): Incompatibility[] {
  const { source, target, namespace } = inputs;
  const out = movedWorkloads(source, namespace).flatMap(workloadIncompatibilities);
  out.push(
    ...storageIncompatibilities(source, namespace),
    ...accountIncompatibilities(source, namespace),
    ...externalDnsCopies(inputs.externalDns, namespace),
  );
  if (inputs.targetVersion) out.push(...removedApis(source, namespace, inputs.targetVersion));
  if (target) {
    const seen = new Set<string>();
    for (const d of inputs.dependencies) {
      const key = `${d.kind}/${d.name}`;
      if (seen.has(key) || presentOn(target, d)) continue;
      seen.add(key);
      out.push({
        subject: key,
        level: 'blocker',
        problem: `is missing on the target (needed by ${d.neededBy})`,
        fix: `create ${key} on the target first (step 0)`,
      });
    }
    out.push(...unservedVersions(source, target, namespace), ...apiTakeovers(source, target, namespace));
  }
  return out;
}
