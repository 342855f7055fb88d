/**
 * The Kubernetes object model hindsight works on: plain JSON objects as the API server serves
 * them, plus a reference type that names one object without holding it.
 */

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  resourceVersion?: string;
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

/** Any Kubernetes object: typed envelope, untyped body. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/** Names one object: enough to find it again in a cluster or an inventory. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Kinds that live outside namespaces; everything else is namespaced. */
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'EC2NodeClass',
  'FlowSchema',
  'GlobalNetworkPolicy',
  'IngressClass',
  'KWOKNodeClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'NodeClaim',
  'NodePool',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
  'CiliumClusterwideNetworkPolicy',
]);

export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** True when a parsed value has the envelope of a Kubernetes object. */
export function isKubeObject(value: unknown): value is KubeObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.apiVersion === 'string' &&
    typeof v.kind === 'string' &&
    v.metadata !== null &&
    typeof v.metadata === 'object' &&
    !Array.isArray(v.metadata)
  );
}

export function refOf(obj: KubeObject): ResourceRef {
  const apiVersion = obj.apiVersion;
  const kind = obj.kind;
  const name = obj.metadata.name ?? obj.metadata.generateName ?? '';
  const namespace = obj.metadata.namespace;
  // Built whole (not a property added later, which V8 keeps outside the object: 30 bytes more
  // for each of the 80k refs `hindsight serve` keeps).
  return namespace !== undefined && !isClusterScopedKind(kind)
    ? { apiVersion, kind, name, namespace }
    : { apiVersion, kind, name };
}

/** API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** A stable key for maps: group, kind, namespace and name (the version does not change identity). */
export function refKey(ref: ResourceRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** `Deployment shop/api`, `Node ip-10-0-1-2` — how kubectl users name objects. */
export function formatRef(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}
